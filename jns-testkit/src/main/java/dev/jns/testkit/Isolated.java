package dev.jns.testkit;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs the test method (or every test of the class) in a child JVM inside fresh rootless namespaces: its own
 * user (mapped to root), pid (with its own /proc), mount, uts (hostname {@link #hostname()}), ipc and net
 * namespace (only loopback, up), and optionally a time namespace. The outcome is reported as if the test ran
 * in place: a pass, a failure with the original exception, message and stack trace, or a skip with its reason.
 * Code that binds a fixed port, sets the hostname or kills "all other processes" can then run in parallel.
 *
 * <p>The child JVM runs the test class's lifecycle for this one test ({@code @BeforeAll}, constructor,
 * {@code @BeforeEach}, the test, {@code @AfterEach}, {@code @AfterAll}); the parent runs none of the test's
 * {@code @BeforeEach}/{@code @AfterEach} methods, nor, when the class is annotated, its
 * {@code @BeforeAll}/{@code @AfterAll} methods. The child's output is copied to the parent's stdout/stderr.
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(IsolatedExtension.class)
public @interface Isolated {
    /** The hostname inside. */
    String hostname() default "isolated";

    /** CLOCK_MONOTONIC offset in seconds; not zero adds a time namespace. */
    long monotonicOffsetSeconds() default 0;

    /** Extra JVM options for the child ({@code "-Xmx256m"}). */
    String[] jvmArgs() default {};

    /** How long the child may run before it is killed and the test fails. */
    long timeoutSeconds() default 300;
}
