package dev.jns.linux;

import dev.jns.NamespaceException;
import dev.jns.Namespaces;
import dev.jns.NsProcess;
import dev.jns.Outcome;
import dev.jns.Spawn;
import dev.jns.SpawnResult;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sandbox is the command and every process it starts, at any depth (background jobs, setsid'd double
 * forks), with or without a pid namespace; it ends when the command ends, and then nothing of it is left. Each
 * case runs without namespaces and with a pid namespace ({@link #spawn(boolean)}), and checks, right when the
 * call returns (no waiting), that no process of the sandbox is left.
 */
abstract class ContainmentContract {
    /** A spawn without namespaces, or with a pid namespace. */
    abstract Spawn spawn(boolean pidns);

    /** A command that leaves a background child and a setsid'd double fork, all running {@code sleep MARKER}. */
    private static String leaveDescendants(String marker, String then) {
        return "sleep " + marker + " & setsid sh -c 'sleep " + marker + " & sleep " + marker + " &'; " + then;
    }

    private static void nothingLeft(String marker) {
        assertThat(Procs.withArg(marker)).as("processes of the sandbox left").isEmpty();
    }

    @Test
    void theSandboxEndsWithItsCommand() {
        for (boolean pidns : new boolean[] {false, true}) {
            String m = Procs.marker();
            // the background children hold stdout: run() must not wait for them
            SpawnResult r = spawn(pidns).run("/bin/sh", "-c", "echo before; " + leaveDescendants(m, "exit 4"));
            assertThat(r.exitCode()).isEqualTo(4);
            assertThat(r.stdout()).isEqualTo("before\n");
            nothingLeft(m);
        }
    }

    @Test
    void aTimeoutEndsEverything() {
        for (boolean pidns : new boolean[] {false, true}) {
            String m = Procs.marker();
            SpawnResult r = spawn(pidns).timeout(Duration.ofMillis(200))
                    .run("/bin/sh", "-c", leaveDescendants(m, "sleep " + m));
            assertThat(r.outcome().timedOut()).isTrue();
            nothingLeft(m);
        }
    }

    @Test
    void destroyForciblyCloseAndDestroyEndEverything() throws Exception {
        for (boolean pidns : new boolean[] {false, true}) {
            for (String how : new String[] {"destroyForcibly", "close", "destroy"}) {
                String m = Procs.marker();
                NsProcess p = spawn(pidns).start("/bin/sh", "-c", leaveDescendants(m, "echo ready; sleep " + m));
                try {
                    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                    assertThat(out.readLine()).isEqualTo("ready");
                    switch (how) {
                        case "destroyForcibly" -> {
                            p.destroyForcibly();
                            assertThat(p.waitFor()).isEqualTo(137);
                        }
                        case "destroy" -> {
                            p.destroy();
                            assertThat(p.waitFor()).isEqualTo(143);
                        }
                        default -> p.close();
                    }
                    nothingLeft(m);
                } finally {
                    p.close();
                }
            }
        }
    }

    @Test
    void anInterruptedRunEndsEverythingAndSaysSo() throws Exception {
        for (boolean pidns : new boolean[] {false, true}) {
            String m = Procs.marker();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            CompletableFuture<Void> done = new CompletableFuture<>();
            Thread t = new Thread(() -> {
                try {
                    spawn(pidns).run("/bin/sh", "-c", leaveDescendants(m, "sleep " + m));
                } catch (Throwable e) {
                    failure.set(e);
                } finally {
                    done.complete(null);
                }
            });
            t.start();
            Procs.awaitRunning(m, 4);
            t.interrupt();
            done.get(30, TimeUnit.SECONDS);
            assertThat(failure.get()).isInstanceOf(NamespaceException.class);
            assertThat(((NamespaceException) failure.get()).errnoName()).isEqualTo("EINTR");
            nothingLeft(m);
        }
    }

    @Test
    void aKilledLauncherIsReportedAsLauncherLostNotAsTheCommandsEnd() throws Exception {
        for (boolean pidns : new boolean[] {false, true}) {
            String m = Procs.marker();
            try (NsProcess p = spawn(pidns).start("/bin/sh", "-c", "echo ready; sleep " + m)) {
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                assertThat(out.readLine()).isEqualTo("ready");
                long launcher = ForkServerTest.parent(p.pid());
                assertThat(ForkServerTest.comm(launcher)).isEqualTo("jns-launcher");
                assertThat(new ProcessBuilder("kill", "-KILL", Long.toString(launcher)).start().waitFor()).isZero();
                assertThat(p.waitFor()).isEqualTo(-1);
                Outcome o = p.outcome();
                assertThat(o.kind()).isEqualTo(Outcome.Kind.LAUNCHER_LOST);
                assertThat(o.failedStep()).contains("jns launcher (pid " + launcher + ")").contains("signal 9");
                assertThat(o.signal()).isZero();
            }
            if (pidns) {
                nothingLeft(m); // the pid namespace's init died with the launcher, and its namespace with it
            }
        }
    }

    @Test
    void aKilledInitIsReportedAsLauncherLost() throws Exception {
        String m = Procs.marker();
        try (NsProcess p = spawn(true).start("/bin/sh", "-c", "echo ready; sleep " + m)) {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("ready");
            assertThat(ForkServerTest.comm(p.pid())).isEqualTo("jns-init");
            assertThat(new ProcessBuilder("kill", "-KILL", Long.toString(p.pid())).start().waitFor()).isZero();
            assertThat(p.waitFor()).isEqualTo(-1);
            assertThat(p.outcome().kind()).isEqualTo(Outcome.Kind.LAUNCHER_LOST);
            assertThat(p.outcome().failedStep()).contains("jns-init");
        }
        nothingLeft(m);
        // destroyForcibly kills the init too, and that is the command's SIGKILL, not a lost launcher
        try (NsProcess p = spawn(true).start("/bin/sleep", Procs.marker())) {
            p.destroyForcibly();
            assertThat(p.waitFor()).isEqualTo(137);
            assertThat(p.outcome().kind()).isEqualTo(Outcome.Kind.SIGNALED);
        }
    }

    /** Both variants work at all (guards the cases above against passing on a spawn that never ran). */
    @Test
    void spawnsRun() {
        assertThat(spawn(false).run("/bin/sh", "-c", "echo $$").stdout()).isNotBlank();
        assertThat(spawn(true).run("/bin/sh", "-c", "echo $$").stdout()).isEqualTo("2\n");
        assertThat(Namespaces.spawn().run("/bin/true").exitCode()).isZero();
    }
}
