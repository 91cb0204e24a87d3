package dev.jns.linux.doctor;

import dev.jns.linux.proc.ProcFiles;
import dev.jns.doctor.DoctorFacts;
import dev.jns.Errno;
import dev.jns.NamespaceType;

/**
 * Explains a failed attempt from the facts of the machine: the first cause that applies, and its fix.
 * Ordered from the most decisive (a sysctl that turns the feature off) to the least (a container's masks).
 */
final class Causes {
    /** A cause and what to do about it. */
    record Explanation(String cause, String fix) {
    }

    private Causes() {
    }

    static Explanation explain(DoctorFacts f, NamespaceType type, boolean rootless, String step, int errno,
                               String fallbackCause) {
        boolean userns = rootless || type == NamespaceType.USER;
        String s = step == null ? "" : step;
        if (errno == Errno.EINVAL && type == NamespaceType.TIME && !f.timeNamespaces()) {
            return new Explanation("time namespaces need Linux 5.6+ with CONFIG_TIME_NS; this kernel is " + f.kernel(),
                    "use a newer kernel");
        }
        if (errno == Errno.EINVAL && s.startsWith("clone")) {
            return new Explanation("the kernel (" + f.kernel() + ") was built without "
                    + (type == null ? "one of the namespace types" : "CONFIG_" + config(type)),
                    "use a kernel with that option");
        }
        if (errno == Errno.ENOSPC || errno == Errno.EUSERS) {
            String t = type == null ? "user" : type.procName();
            String v = ProcFiles.read("/proc/sys/user/max_" + t + "_namespaces");
            return new Explanation("a namespace limit was reached: user.max_" + t + "_namespaces is " + v
                    + " (or 32 nested user namespaces)", "sysctl -w user.max_" + t + "_namespaces=15000");
        }
        if (userns) {
            if ("0".equals(f.sysctls().get("user.max_user_namespaces"))) {
                return new Explanation("unprivileged user namespaces are off: sysctl user.max_user_namespaces is 0",
                        "sysctl -w user.max_user_namespaces=15000 (persist it in /etc/sysctl.d/)");
            }
            if (rootless && "0".equals(f.sysctls().get("kernel.unprivileged_userns_clone"))) {
                return new Explanation("unprivileged user namespaces are off: sysctl kernel.unprivileged_userns_clone is 0",
                        "sysctl -w kernel.unprivileged_userns_clone=1 (persist it in /etc/sysctl.d/)");
            }
            if (rootless && "1".equals(f.sysctls().get("kernel.apparmor_restrict_unprivileged_userns"))) {
                return new Explanation("AppArmor restricts unprivileged user namespaces "
                        + "(kernel.apparmor_restrict_unprivileged_userns=1): they are made without capabilities, so "
                        + "mounts, id maps and other namespaces fail inside",
                        "give java an AppArmor profile with 'userns,' (see /etc/apparmor.d/ for examples), or "
                        + "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0");
            }
            if (s.startsWith("newuidmap") || s.startsWith("newgidmap")) {
                DoctorFacts.Helper h = s.startsWith("newuidmap") ? f.newuidmap() : f.newgidmap();
                String file = s.startsWith("newuidmap") ? "/etc/subuid" : "/etc/subgid";
                if (!h.exists()) {
                    return new Explanation(h.name() + " is missing", "install it (Debian/Ubuntu: apt-get install uidmap)");
                }
                if (!h.setuidRoot()) {
                    return new Explanation(h.path() + " is not setuid root", "chown root " + h.path() + " && chmod u+s "
                            + h.path());
                }
                return new Explanation(file + " grants this user no range", "usermod --add-subuids 100000-165535 "
                        + "--add-subgids 100000-165535 USER");
            }
        }
        if (f.seccomp() == 2 && (errno == Errno.EPERM || errno == Errno.ENOSYS)) {
            return new Explanation("a seccomp filter is in force (" + f.seccompFilters() + " filters"
                    + (f.inContainer() ? ", container: " + f.container() : "") + ") and may forbid "
                    + "clone/unshare/setns/mount with namespace flags",
                    "run the container with a seccomp profile that allows them (docker: --security-opt seccomp=unconfined)");
        }
        if (errno == Errno.EPERM && s.contains("/proc") && f.inContainer()) {
            return new Explanation("the container (" + f.container() + ") masks parts of /proc, so the kernel refuses a "
                    + "new proc mount", "run the container without masked paths (docker: --security-opt systempaths=unconfined)");
        }
        if (errno == Errno.EPERM && !userns) {
            return new Explanation("creating a " + (type == null ? "" : type.procName() + " ")
                    + "namespace needs CAP_SYS_ADMIN, which the JVM lacks"
                    + (f.inContainer() ? " in this container (" + f.container() + ")" : ""),
                    "create a user namespace with it (Spawn.newUser()), or run with CAP_SYS_ADMIN");
        }
        if (errno == Errno.EPERM && f.inContainer()) {
            return new Explanation("the container (" + f.container() + ") does not allow it: capabilities dropped, or "
                    + "a nested user namespace refused", "run the container with --privileged, or on a runtime that "
                    + "supports nested user namespaces");
        }
        return new Explanation(fallbackCause == null ? "" : fallbackCause, "");
    }

    private static String config(NamespaceType t) {
        return switch (t) {
            case CGROUP -> "CGROUPS";
            case IPC -> "IPC_NS";
            case MOUNT -> "NAMESPACES";
            case NET -> "NET_NS";
            case PID -> "PID_NS";
            case TIME -> "TIME_NS";
            case USER -> "USER_NS";
            case UTS -> "UTS_NS";
        };
    }
}
