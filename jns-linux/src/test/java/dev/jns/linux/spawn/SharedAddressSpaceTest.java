package dev.jns.linux.spawn;

import dev.jns.Namespaces;
import dev.jns.NsProcess;
import dev.jns.Spawn;
import dev.jns.SpawnResult;
import dev.jns.linux.testing.NoLeaks;
import dev.jns.linux.testing.Probe;
import dev.jns.linux.testing.Procs;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17, session 10: with a root JVM the sandbox's first process (the init of its pid namespace) runs in the
 * supervisor's address space, on a stack and with thread-local storage of its own (the launcher's sharedvm.c),
 * where nothing of the supervisor's own changes after the clone in a way it would see; so does a rootless JVM's
 * {@code run()} (session 12); otherwise (a rootless JVM's {@code NsProcess}, subordinate ids written by newuidmap,
 * a RUN_AS, a time namespace) in a copy, as before. kcmp(2) with KCMP_VM tells whether two processes share one address space (0) or not (1 or 2);
 * it needs root to look at the supervisor, which is not dumpable. And the command cannot reach that address space.
 */
@ExtendWith(NoLeaks.class)
class SharedAddressSpaceTest {
    /** Prints kcmp(pid1, pid2, KCMP_VM) and the errno name when it failed. */
    private static final String KCMP = String.join("\n",
            "import ctypes, errno, sys",
            "libc = ctypes.CDLL(None, use_errno=True)",
            "for b in sys.argv[2:]:",
            "    r = libc.syscall(312, int(sys.argv[1]), int(b), 1, 0, 0)",
            "    print(r if r >= 0 else errno.errorcode[ctypes.get_errno()])",
            "");

    /**
     * Run inside the sandbox: ptrace(PTRACE_ATTACH) and /proc/PID/mem of PID 1 (the init, in the supervisor's
     * address space) and, for contrast, of a child of its own; prints one word per try.
     */
    private static final String REACH = String.join("\n",
            "import ctypes, os, subprocess, sys, time",
            "libc = ctypes.CDLL(None, use_errno=True)",
            "child = subprocess.Popen(['sleep', '30'])",
            "time.sleep(0.1)",
            "for what, pid in (('init', 1), ('child', child.pid)):",
            "    r = libc.ptrace(16, pid, None, None)",
            "    print(what, 'ptrace', 'ATTACHED' if r == 0 else os.strerror(ctypes.get_errno()))",
            "    if r == 0:",
            "        os.waitpid(pid, 0)",
            "        libc.ptrace(17, pid, None, None)",
            "    try:",
            "        open('/proc/%d/mem' % pid, 'rb').close()",
            "        print(what, 'mem', 'OPENED')",
            "    except OSError as e:",
            "        print(what, 'mem', e.strerror)",
            "child.kill()",
            "child.wait()",
            "");

    @BeforeAll
    static void needs() {
        Assumptions.assumeTrue(Probe.onPath("python3"), "needs python3 (kcmp(2) and ptrace(2) through ctypes)");
    }

    private static void needsRoot() {
        Assumptions.assumeTrue(Probe.root(), "needs root: kcmp(2) of a supervisor that is not dumpable");
    }

    /** kcmp(a, b, KCMP_VM): "0" for one address space, "1" or "2" for two, else the errno's name. */
    static String kcmpVm(long a, long b) throws Exception {
        return kcmpVm(a, java.util.List.of(b)).get(0);
    }

