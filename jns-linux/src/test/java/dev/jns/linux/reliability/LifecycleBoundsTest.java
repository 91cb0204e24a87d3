package dev.jns.linux.reliability;

import dev.jns.NamespaceException;
import dev.jns.Namespaces;
import dev.jns.NsProcess;
import dev.jns.Outcome;
import dev.jns.Spawn;
import dev.jns.SpawnResult;
import dev.jns.linux.testing.Procs;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The figures of RELIABILITY.md's "what jns guarantees" table: for each lifecycle event, with and without a pid
 * namespace, the time from the event until the call returns with every process of the sandbox gone (a command
 * that leaves a background child and a setsid'd double fork holding stdout). The assertions are that the call
 * returns and that nothing is left, never a time: the times are printed ({@code jns.bounds.rounds}, default 10).
 */
class LifecycleBoundsTest {
    private static final int ROUNDS = Integer.getInteger("jns.bounds.rounds", 10);

    Spawn spawn(boolean pidns) {
        Spawn s = Namespaces.spawn();
        if (pidns) {
            if (!"root".equals(System.getProperty("user.name"))) {
                s.newUser().mapRootUser();
            }
            s.newPid();
        }
        return s;
    }

    private static String orphans(String m) {
        return "sleep " + m + " & setsid sh -c 'sleep " + m + " & sleep " + m + " &'; ";
    }

    private static void gone(String m) {
        assertThat(Procs.withArg(m)).as("processes of the sandbox left").isEmpty();
    }

    private static String figure(List<Long> us) {
        Collections.sort(us);
        return String.format("median %.1f ms, max %.1f ms (%d runs)", us.get(us.size() / 2) / 1000.0,
                us.get(us.size() - 1) / 1000.0, us.size());
    }

    private static long usSince(long t) {
        return (System.nanoTime() - t) / 1000;
    }

    /** Reads the line the command prints when its descendants run, and returns when that was. */
    private static long ready(NsProcess p) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        assertThat(out.readLine()).isEqualTo("ready");
        return System.nanoTime();
    }

    @Test
    void lifecycleEventFigures() throws Exception {
        StringBuilder report = new StringBuilder();
        for (boolean pidns : new boolean[] {false, true}) {
            String v = pidns ? "pid namespace" : "no pid namespace";
            List<Long> exit = new ArrayList<>();
            List<Long> plain = new ArrayList<>();
            List<Long> timeout = new ArrayList<>();
            List<Long> interrupt = new ArrayList<>();
            List<Long> destroyForcibly = new ArrayList<>();
            List<Long> destroy = new ArrayList<>();
            List<Long> launcherKilled = new ArrayList<>();
            for (int round = 0; round < ROUNDS; round++) {
                // command exit: run() of a command that leaves descendants holding stdout, against one that does not
                String m = Procs.marker();
                long t = System.nanoTime();
                SpawnResult r = spawn(pidns).run("/bin/sh", "-c", orphans(m) + "exit 0");
                exit.add(usSince(t));
                assertThat(r.exitCode()).isZero();
                gone(m);
                t = System.nanoTime();
                spawn(pidns).run("/bin/sh", "-c", "exit 0");
                plain.add(usSince(t));

                // timeout 200 ms, grace 100 ms, a command that ignores SIGTERM: from the limit + grace to the return
                m = Procs.marker();
                t = System.nanoTime();
                r = spawn(pidns).timeout(Duration.ofMillis(200), Duration.ofMillis(100))
                        .run("/bin/sh", "-c", "trap '' TERM; " + orphans(m) + "sleep " + m);
                timeout.add(usSince(t) - 300_000);
                assertThat(r.outcome().kind()).isEqualTo(Outcome.Kind.TIMED_OUT);
                gone(m);

                // interrupt of the thread in run()
                String mi = Procs.marker();
                CompletableFuture<Long> thrownAt = new CompletableFuture<>();
                Thread th = new Thread(() -> {
                    try {
                        spawn(pidns).run("/bin/sh", "-c", orphans(mi) + "sleep " + mi);
                        thrownAt.complete(-1L);
                    } catch (NamespaceException e) {
                        thrownAt.complete(System.nanoTime());
                    }
                });
                th.start();
                Procs.awaitRunning(mi, 4);
                t = System.nanoTime();
                th.interrupt();
                long at = thrownAt.get(30, TimeUnit.SECONDS);
                assertThat(at).isPositive();
                interrupt.add((at - t) / 1000);
                gone(mi);

                // destroyForcibly and destroy of a started process: until waitFor() returns
                for (boolean forcibly : new boolean[] {true, false}) {
                    m = Procs.marker();
                    try (NsProcess p = spawn(pidns).start("/bin/sh", "-c", orphans(m) + "echo ready; sleep " + m)) {
                        ready(p);
                        t = System.nanoTime();
                        if (forcibly) {
                            p.destroyForcibly();
                        } else {
                            p.destroy();
                        }
                        p.waitFor();
                        (forcibly ? destroyForcibly : destroy).add(usSince(t));
                        gone(m);
                    }
                }

                // the supervisor SIGKILLed from outside: until waitFor() returns LAUNCHER_LOST. Without a pid
                // namespace what the command started outlives a killed supervisor (README, "A spawn's process
                // tree"), so there the command is the sleep itself (exec), which dies with it by its
                // PR_SET_PDEATHSIG: orphans ended afterwards by marker could be missed while still forking
                m = Procs.marker();
                String script = pidns ? orphans(m) + "echo ready; sleep " + m : "echo ready; exec sleep " + m;
                try (NsProcess p = spawn(pidns).start("/bin/sh", "-c", script)) {
                    ready(p);
                    long launcher = ProcessHandle.of(p.pid()).flatMap(ProcessHandle::parent).orElseThrow().pid();
                    t = System.nanoTime();
                    ProcessHandle.of(launcher).orElseThrow().destroyForcibly();
                    p.waitFor();
                    launcherKilled.add(usSince(t));
                    assertThat(p.outcome().kind()).isEqualTo(Outcome.Kind.LAUNCHER_LOST);
                    if (!pidns) {
                        long deadline = System.nanoTime() + 5_000_000_000L; // its PR_SET_PDEATHSIG, delivered
                        while (!Procs.withArg(m).isEmpty() && System.nanoTime() < deadline) {
                            Thread.onSpinWait();
                        }
                    }
                    gone(m);
                }
            }
            report.append(String.format("%s: command exit with descendants holding stdout: run() %s (without "
                    + "descendants %s)%n", v, figure(exit), figure(plain)));
            report.append(String.format("%s: timeout 200 ms + grace 100 ms: returned after limit + grace + %s%n", v,
                    figure(timeout)));
            report.append(String.format("%s: interrupt: threw %s after interrupt()%n", v, figure(interrupt)));
            report.append(String.format("%s: destroyForcibly: waitFor() returned %s after it%n", v,
                    figure(destroyForcibly)));
            report.append(String.format("%s: destroy (SIGTERM): waitFor() returned %s after it%n", v, figure(destroy)));
            report.append(String.format("%s: supervisor SIGKILLed: waitFor() returned LAUNCHER_LOST %s after it%n", v,
                    figure(launcherKilled)));
        }
        System.out.print(report);
    }
}
