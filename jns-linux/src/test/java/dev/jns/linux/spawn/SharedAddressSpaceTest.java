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
 * Issue 17, session 10: the sandbox's first process (the init of its pid namespace) runs in the supervisor's
 * address space, on a stack and with thread-local storage of its own (the launcher's sharedvm.c), where nothing of
 * the supervisor's own changes after the clone in a way it would see; otherwise (a RUN_AS, a time namespace) in a
 * copy, as before. kcmp(2) with KCMP_VM tells whether two processes share one address space (0) or not (1 or 2);
 * it needs root to look at the supervisor, which is not dumpable.
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

    @BeforeAll
    static void needs() {
        Assumptions.assumeTrue(Probe.root(), "needs root: kcmp(2) of a supervisor that is not dumpable");
        Assumptions.assumeTrue(Probe.onPath("python3"), "needs python3 (kcmp(2) through ctypes)");
    }

    private static long parent(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("PPid:")) {
                return Long.parseLong(line.substring(5).trim());
            }
        }
        throw new AssertionError("no PPid for " + pid);
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
            long supervisor = parent(init);
            assertThat(Files.readString(Path.of("/proc/" + init + "/comm")).trim()).isEqualTo("jns-init");
            assertThat(Files.readString(Path.of("/proc/" + supervisor + "/comm")).trim()).isEqualTo("jns-launcher");
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
        assertThat(initAgainstSupervisor(benchmarkSandbox())).isEqualTo("0");
        // and the sandbox works as before: its command, its output, its exit status, its own /proc
        SpawnResult r = benchmarkSandbox().run("sh", "-c", "echo $$; cat /proc/1/comm; exit 7");
        assertThat(r.exitCode()).as(r.stderr()).isEqualTo(7);
        assertThat(r.stdout()).isEqualTo("2\njns-init\n");
    }

    @Test
    void withATimeNamespaceTheInitHasAnAddressSpaceOfItsOwn() throws Exception {
        Assumptions.assumeTrue(Files.exists(Path.of("/proc/self/ns/time")), "needs time namespaces (Linux 5.6+)");
        assertThat(initAgainstSupervisor(benchmarkSandbox().newTime())).isIn("1", "2");
    }
}
