package dev.jns.testkit;

import dev.jns.NamespaceType;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * How {@link SandboxExtension} makes the {@link Sandbox} of a test class or method (the method's annotation
 * wins over the class's). Extra mounts are not configurable yet: they wait for jns's mount plan API.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
public @interface SandboxConfig {
    /** The namespaces to make; a user namespace is always added. Default: user, mount, pid, uts, ipc, net. */
    NamespaceType[] namespaces() default {NamespaceType.USER, NamespaceType.MOUNT, NamespaceType.PID,
            NamespaceType.UTS, NamespaceType.IPC, NamespaceType.NET};

    /** The hostname inside. */
    String hostname() default "sandbox";

    /** Bring the loopback device of the new net namespace up (the launcher does it; no iproute2 needed). */
    boolean loopback() default true;

    /** CLOCK_MONOTONIC offset in seconds; not zero adds a time namespace. */
    long monotonicOffsetSeconds() default 0;

    /** CLOCK_BOOTTIME offset in seconds; not zero adds a time namespace. */
    long boottimeOffsetSeconds() default 0;

    /** How the caller's ids appear inside. */
    Sandbox.IdMapping idMapping() default Sandbox.IdMapping.ROOT;

    /** One sandbox per test method (default), or one for the whole class. */
    Scope scope() default Scope.METHOD;

    /** After each test, fail it when the sandbox left processes, host mounts or JVM fds behind. */
    boolean checkLeaks() default true;

    /**
     * For a root JVM: make the sandbox (and run its commands) as this unprivileged user, so the rootless path
     * is what the test exercises. The system property {@code jns.testkit.runAsUser} sets it for every sandbox.
     */
    String runAsUser() default "";

    /** The lifetime of a sandbox. */
    enum Scope {
        /** A fresh sandbox for each test method. */
        METHOD,
        /** One sandbox for every test of the class, closed after the last. */
        CLASS
    }
}
