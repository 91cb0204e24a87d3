package dev.jns.linux.reliability;

import dev.jns.SpawnResult;
import dev.jns.linux.testing.LeakCheck;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 32 threads × 500 spawns ({@code jns.load.threads}, {@code jns.load.each}) with mixed namespace sets (plain,
 * user+pid+mount+proc, net+uts, time, ipc+cgroup): zero failures, every exit status and output right, no
 * leak. (SpawnLifecycleTest.manyThreadsSpawnAtOnce is the quick 16 × 50 version.)
 */
class ConcurrentLoadTest {
    private static final int THREADS = Integer.getInteger("jns.load.threads", 32);
    private static final int EACH = Integer.getInteger("jns.load.each", 500);

    @Test
    void thirtyTwoThreadsTimesFiveHundredSpawns() throws Exception {
        for (int i = 0; i < 20; i++) {
            SoakMain.spawn(i);
        }
        Gauges.read(); // the first jcmd attach starts the JVM's attach listener (a thread and a socket)
        LeakCheck leaks = LeakCheck.start(); // before the gauges: its class opens the JDK's lifelong fds
        Gauges before = Gauges.read();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        long t0 = System.nanoTime();
        int ok = 0;
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    int good = 0;
                    for (int i = 0; i < EACH; i++) {
                        int n = thread * EACH + i;
                        try {
                            SpawnResult r = SoakMain.spawn(n);
                            if (r.exitCode() == n % 7 && r.outcome().exitCode() == n % 7) {
                                good++;
                            } else {
                                failures.add("spawn " + n + ": exit " + r.exitCode() + " (" + r.outcome().describe() + "; "
                                        + r.outcome() + "), stderr " + r.stderr());
                            }
                        } catch (RuntimeException e) {
                            failures.add("spawn " + n + ": " + e);
                        }
                    }
                    return good;
                }));
            }
            for (Future<Integer> f : results) {
                ok += f.get(30, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        leaks.assertNoLeaks();
        Gauges after = Gauges.read();
        System.out.printf("concurrent load: %d threads x %d spawns, %d right, %d failures, %d ms (%.0f spawns/s); %s%n",
                THREADS, EACH, ok, failures.size(), ms, THREADS * EACH * 1000.0 / ms, after.growthSince(before));
        assertThat(failures).as("failures (first few)").isEmpty();
        assertThat(ok).isEqualTo(THREADS * EACH);
    }
}
