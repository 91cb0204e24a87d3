package dev.jns.doctor;

import dev.jns.Namespaces;

import java.util.List;
import java.util.Map;

/**
 * What {@link Namespaces#doctor()} read from the machine, to explain its verdicts.
 *
 * @param kernel         the kernel release ({@code /proc/sys/kernel/osrelease})
 * @param euid           the JVM's effective uid
 * @param user           the name of that uid, or the number when it has none
 * @param newuidmap      the {@code newuidmap} helper
 * @param newgidmap      the {@code newgidmap} helper
 * @param subuid         the user's ranges in {@code /etc/subuid}, as {@code "start count"}, empty when none
 * @param subgid         the same for {@code /etc/subgid}
 * @param sysctls        the sysctls that gate user namespaces, by name ({@code "user.max_user_namespaces"}),
 *                       only those present on this kernel
 * @param seccomp        the JVM's seccomp mode from {@code /proc/self/status}: 0 none, 1 strict, 2 filter
 * @param seccompFilters the number of seccomp filters in force (-1 when the kernel does not say)
 * @param container      what shows the JVM runs in a container ({@code "docker (/.dockerenv)"}), "" when
 *                       nothing does
 * @param cgroupV2       whether the JVM's cgroup is on a cgroup v2 (unified) hierarchy
 * @param cgroup         the JVM's cgroup v2 path ({@code /user.slice/...}), "" when none
 * @param cgroupWritable whether that cgroup directory is writable by the JVM (delegated to it)
 * @param timeNamespaces whether time namespaces exist here (kernel 5.6+ and {@code /proc/self/ns/time})
 * @param pidfd          whether {@code pidfd_open} works
 * @param cgroups        what the cgroups offer for cgroup limits: layout, delegation, each controller
 * @param sandboxSeccomp what the launcher says of the seccomp filter it gives sandboxes: its libseccomp version and
 *                       whether this kernel has seccomp filters ({@code "libseccomp 2.5.4, seccomp filters
 *                       available, ..."}), "" when unknown
 */
public record DoctorFacts(String kernel, long euid, String user, Helper newuidmap, Helper newgidmap,
                          List<String> subuid, List<String> subgid, Map<String, String> sysctls, int seccomp,
                          int seccompFilters, String container, boolean cgroupV2, String cgroup,
                          boolean cgroupWritable, boolean timeNamespaces, boolean pidfd, String sandboxSeccomp,
                          CgroupFacts cgroups) {

    /** Copies the lists and the map. */
    public DoctorFacts {
        subuid = List.copyOf(subuid);
        subgid = List.copyOf(subgid);
        sysctls = Map.copyOf(sysctls);
        sandboxSeccomp = sandboxSeccomp == null ? "" : sandboxSeccomp;
        java.util.Objects.requireNonNull(cgroups, "cgroups");
    }

    /** Facts without what the cgroups offer ({@link CgroupFacts#unknown()}). */
    public DoctorFacts(String kernel, long euid, String user, Helper newuidmap, Helper newgidmap, List<String> subuid,
                       List<String> subgid, Map<String, String> sysctls, int seccomp, int seccompFilters,
                       String container, boolean cgroupV2, String cgroup, boolean cgroupWritable,
                       boolean timeNamespaces, boolean pidfd, String sandboxSeccomp) {
        this(kernel, euid, user, newuidmap, newgidmap, subuid, subgid, sysctls, seccomp, seccompFilters, container,
                cgroupV2, cgroup, cgroupWritable, timeNamespaces, pidfd, sandboxSeccomp, CgroupFacts.unknown());
    }

    /** Facts without the launcher's seccomp description nor what the cgroups offer. */
    public DoctorFacts(String kernel, long euid, String user, Helper newuidmap, Helper newgidmap, List<String> subuid,
                       List<String> subgid, Map<String, String> sysctls, int seccomp, int seccompFilters,
                       String container, boolean cgroupV2, String cgroup, boolean cgroupWritable,
                       boolean timeNamespaces, boolean pidfd) {
        this(kernel, euid, user, newuidmap, newgidmap, subuid, subgid, sysctls, seccomp, seccompFilters, container,
                cgroupV2, cgroup, cgroupWritable, timeNamespaces, pidfd, "", CgroupFacts.unknown());
    }

    /** Facts of a machine where nothing could be read (no implementation). */
    public static DoctorFacts unknown() {
        return new DoctorFacts(System.getProperty("os.name", "?") + " " + System.getProperty("os.version", ""), -1,
                System.getProperty("user.name", "?"), Helper.missing("newuidmap"), Helper.missing("newgidmap"),
                List.of(), List.of(), Map.of(), 0, -1, "", false, "", false, false, false);
    }

    /** Whether the JVM runs as root. */
    public boolean root() {
        return euid == 0;
    }

    /** Whether the JVM runs in a container, as far as can be told. */
    public boolean inContainer() {
        return !container.isEmpty();
    }

    /**
     * A setuid id-mapping helper ({@code newuidmap} or {@code newgidmap}, package uidmap / shadow-utils).
     *
     * @param name       {@code "newuidmap"} or {@code "newgidmap"}
     * @param path       where it was found, or "" when it was not
     * @param setuidRoot whether it is owned by root with the setuid bit (it cannot work otherwise)
     */
    public record Helper(String name, String path, boolean setuidRoot) {
        /** A helper that was not found. */
        public static Helper missing(String name) {
            return new Helper(name, "", false);
        }

        /** Whether it was found. */
        public boolean exists() {
            return !path.isEmpty();
        }

        /** Found and setuid root. */
        public boolean usable() {
            return exists() && setuidRoot;
        }

        @Override
        public String toString() {
            return !exists() ? name + ": missing" : path + (setuidRoot ? " (setuid root)" : " (NOT setuid root)");
        }
    }

    String toJson() {
        return new Json().open().field("kernel", kernel).field("euid", euid).field("user", user)
                .key("newuidmap").raw(helper(newuidmap)).key("newgidmap").raw(helper(newgidmap))
                .field("subuid", subuid).field("subgid", subgid).field("sysctls", new java.util.TreeMap<>(sysctls))
                .field("seccomp", seccomp).field("seccompFilters", seccompFilters)
                .field("container", container.isEmpty() ? null : container).field("cgroupV2", cgroupV2)
                .field("cgroup", cgroup).field("cgroupWritable", cgroupWritable)
                .field("timeNamespaces", timeNamespaces).field("pidfd", pidfd)
                .field("sandboxSeccomp", sandboxSeccomp.isEmpty() ? null : sandboxSeccomp)
                .key("cgroups").raw(cgroups.toJson()).close().toString();
    }

    private static String helper(Helper h) {
        return new Json().open().field("path", h.exists() ? h.path : null).field("setuidRoot", h.setuidRoot)
                .close().toString();
    }
}
