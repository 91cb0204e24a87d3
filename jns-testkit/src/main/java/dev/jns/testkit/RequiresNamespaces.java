package dev.jns.testkit;

import dev.jns.NamespaceType;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Disables the test (or class) where namespaces of these types cannot be made, with the real reason from
 * {@link dev.jns.Namespaces#doctor()} (which step failed, the errno, the sysctl, AppArmor, seccomp or missing
 * helper behind it, and the fix). With the system property (or configuration parameter)
 * {@code jns.testkit.requireSupport=true} the test fails instead of being skipped.
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(RequiresNamespacesCondition.class)
public @interface RequiresNamespaces {
    /** The types the test needs. */
    NamespaceType[] value();

    /** Whether they are needed without root too (as an unprivileged user, when the JVM is root). */
    boolean rootless() default false;
}
