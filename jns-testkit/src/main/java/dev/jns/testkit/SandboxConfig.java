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
 * wins over the class's, as a whole: attributes are not merged).
 *
 * <p>Extra mounts ({@link #binds}, {@link #roBinds}, {@link #tmpfs}) are made by the sandbox's holder in the
 * sandbox's own mount namespace, over the host's tree, parents first (ordered by the depth of the destination;
 * at equal depth binds, then read-only binds, then tmpfs, each in the order written), so a bind may go inside a
 * tmpfs and a tmpfs inside a bind; every command of the sandbox sees them, the host never does. Paths are absolute; a destination must already exist
 * (a directory for a directory, a file for a file), unless it lies inside a tmpfs listed here. A malformed entry
 * fails the test with an {@link dev.jns.InvalidSpecException} naming the attribute and the entry
 * ({@code @SandboxConfig.binds[1] 'x'}). For anything else (files, symlinks, a read-only remount, per-test
 * paths) use {@link Sandbox#builder()} and {@link Sandbox.Builder#mounts}.
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

    /**
     * Give the sandbox its own {@code /etc/hosts} and {@code /etc/hostname} (with uts and mount namespaces), so
     * that the hostname resolves to loopback; see {@link Sandbox.Builder#hostsFile}.
     */
    boolean hostsFile() default true;

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

    /**
     * Read-write binds, each {@code "/host/source:/destination"} (source and destination absolute; a lone
     * {@code "/path"} binds the path on itself). What commands write there lands in the host's source.
     */
    String[] binds() default {};

    /** Read-only binds, {@code "/host/source:/destination"} as {@link #binds}; writes fail with EROFS. */
    String[] roBinds() default {};

    /** Empty, writable tmpfs mounts on these absolute paths (mode 0755, the kernel's default size). */
    String[] tmpfs() default {};

    /**
     * The memory limit of each command the sandbox runs ({@link dev.jns.sandbox.Limits.Builder#memory}), as
     * systemd and docker write sizes: {@code "256M"}, {@code "1G"}; "" (the default) for none. Each command runs
     * in a cgroup of its own with these limits; one beyond its memory is killed by the OOM killer
     * ({@code Outcome.Kind.OOM_KILLED}). Without root this needs a delegated cgroup v2 subtree ({@code jns doctor}).
     */
    String memory() default "";

    /** The most processes each command may have at once ({@code pids.max}); 0 (the default) for no limit. */
    long pids() default 0;

    /** The CPU share of each command, in CPUs ({@code 1.5}); 0 (the default) for no limit. */
    double cpus() default 0;

    /** The lifetime of a sandbox. */
    enum Scope {
        /** A fresh sandbox for each test method. */
        METHOD,
        /** One sandbox for every test of the class, closed after the last. */
        CLASS
    }
}
