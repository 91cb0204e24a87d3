package dev.jns.linux.spawn;

import dev.jns.linux.proc.ProcFiles;
import dev.jns.NamespaceException;
import dev.jns.NamespaceType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.jns.Errno.EACCES;
import static dev.jns.Errno.EINVAL;
import static dev.jns.Errno.ENOENT;
import static dev.jns.Errno.ENOSPC;
import static dev.jns.Errno.EPERM;
import static dev.jns.Errno.ESTALE;
import static dev.jns.Errno.EUSERS;

/**
 * Turns a launcher ERROR record into the exception the caller sees: what was asked, the step, the errno,
 * the launcher's detail, and a hint made from what jns knows here (the plan, the machine's sysctls).
 */
final class SetupFailure {
    private SetupFailure() {
    }

    static NamespaceException of(LaunchPlan plan, int stepCode, int errno, String detail) {
        Step step = Step.of(stepCode);
        String label = step.label();
        if (step == Step.EXEC && detail != null && !detail.isEmpty()) {
            label = "exec '" + detail + "'";
            detail = null;
        }
        String hint = hint(plan, step, errno);
        if ((step == Step.MOUNT_PLAN || step == Step.IDMAP_MOUNT) && detail != null) {
            // "entry N (op src -> dst): what": name the entry as the caller wrote it
            java.util.regex.Matcher m = ENTRY.matcher(detail);
            if (m.matches()) {
                int index = Integer.parseInt(m.group(1));
                dev.jns.sandbox.Mount entry = plan.mountEntry(index);
                label = "mount plan entry " + index + " (" + (entry != null ? entry.describe() : m.group(2)) + ")";
                if (step == Step.IDMAP_MOUNT) {
                    label += ": idmap";
                    hint = idmapHint(plan, entry, errno);
                } else if (entry != null && entryHint(entry, errno) != null) {
                    hint = entryHint(entry, errno);
                }
                detail = m.group(3);
            }
        }
        return NamespaceException.builder(plan.spec.describe()).step(label).errno(errno).detail(detail)
                .hint(hint).build();
    }

    /** A hint for entries whose failures the generic MOUNT_PLAN hint does not fit (issue 16), or null. */
    static String entryHint(dev.jns.sandbox.Mount entry, int errno) {
        if (entry.kind().isFdBind()) {
            return switch (errno) {
                case ESTALE -> "the path the descriptor was opened at now names another object (ESTALE): open it "
                        + "again, or keep what it names in place until start() returns";
                case ENOENT -> "a bind from a descriptor needs a file or directory that a path in the caller's view "
                        + "still reaches (not a pipe, socket, memfd or deleted file)";
                default -> null;
            };
        }
        if (entry.kind() == dev.jns.sandbox.Mount.Kind.LOCK_FILE) {
            return switch (errno) {
                case dev.jns.Errno.EAGAIN -> "another process holds a write lock on the file: wait for it, or lock another file";
                case EINVAL -> "lockFile needs a regular file";
                case ENOENT -> "lockFile needs an existing file: bind one, or make it with file(..) earlier in the "
                        + "plan";
                default -> null;
            };
        }
        return null;
    }

    /** Why an idmapped bind failed: the file system type of the source and what the kernel needs. */
    static String idmapHint(LaunchPlan plan, dev.jns.sandbox.Mount entry, int errno) {
        String fs = entry == null ? null : fsType(entry.source());
        String of = fs == null ? "its file system" : "its file system (" + fs + ")";
        String none = "bind it without an idmap (its files then belong to the sandbox's host ids), or bind a "
                + "directory on ext4, xfs, btrfs or tmpfs instead";
        return switch (errno) {
            case EINVAL -> of + " cannot be idmapped: idmapped mounts need Linux 5.12+ and a file system that supports "
                    + "them (ext4, xfs, btrfs, f2fs, vfat since 5.12; overlayfs since 5.19; tmpfs since 6.3; not proc, "
                    + "sysfs, devtmpfs, nfs, fuse before 6.12), on every mount below the source too; " + none;
            case EPERM -> "idmapping a bind needs CAP_SYS_ADMIN in the user namespace that owns " + of
                    + " (the initial one, i.e. root, for host disks) and over the sandbox's ids"
                    + (plan.who.privileged() ? "" : ": a caller without root cannot idmap host file systems")
                    + "; " + none;
            case 38 -> "this kernel has no mount_setattr/open_tree: idmapped mounts need Linux 5.12+; " + none;
            case ENOENT -> "the source does not exist";
            default -> of + " refused the idmap; " + none;
        };
    }

