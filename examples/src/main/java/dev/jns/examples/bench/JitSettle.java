package dev.jns.examples.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Spawns until the JIT has settled: code that runs once per spawn reaches the C2 compiler's thresholds only after
 * thousands of spawns (on this project's machine, some 20 s of spawning on 8 threads), and until then the
 * compiler's threads take a share of the cores that a throughput figure counts. A program that spawns for minutes
 * sees the settled figure; one that spawns for seconds, the figures before it. The JIT counts as settled after
 * {@link #QUIET_WINDOWS} one-second windows in a row in which the JVM's compilers worked less than
 * {@link #QUIET_MILLIS} ms in all ({@link CompilationMXBean#getTotalCompilationTime()}, which grows when a
 * compilation ends).
 */
final class JitSettle {
    private static final int QUIET_WINDOWS = 3;
    private static final long QUIET_MILLIS = 10;

    private JitSettle() {
    }

    /**
     * Runs the {@code kinds} in turn on {@code threads} threads until the JIT has settled or {@code maxSeconds}
     * have passed; says which, after how many spawns.
     */
    static String settle(int threads, int maxSeconds, Runnable... kinds) throws InterruptedException {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) {
            return "this JVM does not say how long its JIT works: not settled";
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong spawns = new AtomicLong();
        List<Thread> all = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int first = t;
            Thread th = new Thread(() -> {
                for (int i = first; !stop.get(); i++) {
                    kinds[i % kinds.length].run();
                    spawns.incrementAndGet();
                }
            }, "settle-" + t);
            th.start();
            all.add(th);
        }
        int quiet = 0;
        int seconds = 0;
        long compiled = jit.getTotalCompilationTime();
        while (quiet < QUIET_WINDOWS && seconds < maxSeconds) {
            Thread.sleep(1000);
            seconds++;
            long now = jit.getTotalCompilationTime();
            quiet = now - compiled < QUIET_MILLIS ? quiet + 1 : 0;
            compiled = now;
        }
        stop.set(true);
        for (Thread th : all) {
            th.join();
        }
        return String.format(Locale.ROOT, "%s after %d s and %d spawns on %d threads",
                quiet >= QUIET_WINDOWS ? "settled" : "still compiling", seconds, spawns.get(), threads);
    }
}
