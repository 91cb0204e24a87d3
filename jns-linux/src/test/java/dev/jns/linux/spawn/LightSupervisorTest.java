package dev.jns.linux.spawn;

import dev.jns.NamespaceException;
import dev.jns.Namespaces;
import dev.jns.NsProcess;
import dev.jns.SpawnResult;
import dev.jns.linux.testing.NoLeaks;
import dev.jns.linux.testing.Probe;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

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
 * region the server keeps for the next one (the launcher's light.c), instead of in a fork of the server; a spawn
 * with namespaces still forks it. kcmp(2) with KCMP_VM tells whether two processes share an address space (0). The
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
        long server = ForkServerTest.server();
        try (NsProcess p = Namespaces.spawn().start("sh", "-c", "read x || true")) {
            long supervisor = ForkServerTest.parent(p.pid());
            assertThat(ForkServerTest.comm(supervisor)).isEqualTo("jns-launcher");
            assertThat(SharedAddressSpaceTest.kcmpVm(server, supervisor))
                    .as("kcmp(server %d, supervisor %d)", server, supervisor)
                    .isEqualTo("0");
            p.getOutputStream().close();
            assertThat(p.waitFor()).isZero();
        }
    }

    @Test
    void aSpawnWithNamespacesForksItsSupervisor() throws Exception {
        long server = ForkServerTest.server();
        try (NsProcess p = Namespaces.spawn().newUser().mapRootUser().newUts().start("sh", "-c", "read x || true")) {
            long supervisor = ForkServerTest.parent(p.pid());
            assertThat(ForkServerTest.comm(supervisor)).isEqualTo("jns-launcher");
            assertThat(SharedAddressSpaceTest.kcmpVm(server, supervisor)).isIn("1", "2");
            p.getOutputStream().close();
            assertThat(p.waitFor()).isZero();
        }
    }

    /**
     * 8 threads, 40 spawns each, every one with its own arguments, environment and exit status, while commands
     * of the others run: each result must be its own spawn's (a region shared by two supervisors, or a static
     * written by one and read by another, would show here as a wrong line or status).
     */
    @Test
    void manyAtOnceEachGetsItsOwnArgumentsEnvironmentAndStatus() throws Exception {
        ForkServerTest.server();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<List<String>>> all = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                all.add(pool.submit(() -> {
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
                }));
            }
            for (Future<List<String>> f : all) {
                assertThat(f.get(120, TimeUnit.SECONDS)).isEmpty();
            }
        } finally {
            pool.shutdownNow();
            assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        }
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

    /** The launcher checks the JVM's word: a light supervisor for a spec with namespaces is refused, not run. */
    @Test
    void theLauncherRefusesALightSupervisorForASpecWithNamespaces() throws Exception {
        ForkServerTest.server();
        System.setProperty("jns.testing.lightAlways", "true");
        try {
            assertThatThrownBy(() -> Namespaces.spawn().newUser().mapRootUser().run("true"))
                    .isInstanceOf(NamespaceException.class)
                    .hasMessageContaining("parse spec")
                    .hasMessageContaining("light supervisor");
        } finally {
            System.clearProperty("jns.testing.lightAlways");
        }
        assertThat(Namespaces.spawn().newUser().mapRootUser().run("true").exitCode()).isZero();
    }
}
