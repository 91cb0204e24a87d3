package dev.jns.linux.cgroup;

import dev.jns.Errno;
import dev.jns.InvalidSpecException;
import dev.jns.NamespaceException;
import dev.jns.Outcome;
import dev.jns.linux.cgroup.CgroupHost.Hierarchy;
import dev.jns.sandbox.Limits;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cgroup of one sandbox: which directories the launcher creates (one per hierarchy it needs, each named
 * {@code jns-<jvm pid>-<jvm start time>-<n>}, below the JVM's own cgroup or {@link Limits#cgroup()}), what each
 * is for, and which limit files it writes there. Decided in the JVM before any process exists, so that a bad
 * value ({@link InvalidSpecException} naming the field) or a host without the controller or the delegation
 * ({@link NamespaceException} with a hint) fails {@code start()} without side effects.
 *
 * <p>Every controller comes from the cgroup v2 hierarchy when it is enabled for the parent's children there, else
 * from the v1 hierarchy that has it (a hybrid host). The v2 directory is made whenever v2 is mounted and writable,
 * even without controllers: it gives {@code cgroup.kill}, {@code cgroup.events} and {@code cpu.stat}. On a v1-only
 * host the freezer hierarchy serves the kill instead.
 */
public final class CgroupPlan {
    private static final Logger LOG = LoggerFactory.getLogger(CgroupPlan.class);

    /** Roles of a directory, as the launcher's CGROUP record has them (cgroup.h). */
    public static final int V2 = 1;
    public static final int MEMORY = 2;
    public static final int PIDS = 4;
    public static final int CPU = 8;
    public static final int CPUACCT = 16;
    public static final int FREEZER = 32;
    public static final int OTHER = 64;

    /** CFS period of cpu.max, in microseconds (the kernel's default). */
    static final long PERIOD_US = 100_000;
    private static final long UNLIMITED = Long.MAX_VALUE;
    private static final AtomicLong SEQ = new AtomicLong();
    private static final Pattern OURS = Pattern.compile("jns-(\\d+)-(\\d+)-\\d+");

    /** A directory the launcher creates. */
    public record Dir(int roles, Path path) {
    }

    /** A limit the launcher writes: {@code value} into {@code file} of directory {@code dir} (an index). */
    public record Setting(int dir, String file, String value) {
    }

    private final List<Dir> dirs;
    private final List<Setting> settings;
    private final long memoryLimit;

    private CgroupPlan(List<Dir> dirs, List<Setting> settings, long memoryLimit) {
        this.dirs = List.copyOf(dirs);
        this.settings = List.copyOf(settings);
        this.memoryLimit = memoryLimit;
    }

    /** The directories, in the order of the launcher's records. */
    public List<Dir> dirs() {
        return dirs;
    }

    /** The limits, in the order they are written. */
    public List<Setting> settings() {
        return settings;
    }

    /**
     * The plan for {@code limits} on {@code host}, for a launcher running as {@code euid}; null when the limits
     * need no cgroup.
     *
     * @param what the spawn, for messages
     */
    public static CgroupPlan of(String what, Limits limits, CgroupHost host, long euid) {
        if (!limits.usesCgroup()) {
            return null;
        }
        Set<String> needed = new LinkedHashSet<>();
        limits.memory().ifPresent(m -> needed.add("memory"));
        limits.pids().ifPresent(p -> needed.add("pids"));
        limits.cpus().ifPresent(c -> needed.add("cpu"));

        Path custom = limits.cgroup().orElse(null);
        Hierarchy customIn = null;
        if (custom != null) {
            for (Hierarchy h : all(host)) {
                if (h.contains(custom)) {
                    customIn = h;
                }
            }
            if (customIn == null) {
                throw new InvalidSpecException("limits.cgroup", custom + " is not in a cgroup file system"
                        + " (cgroup v2: " + (host.v2() == null ? "not mounted" : host.v2().mountPoint()) + ")",
                        "give a directory below a cgroup mount, e.g. /sys/fs/cgroup/...");
            }
            if (!Files.isDirectory(custom)) {
                throw new InvalidSpecException("limits.cgroup", custom + " is not an existing cgroup directory",
                        "create it first (mkdir), and delegate it to the user that runs the JVM");
            }
        }
        // test aid (like jns.testing.stopAtStep): plan as on a v1-only host, to exercise the freezer's kill
        Hierarchy v2 = Boolean.getBoolean("jns.testing.cgroupV1Only") ? null : host.v2();
        Path v2Parent = v2 == null ? null : v2 == customIn ? custom : v2.own();
        boolean v2Writable = v2Parent != null && writable(v2Parent, euid);
        Set<String> v2Children = v2Parent == null ? Set.of()
                : new LinkedHashSet<>(CgroupHost.words(CgroupHost.read(v2Parent.resolve("cgroup.subtree_control"))));

        // where each needed controller comes from
        Map<String, Hierarchy> from = new LinkedHashMap<>();
        for (String c : needed) {
            Hierarchy v1 = host.v1With(c);
            Path v1Parent = v1 == null ? null : v1 == customIn ? custom : v1.own();
            if (v2Children.contains(c) && (v2Writable || v1Parent == null)) {
                from.put(c, v2);
            } else if (v1Parent != null) {
                from.put(c, v1);
            } else {
                throw missing(what, c, v2, v2Parent, euid);
            }
        }

        String name = name();
        List<Dir> dirs = new ArrayList<>();
        List<Setting> settings = new ArrayList<>();
        Map<Hierarchy, Integer> index = new LinkedHashMap<>();
        boolean v2Needed = from.containsValue(v2) || (v2 != null && v2 == customIn);
        if (v2Parent != null && (v2Writable || v2Needed)) {
            if (!v2Writable) {
                throw notDelegated(what, v2Parent, "cgroup v2", euid);
            }
            index.put(v2, dirs.size());
            dirs.add(new Dir(V2, v2Parent.resolve(name)));
        }
        Set<Hierarchy> v1Used = new LinkedHashSet<>();
        for (Hierarchy h : from.values()) {
            if (h != v2) {
                v1Used.add(h);
            }
        }
        if (customIn != null && customIn != v2) {
            v1Used.add(customIn);
        }
        if (!index.containsKey(v2)) {
            // no v2 directory: the freezer kills, cpuacct counts (when this user may use them)
            for (String extra : List.of("freezer", "cpuacct")) {
                Hierarchy h = host.v1With(extra);
                if (h != null && h.own() != null && writable(parentIn(h, customIn, custom), euid)) {
                    v1Used.add(h);
                }
            }
        }
        for (Hierarchy h : v1Used) {
            Path parent = parentIn(h, customIn, custom);
            if (!writable(parent, euid)) {
                throw notDelegated(what, parent, "cgroup v1 " + String.join(",", h.controllers()), euid);
            }
            index.put(h, dirs.size());
            dirs.add(new Dir(roles(h.controllers()), parent.resolve(name)));
        }
        if (dirs.isEmpty()) {
            throw fail(what, "plan the sandbox's cgroup", Errno.ENOENT,
                    "this host has no cgroup hierarchy this process can use (" + host.version() + ")",
                    "mount cgroup2 on /sys/fs/cgroup (jns doctor shows what is there)");
        }

        long memoryLimit = -1;
        if (limits.memory().isPresent()) {
            long memory = limits.memory().getAsLong();
            long swap = limits.memorySwap().orElse(0);
            memoryLimit = memory;
            Hierarchy h = from.get("memory");
            Path parent = parentIn(h, customIn, custom);
            int d = index.get(h);
            if (h == v2) {
                checkAbove("limits.memory", memory, parent, h, "memory.max", Limits::formatBytes);
                settings.add(new Setting(d, "memory.max", Long.toString(memory)));
                if (limits.memorySwap().isPresent() || Files.exists(parent.resolve("memory.swap.max"))) {
                    settings.add(new Setting(d, "memory.swap.max", Long.toString(swap)));
                }
            } else {
                checkAbove("limits.memory", memory, parent, h, "memory.limit_in_bytes", Limits::formatBytes);
                settings.add(new Setting(d, "memory.limit_in_bytes", Long.toString(memory)));
                if (Files.exists(parent.resolve("memory.memsw.limit_in_bytes"))) {
                    settings.add(new Setting(d, "memory.memsw.limit_in_bytes", Long.toString(memory + swap)));
                } else if (swap > 0) {
                    throw fail(what, "limit swap", Errno.ENOENT,
                            "this kernel does not account swap in cgroup v1 (no memory.memsw.limit_in_bytes)",
                            "boot with swapaccount=1, or drop memorySwap()");
                }
            }
        }
        if (limits.pids().isPresent()) {
            long pids = limits.pids().getAsLong();
            Hierarchy h = from.get("pids");
            checkAbove("limits.pids", pids, parentIn(h, customIn, custom), h, "pids.max", Long::toString);
            settings.add(new Setting(index.get(h), "pids.max", Long.toString(pids)));
        }
        if (limits.cpus().isPresent()) {
            double cpus = limits.cpus().getAsDouble();
            int online = Runtime.getRuntime().availableProcessors();
            if (cpus > online) {
                throw new InvalidSpecException("limits.cpus", cpus + " CPUs is more than the " + online
                        + " this JVM may use", "ask for at most " + online);
            }
            long quota = Math.max(1000, Math.round(cpus * PERIOD_US));
            Hierarchy h = from.get("cpu");
            Path parent = parentIn(h, customIn, custom);
            double parentCpus = parentCpus(parent, h);
            if (cpus > parentCpus) {
                throw new InvalidSpecException("limits.cpus", cpus + " CPUs is above the limit of the cgroup it "
                        + "would be made in, " + parentCpus + " CPUs (" + parent + ")", "ask for at most " + parentCpus);
            }
            int d = index.get(h);
            if (h == v2) {
                settings.add(new Setting(d, "cpu.max", quota + " " + PERIOD_US));
            } else {
                settings.add(new Setting(d, "cpu.cfs_period_us", Long.toString(PERIOD_US)));
                settings.add(new Setting(d, "cpu.cfs_quota_us", Long.toString(quota)));
            }
        }
        for (Dir dir : dirs) {
            sweep(dir.path().getParent());
        }
        return new CgroupPlan(dirs, settings, memoryLimit);
    }

    /**
     * What the host's cgroups offer a process of {@code euid}, for {@code jns doctor}: the layout, whether jns may
     * create cgroups where it would (below the JVM's own cgroup in every hierarchy it would use), and where each
     * controller jns limits would come from.
     */
    public static dev.jns.doctor.CgroupFacts facts(long euid) {
        CgroupHost host = CgroupHost.current();
        Hierarchy v2 = host.v2();
        Set<String> v2Children = v2 == null || v2.own() == null ? Set.of()
                : new LinkedHashSet<>(CgroupHost.words(CgroupHost.read(v2.own().resolve("cgroup.subtree_control"))));
        Map<String, String> where = new LinkedHashMap<>();
        boolean delegated = v2 == null || v2.own() == null || writable(v2.own(), euid);
        for (String c : List.of("memory", "pids", "cpu")) {
            Hierarchy v1 = host.v1With(c);
            if (v2Children.contains(c)) {
                where.put(c, "v2");
            } else if (v1 != null && v1.own() != null) {
                where.put(c, "v1");
                delegated &= writable(v1.own(), euid);
            } else if (v2 != null && v2.controllers().contains(c)) {
                where.put(c, "v2, not enabled for children");
            } else {
                where.put(c, "missing");
            }
        }
        return new dev.jns.doctor.CgroupFacts(host.version(), delegated && !host.version().equals("none"), where);
    }

    private static List<Hierarchy> all(CgroupHost host) {
        List<Hierarchy> l = new ArrayList<>(host.v1());
        if (host.v2() != null) {
            l.add(host.v2());
        }
        return l;
    }

    private static Path parentIn(Hierarchy h, Hierarchy customIn, Path custom) {
        return h == customIn ? custom : h.own();
    }

    private static int roles(Set<String> controllers) {
        int r = 0;
        for (String c : controllers) {
            r |= switch (c) {
                case "memory" -> MEMORY;
                case "pids" -> PIDS;
                case "cpu" -> CPU;
                case "cpuacct" -> CPUACCT;
                case "freezer" -> FREEZER;
                default -> OTHER;
            };
        }
        return r;
    }

    /**
     * Refuses {@code value} above the smallest limit in {@code file} of {@code parent} and its ancestors inside the
     * hierarchy (the cgroup the sandbox's is made in can give it no more).
     */
    private static void checkAbove(String field, long value, Path parent, Hierarchy h, String file,
                                   java.util.function.LongFunction<String> format) {
        long least = UNLIMITED;
        Path where = null;
        for (Path p = parent; p != null && p.startsWith(h.mountPoint()); p = p.getParent()) {
            long v = number(p.resolve(file));
            if (v < least) {
                least = v;
                where = p.resolve(file);
            }
        }
        if (value > least) {
            throw new InvalidSpecException(field, format.apply(value) + " is above the limit of the cgroup it would"
                    + " be made in, " + format.apply(least) + " (" + where + ")",
                    "ask for at most " + format.apply(least) + ", or raise that limit");
        }
    }

    /** The CPUs the parent chain allows (cpu.max, or v1 cpu.cfs_quota_us / cpu.cfs_period_us). */
    private static double parentCpus(Path parent, Hierarchy h) {
        double least = Double.MAX_VALUE;
        for (Path p = parent; p != null && p.startsWith(h.mountPoint()); p = p.getParent()) {
            String max = CgroupHost.read(p.resolve("cpu.max"));
            List<String> w = CgroupHost.words(max);
            if (w.size() == 2 && !w.get(0).equals("max")) {
                least = Math.min(least, Double.parseDouble(w.get(0)) / Double.parseDouble(w.get(1)));
            }
            long quota = number(p.resolve("cpu.cfs_quota_us"));
            long period = number(p.resolve("cpu.cfs_period_us"));
            if (quota > 0 && quota != UNLIMITED && period > 0 && period != UNLIMITED) {
                least = Math.min(least, (double) quota / period);
            }
        }
        return least;
    }

    /** A number file; {@link #UNLIMITED} for "max", an unlimited v1 value, a missing file or -1. */
    private static long number(Path file) {
        String s = CgroupHost.read(file);
        if (s == null) {
            return UNLIMITED;
        }
        try {
            long v = Long.parseLong(s.trim());
            return v < 0 || v >= (1L << 62) ? UNLIMITED : v;
        } catch (NumberFormatException e) {
            return UNLIMITED;
        }
    }

    /** Whether a process of {@code euid} may create a directory in {@code dir} (root, the owner, or 0002). */
    static boolean writable(Path dir, long euid) {
        if (dir == null || !Files.isDirectory(dir)) {
            return false;
        }
        if (euid == 0) {
            return true;
        }
        try {
            int mode = (Integer) Files.getAttribute(dir, "unix:mode");
            int uid = (Integer) Files.getAttribute(dir, "unix:uid");
            return (uid == euid && (mode & 0200) != 0) || (mode & 0002) != 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static NamespaceException notDelegated(String what, Path parent, String hierarchy, long euid) {
        return fail(what, "create the sandbox's cgroup", Errno.EACCES,
                parent + " (" + hierarchy + ") is not delegated to uid " + euid, ROOTLESS_HINT);
    }

    /** What to enable for cgroup limits without root. */
    public static String rootlessHint() {
        return ROOTLESS_HINT;
    }

    static final String ROOTLESS_HINT = "cgroup limits without root need a cgroup v2 subtree delegated to the user: "
            + "run the JVM under systemd with Delegate=yes (systemd-run --user --scope -p Delegate=yes ...; on a v1 or "
            + "hybrid host boot with systemd.unified_cgroup_hierarchy=1), and hand jns a delegated cgroup without "
            + "processes of its own whose cgroup.subtree_control enables the controllers: Limits.builder().cgroup(dir)";

    private static NamespaceException missing(String what, String controller, Hierarchy v2, Path v2Parent, long euid) {
        boolean onHost = v2 != null && v2.controllers().contains(controller);
        if (onHost && v2Parent != null) {
            return fail(what, "find the " + controller + " controller", Errno.ENOENT,
                    "the " + controller + " controller is not enabled for the children of " + v2Parent,
                    "enable it there (echo +" + controller + " > " + v2Parent.resolve("cgroup.subtree_control")
                    + "; a cgroup with processes of its own cannot, so keep the JVM in a leaf) and hand jns that "
                    + "cgroup: Limits.builder().cgroup(dir)" + (euid == 0 ? "" : "; " + ROOTLESS_HINT));
        }
        return fail(what, "find the " + controller + " controller", Errno.ENOENT,
                "this host has no " + controller + " controller in a cgroup hierarchy this process sees",
                "enable it in the kernel (CONFIG_MEMCG, CONFIG_CGROUP_PIDS, CONFIG_CFS_BANDWIDTH; cgroup_enable="
                + controller + ") and mount it; jns doctor lists the controllers");
    }

    private static NamespaceException fail(String what, String step, int errno, String detail, String hint) {
        return NamespaceException.builder(what).step(step).errno(errno).detail(detail).hint(hint).build();
    }

    /** jns-PID-START-N: PID and START (clock ticks since boot) name the JVM that made it, for the sweep. */
    private static String name() {
        return "jns-" + ProcessHandle.current().pid() + "-" + startTime(ProcessHandle.current().pid()) + "-"
                + SEQ.incrementAndGet();
    }

    /** Field 22 of /proc/PID/stat (start time in clock ticks after boot), or -1 when the process is gone. */
    static long startTime(long pid) {
        String stat = CgroupHost.read(Path.of("/proc", Long.toString(pid), "stat"));
        if (stat == null) {
            return -1;
        }
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return f.length > 19 ? Long.parseLong(f[19]) : -1;
    }

    /**
     * Removes the empty {@code jns-*} cgroups in {@code parent} whose JVM is gone (a launcher killed with SIGKILL
     * cannot remove its sandbox's cgroup), at each start with cgroup limits; a directory listing of the parent.
     * A cgroup with processes stays: rmdir refuses it. Leftovers of this JVM's own launchers are removed by the
     * JVM when such a launcher ends ({@link #removeLeftovers()}).
     */
    static void sweep(Path parent) {
        if (parent == null) {
            return;
        }
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(parent, "jns-*")) {
            for (Path p : ds) {
                Matcher m = OURS.matcher(p.getFileName().toString());
                if (m.matches() && startTime(Long.parseLong(m.group(1))) != Long.parseLong(m.group(2))) {
                    try {
                        Files.delete(p);
                        LOG.debug("removed {}, left by a JVM that is gone", p);
                    } catch (IOException e) {
                        LOG.debug("could not remove {}: {}", p, e.toString());
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not sweep {}: {}", parent, e.toString());
        }
    }

    /**
     * Removes what the launcher should have removed, when it ended without saying it did (killed with SIGKILL, or
     * it reported a directory left): kills what is still in the sandbox's cgroup (v2 {@code cgroup.kill}), waits
     * a bounded time for it to empty, and removes the directories. Only this sandbox's own files are written.
     */
    public void removeLeftovers() {
        if (dirs.stream().noneMatch(d -> Files.isDirectory(d.path()))) {
            return;
        }
        for (Dir d : dirs) {
            if ((d.roles() & V2) != 0) {
                try {
                    Files.writeString(d.path().resolve("cgroup.kill"), "1");
                } catch (IOException | RuntimeException e) {
                    LOG.debug("could not kill what is left in {}: {}", d.path(), e.toString());
                }
            }
        }
        long until = System.nanoTime() + 2_000_000_000L;
        for (int i = dirs.size() - 1; i >= 0; i--) {
            Path p = dirs.get(i).path();
            while (true) {
                try {
                    Files.deleteIfExists(p);
                    break;
                } catch (IOException e) {
                    if (System.nanoTime() > until) {
                        LOG.warn("could not remove the sandbox's cgroup {}: {}", p, e.toString());
                        break;
                    }
                    // the killed processes are still leaving (a few ms): look again shortly
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
                }
            }
        }
    }

    /**
     * What the launcher's CGROUP record says ({@code "memory_peak=N oom_kill=N cpu_usec=N pids_peak=N"}, figures
     * the host lacks left out; {@code left=PATH} when it could not remove a directory).
     */
    public Outcome.CgroupUsage usage(String record) {
        Map<String, String> kv = new LinkedHashMap<>();
        for (String w : CgroupHost.words(record)) {
            int eq = w.indexOf('=');
            if (eq > 0) {
                kv.put(w.substring(0, eq), w.substring(eq + 1));
            }
        }
        if (kv.containsKey("left")) {
            LOG.debug("the launcher left {} (kill errno {}, rmdir errno {})", kv.get("left"), kv.get("kill_errno"),
                    kv.get("rmdir_errno"));
            removeLeftovers();
        }
        long cpu = longOf(kv.get("cpu_usec"));
        return new Outcome.CgroupUsage(longOf(kv.get("memory_peak")), memoryLimit, longOf(kv.get("oom_kill")),
                cpu < 0 ? null : Duration.ofNanos(cpu * 1000), longOf(kv.get("pids_peak")));
    }

    private static long longOf(String s) {
        try {
            return s == null ? -1 : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The memory limit, in bytes, or -1. */
    public long memoryLimit() {
        return memoryLimit;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("CgroupPlan");
        for (Dir d : dirs) {
            s.append(String.format(Locale.ROOT, " [%s roles=%d]", d.path(), d.roles()));
        }
        for (Setting st : settings) {
            s.append(' ').append(st.file()).append('=').append(st.value());
        }
        return s.toString();
    }
}
