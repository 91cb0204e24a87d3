package dev.jns.doctor;

import dev.jns.Errno;
import dev.jns.NamespaceType;
import dev.jns.Namespaces;

import java.time.Duration;

/**
 * The outcome of one real attempt made by {@link Namespaces#doctor()}: start {@code /bin/true} in a new
 * namespace of one type, make a user namespace and mount a tmpfs in it, or run {@code /bin/true} under cgroup
 * limits ({@link #CGROUP_LIMITS}).
 *
 * @param name     what was tried: a namespace type's {@link NamespaceType#procName() proc name}
 *                 ({@code "net"}), or {@link #USERNS_MOUNT} for the user namespace + tmpfs attempt
 * @param type     the namespace type tried, or null for {@link #USERNS_MOUNT}
 * @param uid      the uid the attempt ran as (the JVM's, or the unprivileged user's a root JVM switched to)
 * @param rootless whether the attempt ran without privileges (its namespaces came through a user namespace)
 * @param works    whether it succeeded
 * @param step     the step that failed ({@code "clone"}, {@code "mount tmpfs"}), or "" when it worked
 * @param errno    the errno of the failure, 0 when it worked or none applies
 * @param cause    why it failed, as found on this machine (a sysctl, AppArmor, seccomp, a missing helper),
 *                 or "" when it worked
 * @param fix      what to do about it, or "" when it worked or nothing can be done
 * @param elapsed  how long the attempt took
 */
public record DoctorProbe(String name, NamespaceType type, long uid, boolean rootless, boolean works, String step,
                          int errno, String cause, String fix, Duration elapsed) {
    /** The {@link #name()} of the attempt that makes a user namespace and mounts a tmpfs in it. */
    public static final String USERNS_MOUNT = "userns+mount";
    /** The {@link #name()} of the attempt that runs {@code /bin/true} under cgroup limits (memory and pids). */
    public static final String CGROUP_LIMITS = "cgroup-limits";
    /** The {@link #name()} of the attempt that starts a sandbox under jns's default seccomp filter. */
    public static final String SECCOMP = "seccomp";
    /**
     * The {@link #name()} of the attempt (root only) that starts a sandbox with an idmapped bind of a directory
     * in {@code java.io.tmpdir} (issue 19): whether this kernel and that file system can idmap.
     */
    public static final String IDMAP = "idmap";

    /** A successful attempt. */
    public static DoctorProbe ok(String name, NamespaceType type, long uid, boolean rootless, Duration elapsed) {
        return new DoctorProbe(name, type, uid, rootless, true, "", 0, "", "", elapsed);
    }

    /** One line: {@code "net (uid 1000, rootless): works"} or the step, errno, cause and fix. */
    public String describe() {
        StringBuilder sb = new StringBuilder(name).append(" (uid ").append(uid).append(rootless ? ", rootless" : "")
                .append("): ");
        if (works) {
            return sb.append("works").toString();
        }
        sb.append("FAILS at ").append(step.isEmpty() ? "?" : step);
        if (errno != 0) {
            sb.append(": ").append(Errno.name(errno));
        }
        if (!cause.isEmpty()) {
            sb.append(" -- ").append(cause);
        }
        if (!fix.isEmpty()) {
            sb.append(" -- fix: ").append(fix);
        }
        return sb.toString();
    }

    String toJson() {
        Json j = new Json().open().field("name", name).field("type", type == null ? null : type.procName())
                .field("uid", uid).field("rootless", rootless).field("works", works);
        if (!works) {
            j.field("step", step).field("errno", errno).field("errnoName", errno == 0 ? null : Errno.name(errno))
                    .field("cause", cause).field("fix", fix);
        }
        return j.field("elapsedMicros", elapsed.toNanos() / 1000).close().toString();
    }
}
