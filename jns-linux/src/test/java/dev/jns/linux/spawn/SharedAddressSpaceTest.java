package dev.jns.linux.spawn;

import dev.jns.Namespaces;
import dev.jns.NsProcess;
import dev.jns.Spawn;
import dev.jns.SpawnResult;
import dev.jns.linux.testing.NoLeaks;
import dev.jns.linux.testing.Probe;

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
 * where nothing of the supervisor's own changes after the clone in a way it would see; otherwise (a rootless JVM, a
 * RUN_AS, a time namespace) in a copy, as before. kcmp(2) with KCMP_VM tells whether two processes share one address space (0) or not (1 or 2);
 * it needs root to look at the supervisor, which is not dumpable. And the command cannot reach that address space.
 */
@ExtendWith(NoLeaks.class)
class SharedAddressSpaceTest {
    /** Prints kcmp(pid1, pid2, KCMP_VM) and the errno name when it failed. */
    private static final String KCMP = String.join("\n",
            "import ctypes, errno, sys",
            "libc = ctypes.CDLL(None, use_errno=True)",
            "r = libc.syscall(312, int(sys.argv[1]), int(sys.argv[2]), 1, 0, 0)",
            "print(r if r >= 0 else errno.errorcode[ctypes.get_errno()])",
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

    private static String kcmpVm(long a, long b) throws Exception {
        Process p = new ProcessBuilder("python3", "-c", KCMP, Long.toString(a), Long.toString(b))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor()).as(out).isZero();
        return out;
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
     * command has no capability): the command can neither ptrace it nor open its memory. A rootless JVM keeps its
     * init dumpable (it opens the namespace files in /proc/INIT), so the command, of the same uid, can ptrace it:
     * there the init has an address space of its own (kcmp(2) as the JVM's user, both being dumpable), as before
     * session 10; sharing the supervisor's would let the command out of every namespace of the sandbox.
     */
    @Test
    void theCommandCannotReachTheSupervisorsAddressSpaceThroughItsInit() throws Exception {
        Path yama = Path.of("/proc/sys/kernel/yama/ptrace_scope");
        Assumptions.assumeTrue(!Files.exists(yama) || Integer.parseInt(Files.readString(yama).trim()) <= 1,
                "Yama's ptrace_scope is 2 or more here: no process may ptrace even its own child");
        SpawnResult r = benchmarkSandbox().run("python3", "-c", REACH);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).as(r.stderr()).contains("child ptrace ATTACHED").contains("child mem OPENED");
        if (Probe.root()) {
            assertThat(r.stdout()).as(r.stderr())
                    .contains("init ptrace Operation not permitted").contains("init mem Permission denied");
        } else {
            assertThat(r.stdout()).as("the init of a rootless JVM is dumpable, as before").contains("init ptrace ATTACHED");
            assertThat(initAgainstSupervisor(benchmarkSandbox())).as("kcmp(KCMP_VM) of the init and its supervisor")
                    .isIn("1", "2");
        }
    }
}
