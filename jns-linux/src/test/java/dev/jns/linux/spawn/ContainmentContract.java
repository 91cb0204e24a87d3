package dev.jns.linux.spawn;

import dev.jns.NamespaceException;
import dev.jns.Namespaces;
import dev.jns.NsProcess;
import dev.jns.Outcome;
import dev.jns.Spawn;
import dev.jns.SpawnResult;
import dev.jns.linux.testing.FreshJvm;
import dev.jns.linux.testing.Procs;
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
            // exec: the command's first process is the sleep itself, which dies with the killed launcher by its
            // PR_SET_PDEATHSIG; a child of the shell would be orphaned without a pid namespace
            try (NsProcess p = spawn(pidns).start("/bin/sh", "-c", "echo ready; exec sleep " + m)) {
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
            } else {
                // without a pid namespace (or a cgroup) nothing ends the command's children once its supervisor is
                // SIGKILLed (README, "A spawn's process tree"); the first process dies by its PR_SET_PDEATHSIG
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (!Procs.withArg(m).isEmpty() && System.nanoTime() < deadline) {
                    Thread.onSpinWait();
                }
                nothingLeft(m);
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

    /** A child JVM running {@link FdLayoutMain} with {@code args}, through a shell that opens fds 3-5 first. */
    private static String childJvm(java.nio.file.Path dir, String... args) throws Exception {
        java.nio.file.Path report = dir.resolve("report-" + String.join("-", args));
        String javaBin = FreshJvm.java();
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("/bin/sh", "-c",
                "exec 3</dev/null 4</dev/null 5</dev/null; exec \"$@\"", "sh", javaBin, "-cp",
                System.getProperty("java.class.path"), FdLayoutMain.class.getName()));
        cmd.add(args[0]);
        cmd.add(report.toString());
        cmd.addAll(java.util.List.of(args).subList(1, args.length));
        Process jvm = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(jvm.waitFor()).as(output).isZero();
        return java.nio.file.Files.readString(report).trim();
    }

    @Test
    void theFirstSpawnWorksWithAnyOfFds0To5Closed(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        dir.toFile().setWritable(true, false);
        for (int fd = 0; fd <= 5; fd++) {
            assertThat(childJvm(dir, Integer.toString(fd))).startsWith("closed fd " + fd).endsWith(": ok ok");
        }
    }

    @Test
    void runningOutOfFdsIsReportedWithTheLimitAsHint(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        for (String ns : new String[] {"plain", "ns"}) {
            assertThat(childJvm(dir, "emfile", ns)).startsWith("NamespaceException: ").contains("EMFILE")
                    .contains("RLIMIT_NOFILE").doesNotContain("must be readable");
        }
    }

    @Test
    void runKeepsAtMostTheCaptureLimitAndNeverBlocksTheCommand() {
        for (boolean pidns : new boolean[] {false, true}) {
            // 8 MB on each stream, far past the 64 KiB a pipe holds: the command must not block on either
            SpawnResult r = spawn(pidns).captureLimit(1000).run("/bin/sh", "-c",
                    "head -c 8000000 /dev/zero | tr '\\0' a; head -c 8000000 /dev/zero | tr '\\0' b >&2; exit 5");
            assertThat(r.exitCode()).isEqualTo(5);
            assertThat(r.stdout()).hasSize(1000).matches("a+");
            assertThat(r.stderr()).hasSize(1000).matches("b+");
            assertThat(r.outputTruncated()).isTrue();
            SpawnResult whole = spawn(pidns).captureLimit(6).run("/bin/echo", "12345");
            assertThat(whole.stdout()).isEqualTo("12345\n");
            assertThat(whole.outputTruncated()).isFalse();
        }
    }

    private static long jnsThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("jns-")).count();
    }

    @Test
    void runUsesOnlyTheCallersThreadAndStartOneReaperForAll() throws Exception {
        try (NsProcess first = Namespaces.spawn().start("/bin/true")) {
            first.waitFor(); // the reaper exists now
        }
        long before = jnsThreads();
        int callers = 64;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(callers);
        try {
            java.util.List<java.util.concurrent.Future<Integer>> runs = new java.util.ArrayList<>();
            for (int i = 0; i < callers; i++) {
                boolean pidns = i % 2 == 0;
                runs.add(pool.submit(() -> spawn(pidns).run("/bin/sh", "-c", "sleep 0.2 & exit 3").exitCode()));
            }
            for (var f : runs) {
                assertThat(f.get(120, TimeUnit.SECONDS)).isEqualTo(3);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(jnsThreads()).as("jns threads after 64 concurrent run() callers").isEqualTo(before);
        java.util.List<NsProcess> started = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 64; i++) {
                started.add(spawn(i % 2 == 0).start("/bin/sleep", Procs.marker()));
            }
            assertThat(jnsThreads()).as("jns threads while 64 started processes run").isEqualTo(before);
        } finally {
            for (NsProcess p : started) {
                p.close();
            }
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
