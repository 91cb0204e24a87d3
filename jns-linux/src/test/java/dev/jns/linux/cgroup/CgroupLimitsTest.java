package dev.jns.linux.cgroup;

import dev.jns.InvalidSpecException;
import dev.jns.Namespaces;
import dev.jns.NsProcess;
import dev.jns.Outcome;
import dev.jns.Spawn;
import dev.jns.SpawnResult;
import dev.jns.linux.testing.FreshJvm;
import dev.jns.linux.testing.NoLeaks;
import dev.jns.sandbox.Limits;
import dev.jns.sandbox.MountPlan;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Cgroup limits as root, on the real kernel: memory (OOM kill, tmpfs), pids (a fork bomb), the cgroup namespace,
 * independence of two sandboxes, and that no cgroup is left however the sandbox ends. Each test names the
 * hierarchy it needs and skips with the reason where the host lacks it.
 */
@ExtendWith(NoLeaks.class)
class CgroupLimitsTest {
    private static final long MIB = 1L << 20;
    private static CgroupHost host;

    @BeforeAll
    static void root() {
        assumeTrue(ProcessHandle.current().info().user().orElse("").equals("root"), "cgroup tests run as root");
        host = CgroupHost.current();
    }

    @AfterEach
    void noCgroupLeft() {
        assertThat(leftovers()).as("jns cgroups of this JVM left after the test").isEmpty();
    }

