package dev.jns.linux.spawn;

import dev.jns.NamespaceException;
import dev.jns.Namespaces;
import dev.jns.NsProcess;
import dev.jns.SpawnResult;
import dev.jns.linux.testing.NoLeaks;
import dev.jns.linux.testing.Probe;
import dev.jns.sandbox.MountPlan;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 17, session 13: a spawn without namespaces runs its supervisor in the fork server's address space, in a
 * region the server keeps for the next one (the launcher's light.c), instead of in a fork of the server; session 14:
 * so does a root JVM's sandbox without mounts, seccomp, cgroups, joins or ids, with its init; the others still fork
 * it. kcmp(2) with KCMP_VM tells whether two processes share an address space (0). The
 * regions are per supervisor: many at once, and one whose command was killed, must not mix up their specs.
 */
@ExtendWith(NoLeaks.class)
class LightSupervisorTest {
    @BeforeAll
    static void needs() {
        Assumptions.assumeTrue(Probe.onPath("python3"), "needs python3 (kcmp(2) through ctypes)");
    }

    @Test
    void aSpawnWithoutNamespacesRunsItsSupervisorInTheForkServersMemory() throws Exception {
        assertThat(supervisorAgainstServer(Namespaces.spawn())).isEqualTo("0");
    }

    /** A sandbox with a mount plan forks its supervisor, whoever the JVM is (the plan's state is static). */
    @Test
    void aSandboxWithAMountPlanForksItsSupervisor() throws Exception {
        MountPlan plan = new MountPlan().tmpfs(Path.of("/mnt"), 1 << 20, 0700);
        assertThat(supervisorAgainstServer(Namespaces.spawn().newUser().mapRootUser().newMount().mounts(plan)))
                .isIn("1", "2");
    }

    /** A JVM that is not root forks the supervisor of every spawn with namespaces (its maps need the flag). */
    @Test
    void aUsersSandboxForksItsSupervisor() throws Exception {
        Assumptions.assumeFalse(Probe.root(), "a root JVM's sandbox without mounts runs light (the next test)");
        assertThat(supervisorAgainstServer(Namespaces.spawn().newUser().mapRootUser().newUts())).isIn("1", "2");
    }

    /**
     * Issue 17, session 14: a root JVM's sandbox without mounts, seccomp filter, cgroups, joins or ids runs its
     * supervisor light too, and the sandbox's init with it, in the fork server's memory: the init's stack and
     * thread-local storage are its region's.
     */
    @Test
    void aRootSandboxRunsItsSupervisorAndInitInTheForkServersMemory() throws Exception {
        Assumptions.assumeTrue(Probe.root(), "needs root: a user's sandbox forks its supervisor");
        long server = ForkServerTest.server();
        try (NsProcess p = sandbox("light").start("sh", "-c", "read x || true")) {
            long init = p.pid();
            long supervisor = ForkServerTest.parent(init);
            assertThat(ForkServerTest.comm(supervisor)).isEqualTo("jns-launcher");
            assertThat(SharedAddressSpaceTest.kcmpVm(server, supervisor)).as("server and supervisor").isEqualTo("0");
            assertThat(SharedAddressSpaceTest.kcmpVm(server, init)).as("server and init").isEqualTo("0");
            p.getOutputStream().close();
            assertThat(p.waitFor()).isZero();
        }
    }

    /**
     * Light sandboxes at once, each with its own hostname, arguments, environment and status, while others are
     * killed, time out or fail to start their command: a region, a stack or a static of the launcher's shared by
     * two of them, or a glibc lock taken by two (which glibc takes without atomics in a process it believes
     * single-threaded), would show as a wrong result, a hung spawn or a launcher ended by a signal.
     */
    @Test
    void manyLightSandboxesAtOnceEachGetTheirOwn() throws Exception {
        Assumptions.assumeTrue(Probe.root(), "needs root: light sandboxes");
        ForkServerTest.server();
        onEightThreads(180, thread -> {
            List<String> wrong = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                String word = "t" + thread + "-" + i;
                switch (i % 4) {
                    case 0, 1 -> {
                        int code = (thread * 30 + i) % 200;
                        SpawnResult r = sandbox(word).env("WORD", word).run("sh", "-c",
                                "printf '%s %s %s %s' \"$1\" \"$WORD\" $(hostname) $$; exit $2", "sh", word,
                                "" + code);
                        String expected = word + " " + word + " " + word + " 2";
                        if (!r.stdout().equals(expected) || r.exitCode() != code) {
                            wrong.add(expected + "/" + code + " got " + r.stdout() + "/" + r.exitCode() + " "
                                    + r.stderr());
                        }
                    }
                    case 2 -> {
                        try (NsProcess p = sandbox(word).start("sleep", "30")) {
                            p.destroyForcibly();
                            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                                wrong.add(word + ": not ended 10 s after destroyForcibly");
                            }
                        }
                    }
                    default -> {
                        try {
                            sandbox(word).run("/no-such-jns-" + word);
                            wrong.add(word + ": a missing command ran");
                        } catch (NamespaceException e) {
                            if (!e.getMessage().contains("ENOENT")) {
                                wrong.add(word + ": " + e.getMessage());
                            }
                        }
                    }
                }
            }
            return wrong;
        });
    }

    /**
     * More light sandboxes alive at once than the fork server keeps regions for (64): the rest fork their
     * supervisors, every one runs as asked, and once they have ended the regions serve again.
     */
    @Test
    void beyondTheRegionsSandboxesForkTheirSupervisorsAndAllRun() throws Exception {
        Assumptions.assumeTrue(Probe.root(), "needs root: light sandboxes");
        long server = ForkServerTest.server();
        List<NsProcess> alive = new ArrayList<>();
        int light = 0;
        int forked = 0;
        try {
            for (int i = 0; i < 72; i++) {
                alive.add(sandbox("many-" + i).start("sh", "-c", "read x; hostname"));
            }
            List<Long> supervisors = new ArrayList<>();
            for (NsProcess p : alive) {
                supervisors.add(ForkServerTest.parent(p.pid()));
            }
            for (String shares : SharedAddressSpaceTest.kcmpVm(server, supervisors)) {
                if (shares.equals("0")) {
                    light++;
                } else {
                    forked++;
                }
            }
            for (NsProcess p : alive) {
                p.getOutputStream().write('\n');
                p.getOutputStream().close();
            }
            for (int i = 0; i < alive.size(); i++) {
                NsProcess p = alive.get(i);
                assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8))
                        .isEqualTo("many-" + i + "\n");
                assertThat(p.exitValue()).isZero();
            }
        } finally {
            for (NsProcess p : alive) {
                p.close();
            }
        }
        assertThat(light).as("light supervisors among 72 alive at once").isBetween(1, 64);
        assertThat(forked).as("forked supervisors among 72 alive at once").isGreaterThanOrEqualTo(8);
        assertThat(supervisorAgainstServer(sandbox("again"))).isEqualTo("0");
    }

    /**
     * The attack on a light sandbox: its processes are uid 0 of a user namespace whose 0 is the host's root, the
     * uid of the fork server and of the init, whose memory is the server's. They must reach neither: not by
     * ptrace, /proc/PID/mem or process_vm_readv. The supervisor and the server are out of reach because the
     * tracer's user namespace is not theirs and it has no CAP_SYS_PTRACE in theirs; the init, which is in the
     * sandbox's user namespace, because it has dropped its capabilities and the address space is not dumpable
     * (the root server's from its start, and the init's hardening again), so that a tracer needs CAP_SYS_PTRACE
     * in the host's user namespace. Both ways in: the init as PID 1 of a pid namespace, and the supervisor and
     * server seen from a sandbox without one, on a server that has run no sandbox's init before.
     */
    @Test
    void aLightSandboxsProcessesCannotReachItsInitSupervisorOrServer() throws Exception {
        Assumptions.assumeTrue(Probe.root(), "needs root: light sandboxes");
        // A new server, whose address space no sandbox's init has made not dumpable (an init makes itself so,
        // and its memory is the server's)
        long old = ForkServerTest.server();
        ProcessHandle.of(old).orElseThrow().destroyForcibly();
        ProcessHandle.of(old).orElseThrow().onExit().get(5, TimeUnit.SECONDS);
        long server = ForkServerTest.server();
        assertThat(server).isNotEqualTo(old);
        String probe = String.join("\n",
                "import ctypes, os, sys",
                "libc = ctypes.CDLL(None, use_errno=True)",
                "class iovec(ctypes.Structure):",
                "    _fields_ = [('base', ctypes.c_void_p), ('len', ctypes.c_size_t)]",
                "buf = ctypes.create_string_buffer(8)",
                "for name, pid in [(a.split('=')[0], int(a.split('=')[1])) for a in sys.argv[1:]]:",
                "    r = libc.ptrace(16, pid, None, None)",
                "    print(name, 'ptrace', 'ATTACHED' if r == 0 else os.strerror(ctypes.get_errno()))",
                "    if r == 0:",
                "        os.waitpid(pid, 0)",
                "        libc.ptrace(17, pid, None, None)",
                "    try:",
                "        open('/proc/%d/mem' % pid, 'rb').close()",
                "        print(name, 'mem OPENED')",
                "    except OSError as e:",
                "        print(name, 'mem', e.strerror)",
                "    local = iovec(ctypes.cast(buf, ctypes.c_void_p), 8)",
                "    remote = iovec(0x1000, 8)",
                "    n = libc.process_vm_readv(pid, ctypes.byref(local), 1, ctypes.byref(remote), 1, 0)",
                "    print(name, 'vm_readv', 'READ' if n >= 0 else os.strerror(ctypes.get_errno()))",
                "");
        SpawnResult noPidNs = Namespaces.spawn().newUser().mapRootUser().newUts().newIpc().run("sh", "-c",
                "exec python3 -c \"$1\" supervisor=$PPID server=$2", "sh", probe, Long.toString(server));
        assertThat(noPidNs.exitCode()).as(noPidNs.stderr()).isZero();
        assertThat(noPidNs.stdout()).contains("supervisor ptrace Operation not permitted",
                "supervisor mem Permission denied", "supervisor vm_readv Operation not permitted",
                "server ptrace Operation not permitted", "server mem Permission denied",
                "server vm_readv Operation not permitted");
        SpawnResult inPidNs = sandbox("attack").run("python3", "-c", probe, "init=1");
        assertThat(inPidNs.exitCode()).as(inPidNs.stderr()).isZero();
        assertThat(inPidNs.stdout()).contains("init ptrace Operation not permitted", "init mem Permission denied",
                "init vm_readv Operation not permitted");
        assertThat(ForkServerTest.server()).as("the same server all along").isEqualTo(server);
    }

    /** What one thread of {@link #onEightThreads} does: its spawns, and what came out wrong. */
    private interface Spawns {
        List<String> wrong(int thread) throws Exception;
    }

    /** Runs {@code spawns} on 8 threads at once; none may find anything wrong within {@code seconds}. */
    private static void onEightThreads(int seconds, Spawns spawns) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<String>>> all = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                all.add(pool.submit(() -> spawns.wrong(thread)));
            }
            for (Future<List<String>> f : all) {
                assertThat(f.get(seconds, TimeUnit.SECONDS)).isEmpty();
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
    }

    /**
     * kcmp(2) KCMP_VM of the fork server and the supervisor of {@code spawn} running {@code read x}: "0" when the
     * supervisor runs in the server's memory, "1" or "2" when it has its own.
     */
    private static String supervisorAgainstServer(dev.jns.Spawn spawn) throws Exception {
        long server = ForkServerTest.server();
        try (NsProcess p = spawn.start("sh", "-c", "read x || true")) {
            long supervisor = ForkServerTest.parent(p.pid());
            assertThat(ForkServerTest.comm(supervisor)).isEqualTo("jns-launcher");
            String r = SharedAddressSpaceTest.kcmpVm(server, supervisor);
            p.getOutputStream().close();
            assertThat(p.waitFor()).isZero();
            return r;
        }
    }

    private static dev.jns.Spawn sandbox(String hostname) {
        return Namespaces.spawn().newUser().mapRootUser().newPid().mountProc().newUts().hostname(hostname).newIpc();
    }

    /**
     * 8 threads, 40 spawns each, every one with its own arguments, environment and exit status, while commands
     * of the others run: each result must be its own spawn's (a region shared by two supervisors, or a static
     * written by one and read by another, would show here as a wrong line or status).
     */
    @Test
    void manyAtOnceEachGetsItsOwnArgumentsEnvironmentAndStatus() throws Exception {
        ForkServerTest.server();
        onEightThreads(120, thread -> {
            List<String> wrong = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                String word = "t" + thread + "-" + i;
                int code = (thread * 40 + i) % 200;
                SpawnResult r = Namespaces.spawn().env("WORD", word)
                        .run("sh", "-c", "printf '%s %s' \"$1\" \"$WORD\"; exit $2", "sh", word, "" + code);
                String expected = word + " " + word;
                if (!r.stdout().equals(expected) || r.exitCode() != code) {
                    wrong.add(expected + "/" + code + " got " + r.stdout() + "/" + r.exitCode() + " "
                            + r.stderr());
                }
            }
            return wrong;
        });
    }

    /** Supervisors whose commands were killed leave their regions to later spawns, which run as asked. */
    @Test
    void spawnsAfterKilledOnesRunAsAsked() throws Exception {
        ForkServerTest.server();
        List<NsProcess> killed = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                killed.add(Namespaces.spawn().start("sleep", "30"));
            }
            for (NsProcess p : killed) {
                p.destroyForcibly();
            }
            for (NsProcess p : killed) {
                assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            for (NsProcess p : killed) {
                p.close();
            }
        }
        for (int i = 0; i < 20; i++) {
            SpawnResult r = Namespaces.spawn().run("sh", "-c", "echo $1", "sh", "after-" + i);
            assertThat(r.stdout()).isEqualTo("after-" + i + "\n");
        }
    }

    /**
     * A root JVM's command without namespaces but without capabilities (uid 0 all the same) must not reach the
     * memory it would now share a way into: neither the fork server's nor its light supervisor's (the same pages)
     * may be ptraced by it. The kernel refuses a tracer whose permitted capabilities are not a superset of the
     * tracee's, and a root supervisor makes the address space not dumpable.
     */
    @Test
    void aCommandWithoutCapabilitiesCannotPtraceTheServerOrItsSupervisor() throws Exception {
        Assumptions.assumeTrue(Probe.root(), "needs root: a root JVM's command with its capabilities dropped");
        long server = ForkServerTest.server();
        String attach = String.join("\n",
                "import ctypes, os, sys",
                "libc = ctypes.CDLL(None, use_errno=True)",
                "for name, pid in (('server', int(sys.argv[1])), ('supervisor', os.getppid())):",
                "    r = libc.ptrace(16, pid, None, None)",
                "    print(name, 'ATTACHED' if r == 0 else os.strerror(ctypes.get_errno()))",
                "    if r == 0:",
                "        os.waitpid(pid, 0)",
                "        libc.ptrace(17, pid, None, None)",
                "");
        SpawnResult r = Namespaces.spawn()
                .security(dev.jns.sandbox.Security.builder().keepCapabilities().build())
                .run("python3", "-c", attach, Long.toString(server));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).contains("server Operation not permitted").contains("supervisor Operation not permitted");
    }

    /**
     * The launcher checks the JVM's word: a light supervisor for a spec that needs a supervisor of its own (a mount
     * plan here) is refused, not run.
     */
    @Test
    void theLauncherRefusesALightSupervisorForASpecThatNeedsItsOwn() throws Exception {
        ForkServerTest.server();
        MountPlan plan = new MountPlan().tmpfs(Path.of("/mnt"), 1 << 20, 0700);
        System.setProperty("jns.testing.lightAlways", "true");
        try {
            assertThatThrownBy(() -> Namespaces.spawn().newUser().mapRootUser().newMount().mounts(plan).run("true"))
                    .isInstanceOf(NamespaceException.class)
                    .hasMessageContaining("parse spec")
                    .hasMessageContaining("light supervisor");
        } finally {
            System.clearProperty("jns.testing.lightAlways");
        }
        assertThat(Namespaces.spawn().newUser().mapRootUser().newMount().mounts(plan).run("true").exitCode()).isZero();
    }
}
