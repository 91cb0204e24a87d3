package dev.jns.linux.reliability;

import dev.jns.linux.testing.FreshJvm;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sandboxes die with a SIGKILLed JVM, and how fast: a child JVM ({@link DieWithJvmMain}) starts two sandboxes from
 * short-lived threads (one with a pid namespace, one without) and is SIGKILLed; how long until every sandboxed
 * process is gone, over {@code jns.jvmkill.runs} runs (default 10). Each must be under 1 s.
 */
class JvmKillLatencyTest {
    private static final int RUNS = Integer.getInteger("jns.jvmkill.runs", 10);

    @Test
    void sandboxesAreGoneWellWithinOneSecondOfTheJvmsDeath() throws Exception {
        String java = FreshJvm.java();
        List<Long> latenciesUs = new ArrayList<>();
        for (int run = 0; run < RUNS; run++) {
            String marker = dev.jns.linux.testing.Procs.marker();
            Process jvm = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                    DieWithJvmMain.class.getName(), marker).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try {
                String line = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8))
                        .readLine();
                assertThat(line).as("pids printed by the child JVM").isNotNull();
                long[] pids = Arrays.stream(line.split(" ")).mapToLong(Long::parseLong).toArray();
                long killedAt = System.nanoTime();
                jvm.destroyForcibly();
                for (long pid : pids) {
                    while (Gauges.running(pid) && System.nanoTime() - killedAt < 2_000_000_000L) {
                        Thread.onSpinWait();
                    }
                    assertThat(Gauges.running(pid)).as("run %d: sandbox %d 2 s after the JVM was killed", run, pid).isFalse();
                }
                // and what the commands started: background children and setsid'd double forks (3 per sandbox)
                while (!dev.jns.linux.testing.Procs.withArg(marker).isEmpty() && System.nanoTime() - killedAt < 2_000_000_000L) {
                    Thread.onSpinWait();
                }
                assertThat(dev.jns.linux.testing.Procs.withArg(marker)).as("run %d: descendants 2 s after the JVM was killed", run)
                        .isEmpty();
                latenciesUs.add((System.nanoTime() - killedAt) / 1000);
                assertThat(jvm.waitFor(5, TimeUnit.SECONDS)).isTrue();
            } finally {
                jvm.destroyForcibly();
            }
        }
        Collections.sort(latenciesUs);
        System.out.printf("JVM SIGKILL -> every sandboxed process gone: median %.1f ms, max %.1f ms over %d runs "
                + "(2 sandboxes each, with and without a pid namespace, each with 3 descendants)%n", latenciesUs.get(RUNS / 2) / 1000.0,
                latenciesUs.get(RUNS - 1) / 1000.0, RUNS);
        assertThat(latenciesUs.get(RUNS - 1)).as("worst latency (us)").isLessThan(1_000_000L);
    }

}
