package dev.jns.linux.cgroup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The cgroup hierarchies this process sees, from {@code /proc/self/mountinfo} and {@code /proc/self/cgroup}: the
 * cgroup v2 hierarchy (if mounted) and each v1 hierarchy with its controllers, each with the directory of the
 * JVM's own cgroup in it. A pure v2 host has only {@link #v2()}; a hybrid one (systemd's "hybrid", or this
 * project's machines) has both, with the controllers on v1; a v1 host has only v1 hierarchies.
 *
 * @param v2 the cgroup v2 hierarchy, or null
 * @param v1 the v1 hierarchies (named ones such as {@code name=systemd} left out)
 */
public record CgroupHost(Hierarchy v2, List<Hierarchy> v1) {
    /**
     * One mounted hierarchy.
     *
     * @param controllers its controllers (v1: from the mount options; v2: {@code cgroup.controllers} of the JVM's
     *                    cgroup's parent chain root, i.e. what the host has)
     * @param mountPoint  where it is mounted
     * @param own         the directory of the JVM's own cgroup in it, or null when that cgroup lies outside the
     *                    mount (a container's view)
     */
    public record Hierarchy(Set<String> controllers, Path mountPoint, Path own) {
        /** Whether {@code dir} lies in this hierarchy. */
        public boolean contains(Path dir) {
            return dir.startsWith(mountPoint);
        }
    }

    /** The hierarchies of the calling process, read now. */
    public static CgroupHost current() {
        List<String> mountinfo = lines(Path.of("/proc/self/mountinfo"));
        List<String> cgroups = lines(Path.of("/proc/self/cgroup"));
        Hierarchy v2 = null;
        List<Hierarchy> v1 = new ArrayList<>();
        for (String line : mountinfo) {
            // id parent maj:min root mountpoint options [optional...] - fstype source superoptions
            int dash = line.indexOf(" - ");
            if (dash < 0) {
                continue;
            }
            String[] pre = line.substring(0, dash).split(" ");
            String[] post = line.substring(dash + 3).split(" ");
            if (pre.length < 5 || post.length < 3) {
                continue;
            }
            String root = unescape(pre[3]);
            Path mountPoint = Path.of(unescape(pre[4]));
            if (post[0].equals("cgroup2") && v2 == null) {
                String path = cgroupPath(cgroups, "");
                Path own = resolve(mountPoint, root, path);
                Set<String> ctl = new LinkedHashSet<>(words(read(mountPoint.resolve("cgroup.controllers"))));
                v2 = new Hierarchy(ctl, mountPoint, own);
            } else if (post[0].equals("cgroup")) {
                Set<String> ctl = new LinkedHashSet<>();
                for (String opt : post[2].split(",")) {
                    if (CONTROLLERS.contains(opt)) {
                        ctl.add(opt);
                    }
                }
                if (ctl.isEmpty() || v1.stream().anyMatch(h -> h.controllers().equals(ctl))) {
                    continue; // a named hierarchy (name=systemd) or a second mount of the same one
                }
                String path = cgroupPath(cgroups, String.join(",", ctl));
                v1.add(new Hierarchy(ctl, mountPoint, resolve(mountPoint, root, path)));
            }
        }
        return new CgroupHost(v2, List.copyOf(v1));
    }

    /** v1 controllers jns knows by name (others still count as hierarchies a sandbox may be placed in). */
    private static final Set<String> CONTROLLERS = Set.of("memory", "pids", "cpu", "cpuacct", "cpuset", "freezer",
            "blkio", "devices", "net_cls", "net_prio", "perf_event", "hugetlb", "rdma", "misc");

    /** The v1 hierarchy with {@code controller}, or null. */
    public Hierarchy v1With(String controller) {
        for (Hierarchy h : v1) {
            if (h.controllers().contains(controller)) {
                return h;
            }
        }
        return null;
    }

    /** A readable word for the layout: "v2", "v1", "hybrid" or "none". */
    public String version() {
        return v2 != null && !v1.isEmpty() ? "hybrid" : v2 != null ? "v2" : !v1.isEmpty() ? "v1" : "none";
    }

    /** The path in /proc/self/cgroup of the hierarchy whose controller list is {@code ctl} ("" for v2). */
    private static String cgroupPath(List<String> cgroups, String ctl) {
        for (String line : cgroups) {
            String[] f = line.split(":", 3);
            if (f.length < 3) {
                continue;
            }
            if (ctl.isEmpty() ? f[0].equals("0") && f[1].isEmpty()
                    : new LinkedHashSet<>(List.of(f[1].split(","))).equals(new LinkedHashSet<>(List.of(ctl.split(","))))) {
                return f[2];
            }
        }
        return null;
    }

    /** mountPoint + (path below root), or null when the cgroup is not visible through this mount. */
    private static Path resolve(Path mountPoint, String root, String path) {
        if (path == null || path.contains("(deleted)")) {
            return null;
        }
        if (root.equals("/")) {
            return mountPoint.resolve(path.substring(1)).normalize();
        }
        if (path.equals(root)) {
            return mountPoint;
        }
        if (path.startsWith(root + "/")) {
            return mountPoint.resolve(path.substring(root.length() + 1)).normalize();
        }
        return null;
    }

    private static String unescape(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }

    static List<String> words(String s) {
        return s == null || s.isBlank() ? List.of() : List.of(s.trim().split("\\s+"));
    }

    static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static List<String> lines(Path p) {
        try {
            return Files.readAllLines(p);
        } catch (IOException e) {
            return List.of();
        }
    }
}