    /** {@link #kcmpVm(long, long)} of {@code a} and each of {@code others}, in one python3. */
    static java.util.List<String> kcmpVm(long a, java.util.List<Long> others) throws Exception {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("python3", "-c", KCMP,
                Long.toString(a)));
        others.forEach(b -> command.add(Long.toString(b)));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor()).as(out).isZero();
        java.util.List<String> lines = java.util.List.of(out.split("\n"));
        assertThat(lines).as(out).hasSize(others.size());
        return lines;
    }

    /** kcmp of the init of a sandbox running {@code sh -c "read x"} and of its supervisor, and its comm names. */
    private static String initAgainstSupervisor(Spawn spawn) throws Exception {
        try (NsProcess p = spawn.start("sh", "-c", "read x || true")) {
            long init = p.pid();
            long supervisor = ForkServerTest.parent(init);
            assertThat(ForkServerTest.comm(init)).isEqualTo("jns-init");
            assertThat(ForkServerTest.comm(supervisor)).isEqualTo("jns-launcher");
            String r = kcmpVm(init, supervisor);
            p.getOutputStream().close();
            assertThat(p.waitFor()).isZero();
            return r;
        }
    }

    private static Spawn benchmarkSandbox() {
        return Namespaces.spawn().newUser().mapRootUser().newPid().mountProc().newUts().newIpc();
    }

    @Test
    void theInitOfANewPidNamespaceRunsInTheSupervisorsAddressSpace() throws Exception {
        needsRoot();
        assertThat(initAgainstSupervisor(benchmarkSandbox())).isEqualTo("0");
        // and the sandbox works as before: its command, its output, its exit status, its own /proc
        SpawnResult r = benchmarkSandbox().run("sh", "-c", "echo $$; cat /proc/1/comm; exit 7");
        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(7);
        assertThat(r.stdout()).isEqualTo("2\njns-init\n");
    }

    @Test
    void withATimeNamespaceTheInitHasAnAddressSpaceOfItsOwn() throws Exception {
        needsRoot();
        Assumptions.assumeTrue(Files.exists(Path.of("/proc/self/ns/time")), "needs time namespaces (Linux 5.6+)");
        assertThat(initAgainstSupervisor(benchmarkSandbox().newTime())).isIn("1", "2");
    }

    /**
     * The command, root in its user namespace, can ptrace and read the memory of a child of its own; it must not
     * reach the supervisor's memory through its init. With a root JVM the init shares that memory and is not
     * dumpable before the command runs (and the address space belongs to the caller's user namespace, where the
     * command has no capability): the command can neither ptrace it nor open its memory. A rootless JVM's
     * {@code run()} shares it too (session 12): the supervisor reads the init's namespaces and writes its maps
     * while it is dumpable, then makes the address space not dumpable before it lets the init go on.
     */
    @Test
    void theCommandCannotReachTheSupervisorsAddressSpaceThroughItsInit() {
        assertInitOutOfReach(benchmarkSandbox());
    }

    private static void assertInitOutOfReach(Spawn spawn) {
        Path yama = Path.of("/proc/sys/kernel/yama/ptrace_scope");
        try {
            Assumptions.assumeTrue(!Files.exists(yama) || Integer.parseInt(Files.readString(yama).trim()) <= 1,
                    "Yama's ptrace_scope is 2 or more here: no process may ptrace even its own child");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        SpawnResult r = spawn.run("python3", "-c", REACH);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).as(r.stderr()).contains("child ptrace ATTACHED").contains("child mem OPENED")
                .contains("init ptrace Operation not permitted").contains("init mem Permission denied");
    }

    /**
     * A rootless JVM's {@code run()}: the init runs in the supervisor's address space. kcmp(2) cannot tell (the
     * pair is not dumpable, and kcmp needs ptrace access to both), so this compares what /proc/PID/status says of
     * the two address spaces while the command runs: one address space gives the same figures twice, while a copy
     * differs at least in the pages each process wrote and the page tables each has (checked on this project's
     * machine with the JVM's {@code start()}, whose init has a copy).
     */
    @Test
    void aRootlessRunsInitRunsInTheSupervisorsAddressSpace() throws Exception {
        Assumptions.assumeFalse(Probe.root(), "the rootless path: as a user without root (CI runs it as jnsci)");
        String token = "jns-shared-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        Path done = Files.createTempFile("jns-shared-", ".done");
        Files.delete(done);
        java.util.concurrent.atomic.AtomicReference<Object> result = new java.util.concurrent.atomic.AtomicReference<>();
        Thread run = new Thread(() -> {
            try {
                result.set(benchmarkSandbox().run("python3", "-c", WAIT, done.toString(), token));
            } catch (RuntimeException e) {
                result.set(e);
            }
        }, "shared-address-space-run");
        run.start();
        try {
            Procs.awaitRunning(token, 1);
            long command = Procs.withArg(token).get(0);
            long init = ForkServerTest.parent(command);
            long supervisor = ForkServerTest.parent(init);
            assertThat(ForkServerTest.comm(init)).isEqualTo("jns-init");
            assertThat(ForkServerTest.comm(supervisor)).isEqualTo("jns-launcher");
            assertThat(addressSpace(init)).as("the init's and the supervisor's address space (/proc/PID/status)")
                    .isEqualTo(addressSpace(supervisor)).contains("VmPTE").contains("RssAnon");
        } finally {
            Files.writeString(done, "");
            run.join(60_000);
            Files.deleteIfExists(done);
        }
        assertThat(result.get()).isInstanceOf(SpawnResult.class);
        SpawnResult r = (SpawnResult) result.get();
        assertThat(r.exitCode()).as(r.stderr()).isZero();
    }

    /**
     * A rootless JVM's {@code NsProcess}: its init keeps an address space of its own and stays dumpable, because
     * {@code namespace()} opens its /proc/INIT/ns files; the sandbox runs as the JVM's own uid, which can ptrace
     * the JVM itself anyway. kcmp(2) works as the JVM's user there (both dumpable).
     */
    @Test
    void aRootlessNsProcesssInitHasAnAddressSpaceOfItsOwn() throws Exception {
        Assumptions.assumeFalse(Probe.root(), "the rootless path: as a user without root (CI runs it as jnsci)");
        assertThat(initAgainstSupervisor(benchmarkSandbox())).as("kcmp(KCMP_VM) of the init and its supervisor")
                .isIn("1", "2");
        try (NsProcess p = benchmarkSandbox().start("sh", "-c", "read x || true");
             dev.jns.NsHandle user = p.namespace(dev.jns.NamespaceType.USER)) {
            assertThat(user.inode()).isPositive();
            p.getOutputStream().close();
            assertThat(p.waitFor()).isZero();
        }
    }

    /**
     * A rootless JVM's {@code run()} with subordinate ids (newuidmap and newgidmap write the maps): the init has an
     * address space of its own (a helper's map could let a process of the sandbox change its kernel uid, and that
     * sets the dumpable flag to fs.suid_dumpable), and is not dumpable either: nothing opens its /proc.
     */
    @Test
    void aRootlessRunWithSubordinateIdsKeepsItsInitOutOfReachToo() {
        Assumptions.assumeFalse(Probe.root(), "the rootless path: as a user without root (CI runs it as jnsci)");
        String me = System.getProperty("user.name");
        long[] sub = Probe.subordinateRange("/etc/subuid", me);
        long[] subg = Probe.subordinateRange("/etc/subgid", me);
        Assumptions.assumeTrue(sub != null && subg != null && Files.isExecutable(Path.of("/usr/bin/newuidmap")),
                "needs /etc/subuid and /etc/subgid ranges of " + me + " and newuidmap (.ci/run adds jnsci's)");
        long uid = Probe.uid();
        long gid = Probe.user(me)[1];
        assertInitOutOfReach(benchmarkSandbox()
                .uidMap(dev.jns.IdMap.of(0, uid, 1), dev.jns.IdMap.of(1, sub[0], 1000))
                .gidMap(dev.jns.IdMap.of(0, gid, 1), dev.jns.IdMap.of(1, subg[0], 1000)));
    }

    /** Run inside the sandbox: waits until the file argv[1] exists (argv[2] names the process). */
    private static final String WAIT = String.join("\n",
            "import os, sys, time",
            "while not os.path.exists(sys.argv[1]):",
            "    time.sleep(0.02)",
            "");

    /** The Vm* and Rss* lines of /proc/PID/status: what the kernel counts of PID's address space. */
    private static String addressSpace(long pid) throws java.io.IOException {
        StringBuilder b = new StringBuilder();
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("Vm") || line.startsWith("Rss")) {
                b.append(line.replaceAll("\\s+", " ")).append('\n');
            }
        }
        return b.toString();
    }
}
