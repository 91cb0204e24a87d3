package dev.jns.linux.spawn;

import dev.jns.Namespaces;
import dev.jns.NsProcess;
import dev.jns.SpawnResult;
import dev.jns.linux.testing.NoLeaks;
import dev.jns.linux.testing.Probe;
import dev.jns.linux.testing.SandboxSupport;
import dev.jns.sandbox.MountPlan;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, item 6: with a root JVM and {@code runAs(jnsci)}, a process of jnsci outside the sandbox can neither
 * take the supervisor's status fd ({@code pidfd_getfd}) nor stop it ({@code SIGSTOP}, which stalled the timeout),
 * and cannot take the init's fds either.
 */
@org.junit.jupiter.api.extension.ExtendWith(NoLeaks.class)
class SupervisorFootholdTest {
    private static final String ATTACK = String.join("\n",
            "import ctypes, os, signal, sys",
            "libc = ctypes.CDLL(None, use_errno=True)",
            "for what, pid in (('supervisor', int(sys.argv[1])), ('init', int(sys.argv[2]))):",
            "    pfd = libc.syscall(434, pid, 0)",
            "    r = libc.syscall(438, pfd, 4, 0) if pfd >= 0 else -1",
            "    print(what, 'getfd', 'TAKEN' if r >= 0 else os.strerror(ctypes.get_errno()))",
            "    if what == 'supervisor':",
            "        try:",
            "            os.kill(pid, signal.SIGSTOP)",
            "            print(what, 'stop', 'STOPPED')",
            "        except OSError as e:",
            "            print(what, 'stop', e.strerror)",
            "");

    @BeforeAll
    static void warmUp() {
        SandboxSupport.warmUp();
    }

    private static long parent(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("PPid:")) {
                return Long.parseLong(line.substring(5).trim());
            }
        }
        throw new AssertionError("no PPid for " + pid);
    }

    @Test
    void aProcessOfTheTargetUidCanNeitherTakeTheStatusFdNorStopTheSupervisor() throws Exception {
        long jnsci = SandboxSupport.jnsci();
        Assumptions.assumeTrue(jnsci > 0 && Probe.root(), "needs root and the user jnsci");
        Assumptions.assumeTrue(Probe.onPath("python3"), "needs python3");
        try (NsProcess p = SandboxSupport.inMinimalRoot(SandboxSupport.spawn(SandboxSupport.As.JNSCI), new MountPlan())
                .start("sh", "-c", "read x || true")) {
            long init = p.pid();
            long supervisor = parent(init);
            SpawnResult r = Namespaces.spawn().runAs(jnsci, jnsci)
                    .run("python3", "-c", ATTACK, Long.toString(supervisor), Long.toString(init));
            try {
                assertThat(r.stdout()).as(r.stderr())
                        .contains("supervisor getfd Operation not permitted")
                        .contains("supervisor stop Operation not permitted")
                        .contains("init getfd Operation not permitted")
                        .doesNotContain("TAKEN").doesNotContain("STOPPED");
            } finally {
                if (r.stdout().contains("STOPPED")) {
                    new ProcessBuilder("kill", "-CONT", Long.toString(supervisor)).start().waitFor();
                }
                p.getOutputStream().close();
            }
            assertThat(p.waitFor()).isZero();
        }
    }
}