    /** The file system type of {@code path} ("ext4", "proc"), or null. */
    static String fsType(String path) {
        try {
            return Files.getFileStore(Path.of(path)).type();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static final java.util.regex.Pattern ENTRY =
            java.util.regex.Pattern.compile("entry (\\d+) \\((.*?)\\): (.*)", java.util.regex.Pattern.DOTALL);

    static String hint(LaunchPlan plan, Step step, int errno) {
        boolean user = plan.created.contains(NamespaceType.USER);
        String who = plan.who.privileged() ? "root" : "uid " + plan.who.euid();
        String resource = Hints.forErrno(errno);
        if (resource != null && step != Step.MOUNT_PLAN) {
            // a process or fd limit, whatever the step (clone, the init's fork, newuidmap's fork, pipes)
            return resource;
        }
        return switch (step) {
            case CLONE -> switch (errno) {
                case ENOSPC, EUSERS -> "a namespace limit was reached: nesting depth (32 user namespaces) or "
                        + "/proc/sys/user/max_*_namespaces exceeded (" + limits() + ")";
                case EPERM -> user
                        ? "creating a user namespace was refused for " + who + ": " + userNsRestrictions()
                        : "creating namespaces other than user namespaces needs CAP_SYS_ADMIN: add newUser()";
                case EINVAL -> "the kernel lacks one of the asked namespace types (CONFIG_*_NS), or a joined "
                        + "namespace conflicts with a new one";
                default -> null;
            };
            case WRITE_UID_MAP, WRITE_GID_MAP -> errno == EPERM
                    ? "without CAP_SETUID/CAP_SETGID in the parent namespace only your own id (" + who
                      + ") may be mapped, as one id; map ranges through newuidmap with /etc/subuid entries"
                    : errno == EINVAL ? "the map is malformed or its ranges overlap (or the map was written before)" : null;
            case WRITE_SETGROUPS -> "the kernel refused setgroups; it must be written before gid_map";
            case NEWUIDMAP, NEWGIDMAP -> "check that " + (step == Step.NEWUIDMAP ? "/etc/subuid" : "/etc/subgid")
                    + " grants " + who + " the mapped ranges (usermod --add-subuids/--add-subgids) and that "
                    + "newuidmap/newgidmap are setuid root (package uidmap)";
            case JOIN_NAMESPACE -> errno == EPERM
                    ? "joining needs CAP_SYS_ADMIN in the user namespace that owns it: join that user namespace "
                      + "too, or run as root"
                    : errno == EINVAL ? "the kernel refused this join: a user namespace cannot be rejoined or be an "
                      + "ancestor, and a pid namespace must be a descendant of the caller's" : null;
            case VERIFY_NAMESPACE -> errno == ESTALE
                    ? "the namespace file no longer is the namespace the handle was opened for" : null;
            case UNSHARE_TIME -> errno == EINVAL ? "time namespaces need Linux 5.6+ with CONFIG_TIME_NS"
                    : errno == EPERM ? "a new time namespace needs CAP_SYS_ADMIN: add newUser()" : null;
            case WRITE_TIMENS_OFFSETS -> errno == EINVAL || errno == 34
                    ? "the offset would make the clock negative or is out of range" : null;
            case SETHOSTNAME, SETDOMAINNAME -> errno == EPERM
                    ? "setting the name needs CAP_SYS_ADMIN over a UTS namespace of one's own: add newUts()" : null;
            case MOUNT_PROC -> errno == EPERM
                    ? "mounting proc in a user namespace needs a pid namespace owned by it (add newPid()) and a fully "
                      + "visible /proc on the host (not a container that masks parts of /proc)"
                    : null;
            case MOUNT_PROPAGATION -> errno == EPERM ? "changing propagation needs a mount namespace of one's own" : null;
            case EXEC -> errno == ENOENT ? "no such program, or its interpreter is missing; "
                    + "names without '/' are looked up in the command's PATH"
                    : errno == EACCES ? "not executable, a directory, on a noexec mount, or a directory on its path is "
                      + "not searchable by " + (user ? "the user inside" : who) : null;
            case CHDIR -> "the working directory must exist and be searchable inside the namespaces";
            case DROP_TO_UID -> "runAs needs the launcher to start as root";
            case MOUNT_PLAN -> errno == ENOENT ? "a source is missing (use the *Try variant to skip it), or a "
                    + "destination is missing outside the sandbox's own tmpfs mounts (jns creates destinations only "
                    + "there: add a tmpfs or use emptyRoot())"
                    : errno == EPERM ? "the kernel refused this mount in the sandbox's user namespace: proc needs a new "
                      + "pid namespace, mqueue a new ipc namespace, and a read-only mount of the host stays read-only"
                    : errno == 20 || errno == 21 ? "a bind needs a directory on a directory and a file on a file"
                    : errno == 40 ? "a symlink: destinations are never resolved through one, a writable bind's source "
                      + "is never one itself, and strict sources have none on their path; name the real path "
                      + "(Path.toRealPath()) if you trust it"
                    : errno == 18 ? "a source reached through a magic link (/proc/PID/root, /proc/PID/fd/N): name the "
                      + "path itself" : null;
            case SWITCH_ROOT -> errno == 75 ? "the command's uid or gid is not mapped in its user namespace: map it"
                    : "the root must be an existing directory (not a symlink), and / private or slave";
            case SET_IDS -> "the sandbox's ids must be mapped in its user namespace (see SandboxIds)";
            case CGROUP -> errno == EACCES || errno == EPERM ? dev.jns.linux.cgroup.CgroupPlan.rootlessHint()
                    : errno == 16 ? "the cgroup is busy: a cgroup v2 directory with controllers enabled for its children "
                      + "cannot take processes (no internal processes): give a leaf, or a parent without processes"
                    : null;
            case CGROUP_LIMIT -> errno == 16 ? "the limit is below what the cgroup uses already"
                    : errno == EINVAL ? "the kernel refused the value (a v1 memory+swap limit must be at least the "
                      + "memory limit)" : errno == ENOENT ? "this kernel lacks that cgroup file (an older kernel, or "
                      + "swap accounting off)" : null;
            case CAPABILITIES -> "dropping capabilities needs CAP_SETPCAP: add newUser(), or keep noNewPrivileges()";
            case SECCOMP -> errno == EACCES
                    ? "the kernel loads a seccomp filter only with no_new_privs (or CAP_SYS_ADMIN): keep "
                      + "Security.builder().noNewPrivileges(true)"
                    : errno == EINVAL ? "a rule names a system call this launcher's libseccomp does not know for this "
                      + "architecture, or its conditions do not fit the call; check the SeccompFilter"
                    : "the kernel refused the filter (CONFIG_SECCOMP_FILTER?); "
                      + "Security.builder().seccomp(SeccompFilter.none()) runs without one";
            case MASK_PROC -> "masking /proc (runc's masked paths) failed; "
                    + "Security.builder().maskProc(false) mounts it unmasked";
            case KEYRING -> "the kernel refused a new session keyring; "
                    + "Security.builder().newKeyring(false) keeps the caller's";
            default -> null;
        };
    }

    private static String limits() {
        StringBuilder sb = new StringBuilder();
        for (String t : new String[] {"user", "pid", "net", "mnt", "uts", "ipc", "cgroup", "time"}) {
            String v = ProcFiles.read("/proc/sys/user/max_" + t + "_namespaces");
            if (v != null) {
                sb.append(sb.length() == 0 ? "" : ", ").append(t).append('=').append(v);
            }
        }
        return "max_*_namespaces: " + sb;
    }

    /** The reasons a kernel may refuse unprivileged user namespaces, with their values on this machine. */
    static String userNsRestrictions() {
        StringBuilder sb = new StringBuilder();
        String max = ProcFiles.read("/proc/sys/user/max_user_namespaces");
        if ("0".equals(max)) {
            return "unprivileged user namespaces are off: sysctl user.max_user_namespaces is 0";
        }
        String clone = ProcFiles.read("/proc/sys/kernel/unprivileged_userns_clone");
        if ("0".equals(clone)) {
            return "unprivileged user namespaces are off: sysctl kernel.unprivileged_userns_clone is 0";
        }
        String aa = ProcFiles.read("/proc/sys/kernel/apparmor_restrict_unprivileged_userns");
        if ("1".equals(aa)) {
            return "AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns=1): "
                    + "allow them with an AppArmor profile for java, or set the sysctl to 0";
        }
        sb.append("user.max_user_namespaces=").append(max);
        if (clone != null) {
            sb.append(", kernel.unprivileged_userns_clone=").append(clone);
        }
        return sb.append("; a seccomp filter (e.g. a container runtime's) may forbid it").toString();
    }

}