    /** Every jns-PID-* directory of this JVM in the parents jns uses. */
    static List<Path> leftovers() {
        List<Path> left = new ArrayList<>();
        List<CgroupHost.Hierarchy> all = new ArrayList<>(host.v1());
        if (host.v2() != null) {
            all.add(host.v2());
        }
        for (CgroupHost.Hierarchy h : all) {
            if (h.own() == null) {
                continue;
            }
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(h.own(),
                    "jns-" + ProcessHandle.current().pid() + "-*")) {
                ds.forEach(left::add);
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
        return left;
    }

    private static void needs(String controller) {
        boolean v2 = host.v2() != null && host.v2().own() != null && CgroupHost.words(CgroupHost.read(
                host.v2().own().resolve("cgroup.subtree_control"))).contains(controller);
        assumeTrue(v2 || host.v1With(controller) != null, "this host has no " + controller
                + " controller for this JVM's children (cgroup " + host.version() + ")");
    }

    /** The cgroup directory of {@code pid} in the hierarchy with {@code controller} ("" = v2). */
    private static Path cgroupOf(long pid, String controller) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/cgroup"))) {
            String[] f = line.split(":", 3);
            boolean match = controller.isEmpty() ? f[0].equals("0") : List.of(f[1].split(",")).contains(controller);
            if (match) {
                CgroupHost.Hierarchy h = controller.isEmpty() ? host.v2() : host.v1With(controller);
                return h.mountPoint().resolve(f[2].substring(1));
            }
        }
        throw new AssertionError("no " + controller + " line in /proc/" + pid + "/cgroup");
    }

    @Test
    void aMemoryHogIsKilledByTheOomKillerAndReportedAsSuch() {
        needs("memory");
        SpawnResult r = Namespaces.spawn().newPid().limits(Limits.builder().memory(64 * MIB).build())
                .run("tail", "/dev/zero");
        Outcome o = r.outcome();
        System.out.printf("memory hog under 64 MiB: %s, peak %d KiB, %d OOM kill(s), %s%n", o.describe(),
                o.cgroup().memoryPeak() >> 10, o.cgroup().oomKills(), r.elapsed());
        assertThat(o.kind()).as(o.toString()).isEqualTo(Outcome.Kind.OOM_KILLED);
        assertThat(o.signal()).isEqualTo(9);
        assertThat(o.describe()).isEqualTo("killed by the OOM killer (memory limit 64 MiB)");
        assertThat(o.cgroup().oomKills()).isPositive();
        assertThat(o.cgroup().memoryLimit()).isEqualTo(64 * MIB);
        assertThat(o.cgroup().memoryPeak()).isBetween(32 * MIB, 64 * MIB);
    }

    @Test
    void aSandboxFillingItsTmpIsStoppedByItsMemoryLimit() {
        needs("memory");
        SpawnResult r = Namespaces.spawn().mounts(new MountPlan().tmpfs(Path.of("/tmp")))
                .limits(Limits.builder().memory(32 * MIB).build())
                .run("dd", "if=/dev/zero", "of=/tmp/fill", "bs=1M", "count=128");
        Outcome o = r.outcome();
        System.out.printf("dd of 128 MiB into a tmpfs under 32 MiB: %s, peak %d KiB%n", o.describe(),
                o.cgroup().memoryPeak() >> 10);
        assertThat(o.kind()).as(o + r.stderr()).isEqualTo(Outcome.Kind.OOM_KILLED);
        assertThat(o.cgroup().memoryPeak()).isLessThanOrEqualTo(32 * MIB);
    }

    @Test
    void aForkBombIsHeldAtItsPidsLimitAndTheSandboxStillEndsCleanly() {
        needs("pids");
        // the bomb forks until pids.max refuses; the shell then spins without forking until the timeout. The shell
        // forks once, before the bomb exists ("b &"): with "b;" it forked each side of the first pipeline itself,
        // and when the first side's bomb reached the limit before the second fork, dash ended with "Cannot fork"
        // (exit 2, seen once in CI)
        SpawnResult r = Namespaces.spawn().newPid().limits(Limits.builder().pids(40).build())
                .timeout(Duration.ofSeconds(2), Duration.ZERO)
                .run("sh", "-c", "b() { b | b & }; b & while :; do :; done");
        Outcome o = r.outcome();
        System.out.printf("fork bomb under pids 40 for 2 s: %s, pids peak %d, sandbox over after %s%n",
                o.describe(), o.cgroup().pidsPeak(), r.elapsed());
        assertThat(o.kind()).as(o.toString()).isEqualTo(Outcome.Kind.TIMED_OUT);
        if (o.cgroup().pidsPeak() >= 0) {
            assertThat(o.cgroup().pidsPeak()).isEqualTo(40);
        }
    }

    @Test
    void withoutAPidNamespaceWhatTheCommandLeftRunningEndsWithItsCgroup() throws Exception {
        needs("pids");
        SpawnResult r = Namespaces.spawn().limits(Limits.builder().pids(10).build())
                .run("sh", "-c", "sleep 1000 & echo $!");
        long orphan = Long.parseLong(r.stdout().trim());
        assertThat(r.outcome().cgroup()).isNotNull();
        assertThat(running(orphan)).as("sleep %d after the sandbox ended", orphan).isFalse();
    }

    /** Whether pid runs (a zombie, killed and not yet reaped by whoever inherited it, does not). */
    static boolean running(long pid) {
        String stat = CgroupHost.read(Path.of("/proc/" + pid + "/stat"));
        return stat != null && stat.charAt(stat.lastIndexOf(')') + 2) != 'Z';
    }

    @Test
    void onV1TheFreezerAndAKillOfEveryPidEndWhatIsLeft() {
        needs("pids");
        assumeTrue(host.v1With("freezer") != null, "needs a cgroup v1 freezer hierarchy");
        System.setProperty("jns.testing.cgroupV1Only", "true");
        try {
            SpawnResult r = Namespaces.spawn().limits(Limits.builder().pids(10).build())
                    .run("sh", "-c", "for i in 1 2 3; do sleep 1000 & echo $!; done");
            assertThat(r.stdout().lines()).hasSize(3).allSatisfy(pid ->
                    assertThat(running(Long.parseLong(pid))).as("sleep %s after the sandbox ended", pid).isFalse());
            assertThat(r.outcome().cgroup().cpu()).as("cpuacct.usage").isNotNull();
        } finally {
            System.clearProperty("jns.testing.cgroupV1Only");
        }
    }

    @Test
    void twoSandboxesHaveTheirOwnLimits() throws Exception {
        needs("memory");
        needs("pids");
        try (NsProcess a = Namespaces.spawn().limits(Limits.builder().memory(64 * MIB).pids(7).build())
                .start("sleep", "1000");
             NsProcess b = Namespaces.spawn().limits(Limits.builder().memory(96 * MIB).pids(9).build())
                     .start("sleep", "1000")) {
            Map<String, String> la = limitsOf(a.pid());
            Map<String, String> lb = limitsOf(b.pid());
            assertThat(la).containsEntry("memory", Long.toString(64 * MIB)).containsEntry("pids", "7");
            assertThat(lb).containsEntry("memory", Long.toString(96 * MIB)).containsEntry("pids", "9");
            assertThat(cgroupOf(a.pid(), "memory")).isNotEqualTo(cgroupOf(b.pid(), "memory"));
            if (host.v2() != null) {
                assertThat(cgroupOf(a.pid(), "").getFileName().toString()).startsWith("jns-");
            }
        }
    }

    private static Map<String, String> limitsOf(long pid) throws IOException {
        Map<String, String> m = new TreeMap<>();
        Path mem = cgroupOf(pid, "memory");
        String v1 = CgroupHost.read(mem.resolve("memory.limit_in_bytes"));
        m.put("memory", (v1 != null ? v1 : CgroupHost.read(mem.resolve("memory.max"))).trim());
        m.put("pids", CgroupHost.read(cgroupOf(pid, "pids").resolve("pids.max")).trim());
        return m;
    }

    @Test
    void aNewCgroupNamespaceIsRootedAtTheSandboxsCgroup() {
        needs("memory");
        SpawnResult r = Namespaces.spawn().newCgroup().limits(Limits.builder().memory(64 * MIB).build())
                .run("cat", "/proc/self/cgroup");
        assertThat(r.stdout().lines()).isNotEmpty().allSatisfy(l -> assertThat(l).endsWith(":/"));
        assertThat(r.stdout()).contains("0::/");
    }

    @Test
    void theOutcomeCountsCpuAndPeakMemory() {
        needs("memory");
        SpawnResult r = Namespaces.spawn().limits(Limits.builder().memory(64 * MIB).build())
                .run("sh", "-c", "head -c 8M /dev/zero | tail -c 1 | od -c");
        Outcome.CgroupUsage u = r.outcome().cgroup();
        assertThat(r.outcome().kind()).isEqualTo(Outcome.Kind.EXITED);
        assertThat(u.oomKills()).isZero();
        assertThat(u.memoryPeak()).isPositive();
        assertThat(u.cpu()).isNotNull().isPositive();
    }

    @Test
    void noCgroupIsLeftAfterDestroyOrTimeout() throws Exception {
        needs("memory");
        Spawn s = Namespaces.spawn().newPid().limits(Limits.builder().memory(64 * MIB).build());
        try (NsProcess p = s.start("sleep", "1000")) {
            assertThat(leftovers()).hasSize(host.v2() != null ? 2 : 1);
            p.destroy();
            assertThat(p.outcome().kind()).isEqualTo(Outcome.Kind.SIGNALED);
        }
        assertThat(leftovers()).isEmpty();
        try (NsProcess p = s.start("sleep", "1000")) {
            p.destroyForcibly();
            p.waitFor();
        }
        try (NsProcess p = s.timeout(Duration.ofMillis(200), Duration.ZERO).start("sleep", "1000")) {
            assertThat(p.outcome().kind()).isEqualTo(Outcome.Kind.TIMED_OUT);
        }
    }

    @Test
    void aLimitAboveTheParentsIsInvalidNamingTheField() throws Exception {
        CgroupHost.Hierarchy mem = host.v1With("memory");
        assumeTrue(mem != null && mem.own() != null, "needs a cgroup v1 memory hierarchy to make a limited parent in");
        Path parent = mem.own().resolve("jns-test-parent-" + ProcessHandle.current().pid());
        Files.createDirectory(parent);
        try {
            Files.writeString(parent.resolve("memory.limit_in_bytes"), Long.toString(64 * MIB));
            assertThatThrownBy(() -> Namespaces.spawn()
                    .limits(Limits.builder().memory(128 * MIB).cgroup(parent).build()).run("true"))
                    .isInstanceOfSatisfying(InvalidSpecException.class, e -> {
                        assertThat(e.field()).isEqualTo("limits.memory");
                        assertThat(e.getMessage()).contains("128 MiB is above", "64 MiB");
                    });
            // within it: fine, and made below it
            SpawnResult r = Namespaces.spawn().limits(Limits.builder().memory(32 * MIB).cgroup(parent).build())
                    .run("cat", "/proc/self/cgroup");
            assertThat(r.stdout()).contains(":memory:" + "/" + host.v1With("memory").mountPoint()
                    .relativize(parent) + "/jns-");
        } finally {
            Files.delete(parent);
        }
    }

    @Test
    void noCgroupIsLeftWhenTheJvmIsKilled() throws Exception {
        needs("memory");
        String java = FreshJvm.java();
        Process jvm = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CgroupJvmKillMain.class.getName()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(jvm.getInputStream())).readLine();
            assertThat(line).as("the child JVM's sandbox pid").isNotNull();
            long sandbox = Long.parseLong(line.trim());
            String prefix = "jns-" + jvm.pid() + "-";
            assertThat(cgroupOf(sandbox, "memory").getFileName().toString()).startsWith(prefix);
            Path dir = cgroupOf(sandbox, "memory");
            jvm.destroyForcibly();
            assertThat(jvm.waitFor(5, TimeUnit.SECONDS)).isTrue();
            // the sandbox dies with its JVM (its launcher's lifeline); a launcher that could not remove the cgroup
            // (killed with it) leaves it empty, and the next start with cgroup limits sweeps it
            // (the bound only keeps a broken build from hanging: on a machine at load 60 this took up to 3 s)
            long until = System.nanoTime() + 20_000_000_000L;
            while ((running(sandbox) || !CgroupHost.words(CgroupHost.read(dir.resolve("cgroup.procs"))).isEmpty())
                    && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            assertThat(running(sandbox)).as("the sandbox after its JVM was killed").isFalse();
            Namespaces.spawn().limits(Limits.builder().memory(32 * MIB).build()).run("true");
            assertThat(dir).as("the sandbox's cgroup after its JVM was killed and a next start; cgroup.procs: %s",
                    CgroupHost.read(dir.resolve("cgroup.procs"))).doesNotExist();
        } finally {
            jvm.destroyForcibly();
        }
    }

    @Test
    void emptyCgroupsOfDeadJvmsAreSweptAtTheNextStart() throws Exception {
        CgroupHost.Hierarchy mem = host.v1With("memory");
        assumeTrue(mem != null && mem.own() != null, "needs a cgroup v1 memory hierarchy to make a fresh parent in");
        Path parent = mem.own().resolve("jns-test-sweep-" + ProcessHandle.current().pid());
        Files.createDirectory(parent);
        Path dead = parent.resolve("jns-999999999-1-1");
        Path live = parent.resolve("jns-" + ProcessHandle.current().pid() + "-"
                + CgroupPlan.startTime(ProcessHandle.current().pid()) + "-999999");
        Files.createDirectory(dead);
        Files.createDirectory(live);
        try {
            Namespaces.spawn().limits(Limits.builder().memory(32 * MIB).cgroup(parent).build()).run("true");
            assertThat(dead).as("left by a JVM that is gone").doesNotExist();
            assertThat(live).as("of this JVM, which lives").exists();
        } finally {
            Files.deleteIfExists(live);
            Files.deleteIfExists(dead);
            Files.delete(parent);
        }
    }

    @Test
    void aFailedSetupLeavesNoCgroup() {
        needs("memory");
        // exec fails in the sandbox (after the cgroup was made); a join that fails fails in the launcher itself
        assertThatThrownBy(() -> Namespaces.spawn().newPid().limits(Limits.builder().memory(32 * MIB).build())
                .run("/nonexistent/program")).isInstanceOf(dev.jns.NamespaceException.class);
        assertThatThrownBy(() -> Namespaces.spawn().limits(Limits.builder().memory(32 * MIB).build())
                .directory(Path.of("/nonexistent")).run("true")).isInstanceOf(dev.jns.NamespaceException.class);
    }

    @Test
    void cpusAboveTheOnlineCpusIsInvalid() {
        double tooMany = Runtime.getRuntime().availableProcessors() + 1;
        assertThatThrownBy(() -> Namespaces.spawn().limits(Limits.builder().cpus(tooMany).build()).run("true"))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo("limits.cpus"));
    }
}
