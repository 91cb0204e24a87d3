package dev.jns.linux.doctor;

import dev.jns.linux.proc.ProcFiles;
import dev.jns.doctor.DoctorFacts;
import dev.jns.doctor.DoctorFacts.Helper;
import dev.jns.linux.ffi.Sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads {@link DoctorFacts} from /proc, /sys and /etc. Every read is best effort: a missing file is a fact. */
final class FactsReader {
    /** The sysctls that gate user namespaces, by name, with their /proc/sys path. */
    static final Map<String, String> SYSCTLS = new LinkedHashMap<>();

    static {
        SYSCTLS.put("user.max_user_namespaces", "/proc/sys/user/max_user_namespaces");
        SYSCTLS.put("kernel.unprivileged_userns_clone", "/proc/sys/kernel/unprivileged_userns_clone");
        SYSCTLS.put("kernel.apparmor_restrict_unprivileged_userns",
                "/proc/sys/kernel/apparmor_restrict_unprivileged_userns");
    }

    private FactsReader() {
    }

    static DoctorFacts read() {
        long euid = -1;
        int seccomp = 0;
        int filters = -1;
        for (String line : lines("/proc/self/status")) {
            if (line.startsWith("Uid:")) {
                euid = Long.parseLong(ProcFiles.statusField(line, 2));
            } else if (line.startsWith("Seccomp:")) {
                seccomp = Integer.parseInt(ProcFiles.statusField(line, 1));
            } else if (line.startsWith("Seccomp_filters:")) {
                filters = Integer.parseInt(ProcFiles.statusField(line, 1));
            }
        }
        String user = userName(euid);
        Map<String, String> sysctls = new LinkedHashMap<>();
        SYSCTLS.forEach((name, path) -> {
            String v = ProcFiles.read(path);
            if (v != null) {
                sysctls.put(name, v);
            }
        });
        String cgroup = "";
        for (String line : lines("/proc/self/cgroup")) {
            if (line.startsWith("0::")) {
                cgroup = line.substring(3);
            }
        }
        Path cgRoot = cgroup2Mount();
        boolean v2 = !cgroup.isEmpty() && cgRoot != null;
        boolean writable = false;
        if (v2) {
            Path dir = cgRoot.resolve(cgroup.startsWith("/") ? cgroup.substring(1) : cgroup);
            writable = Files.isWritable(dir) && Files.isWritable(dir.resolve("cgroup.procs"));
        }
        return new DoctorFacts(orElse(ProcFiles.read("/proc/sys/kernel/osrelease"), System.getProperty("os.version")), euid, user,
                helper("newuidmap"), helper("newgidmap"), subIds("/etc/subuid", user, euid),
                subIds("/etc/subgid", user, euid), sysctls, seccomp, filters, container(), v2, v2 ? cgroup : "",
                writable, timeNamespaces(), pidfd(), launcherSeccomp(),
                dev.jns.linux.cgroup.CgroupPlan.facts(euid));
    }

    /** The launcher's own account of the seccomp filter it gives sandboxes ({@code jns-launcher --describe}). */
    private static String launcherSeccomp() {
        try {
            String d = dev.jns.linux.spawn.Spawner.describeLauncher();
            int semi = d.indexOf("; ");
            return semi < 0 ? d : d.substring(semi + 2);
        } catch (RuntimeException e) {
            return "";
        }
    }

    static String userName(long uid) {
        for (String line : lines("/etc/passwd")) {
            String[] f = line.split(":");
            if (f.length > 2 && f[2].equals(Long.toString(uid))) {
                return f[0];
            }
        }
        return Long.toString(uid);
    }

    /** The uid and gid of a user in /etc/passwd, or null. */
    static long[] ids(String name) {
        for (String line : lines("/etc/passwd")) {
            String[] f = line.split(":");
            if (f.length > 3 && f[0].equals(name)) {
                return new long[] {Long.parseLong(f[2]), Long.parseLong(f[3])};
            }
        }
        return null;
    }

    private static Helper helper(String name) {
        for (String dir : new String[] {"/usr/bin", "/bin", "/usr/sbin", "/usr/local/bin"}) {
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p)) {
                boolean setuidRoot = false;
                try {
                    int mode = (Integer) Files.getAttribute(p, "unix:mode");
                    int owner = (Integer) Files.getAttribute(p, "unix:uid");
                    setuidRoot = owner == 0 && (mode & 04000) != 0;
                } catch (IOException | RuntimeException e) {
                    // stays false: we could not tell
                }
                return new Helper(name, p.toString(), setuidRoot);
            }
        }
        return Helper.missing(name);
    }

    private static List<String> subIds(String file, String user, long uid) {
        List<String> out = new ArrayList<>();
        for (String line : lines(file)) {
            String[] f = line.trim().split(":");
            if (f.length == 3 && (f[0].equals(user) || f[0].equals(Long.toString(uid)))) {
                out.add(f[1] + " " + f[2]);
            }
        }
        return out;
    }

    /** What shows that this runs in a container, or "". */
    static String container() {
        if (Files.exists(Path.of("/.dockerenv"))) {
            return "docker (/.dockerenv)";
        }
        if (Files.exists(Path.of("/run/.containerenv"))) {
            return "podman (/run/.containerenv)";
        }
        String env = System.getenv("container");
        if (env != null && !env.isEmpty()) {
            return env + " ($container)";
        }
        String init = ProcFiles.read("/proc/1/environ");
        if (init != null && init.contains("container=")) {
            String v = init.substring(init.indexOf("container=") + 10);
            int end = v.indexOf('\0');
            return (end >= 0 ? v.substring(0, end) : v) + " (container= in pid 1's environment)";
        }
        for (String line : lines("/proc/1/cgroup")) {
            for (String k : new String[] {"docker", "kubepods", "lxc", "libpod", "containerd"}) {
                if (line.contains("/" + k) || line.contains(k + "-")) {
                    return k + " (/proc/1/cgroup: " + line + ")";
                }
            }
        }
        return "";
    }

    private static Path cgroup2Mount() {
        for (String line : lines("/proc/self/mountinfo")) {
            int dash = line.indexOf(" - ");
            if (dash > 0 && line.substring(dash + 3).startsWith("cgroup2 ")) {
                return Path.of(line.split(" ")[4]);
            }
        }
        return null;
    }

    private static boolean timeNamespaces() {
        String[] v = orElse(ProcFiles.read("/proc/sys/kernel/osrelease"), "0.0").split("[.-]");
        try {
            int major = Integer.parseInt(v[0]);
            int minor = v.length > 1 ? Integer.parseInt(v[1]) : 0;
            return (major > 5 || major == 5 && minor >= 6) && Files.exists(Path.of("/proc/self/ns/time"));
        } catch (NumberFormatException e) {
            return Files.exists(Path.of("/proc/self/ns/time"));
        }
    }

    private static boolean pidfd() {
        try {
            int fd = Sys.tryPidfdOpen((int) ProcessHandle.current().pid());
            if (fd >= 0) {
                Sys.closeQuietly(fd);
                return true;
            }
            return false;
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /**
     * Reads a small /proc or /sys file. With one large read: a sysctl file answers only the first read
     * (a read at a nonzero offset gets EOF), so {@code Files.readString}, which starts with a one-byte read for
     * files of size 0, sees only its first character ("9" of "96365").
     */

    private static List<String> lines(String path) {
        try {
            return Files.readAllLines(Path.of(path));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static String orElse(String v, String other) {
        return v == null ? other : v;
    }
}
