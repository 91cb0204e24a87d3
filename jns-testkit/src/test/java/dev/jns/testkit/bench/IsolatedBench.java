package dev.jns.testkit.bench;

import dev.jns.testkit.fixtures.BenchFixture;
import dev.jns.testkit.internal.IsolatedChild;
import dev.jns.testkit.internal.IsolatedPool;
import dev.jns.testkit.internal.ProcFs;

import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * What an {@code @Isolated} test costs, cold (a child JVM started for the test) and warm (a child started ahead
 * and waiting), the CPU each child burns, the memory each waiting child holds, and whole runs of eight tests
 * sequentially and four at a time. Not a test (the name does not end in Test: Surefire runs it only when asked):
 * <pre>
 * mvn -o -B -q -pl jns-testkit -am verify -Dtest=IsolatedBench -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * Prints a table; the figures depend on the machine and on what else runs on it (the load average is printed).
 */
class IsolatedBench {
    /** USER_HZ: the unit of utime and stime in /proc/PID/stat (100 on every Linux port jns supports). */
    private static final long TICKS_PER_SECOND = 100;
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 5);
    private static final IsolatedChild.Key KEY = new IsolatedChild.Key("bench", 0, List.of(),
            Map.of("jns.testkit.fixtures", "true"));
    private static final String TEST = "[engine:junit-jupiter]/[class:" + BenchFixture.class.getName() + "]/[method:t1()]";

    @Test
    void bench() throws Exception {
        System.out.printf("== @Isolated cost on %d processors, load average at start: %s%n",
                Runtime.getRuntime().availableProcessors(), loadAverage());
        System.out.println("JVM options of a child: " + IsolatedChild.FAST_START);

        List<Long> cold = new ArrayList<>();
        List<Long> coldCpu = new ArrayList<>();
        for (int i = 0; i < ROUNDS; i++) {
            long t0 = System.nanoTime();
            try (IsolatedChild c = IsolatedChild.start(KEY, null)) {
                IsolatedChild.Report r = c.run(TEST, 120, "bench");
                cold.add(ms(t0));
                assertThat(r.result().status()).as(r.out() + r.err()).isEqualTo("SUCCESSFUL");
                coldCpu.add(cpuMs(c));
            }
        }
        row("cold: child started for the test", cold);
        row("  CPU time of one child (user+sys)", coldCpu);

        List<Long> warm = new ArrayList<>();
        List<Long> rss = new ArrayList<>();
        List<Long> pss = new ArrayList<>();
        List<Long> warmUp = new ArrayList<>();
        List<Long> warmCpu = new ArrayList<>();
        try (IsolatedPool pool = new IsolatedPool(1)) {
            pool.take(KEY, BenchFixture.class.getName()).close(); // starts the first spare
            for (int i = 0; i < ROUNDS; i++) {
                long w0 = System.nanoTime();
                while (pool.waitingChildren().isEmpty()) {
                    Thread.sleep(10); // the pool starts the spare in the background
                }
                IsolatedChild waiting = pool.waitingChildren().get(0);
                long readyTicks = awaitIdle(waiting.pid());
                warmUp.add(ms(w0));
                long[] mem = memoryKb(waiting.pid());
                rss.add(mem[0] / 1024);
                pss.add(mem[1] / 1024);
                long t0 = System.nanoTime();
                try (IsolatedChild c = pool.take(KEY, BenchFixture.class.getName())) {
                    IsolatedChild.Report r = c.run(TEST, 120, "bench");
                    warm.add(ms(t0));
                    assertThat(r.result().status()).as(r.out() + r.err()).isEqualTo("SUCCESSFUL");
                    warmCpu.add(cpuMs(c) - readyTicks * 1000 / TICKS_PER_SECOND);
                }
            }
        }
        row("warm: a child was waiting, ready", warm);
        row("  CPU time of the child after the hand-over", warmCpu);
        row("  time for a child to get ready (wall)", warmUp);
        row("  memory of a waiting child, RSS MiB", rss);
        row("  memory of a waiting child, PSS MiB", pss);

        for (String spares : new String[] {"0", String.valueOf(IsolatedPool.defaultSpares())}) {
            for (int parallelism : new int[] {1, 4}) {
                long t0 = System.nanoTime();
                EngineExecutionResults r = suite(spares, parallelism);
                long total = ms(t0);
                r.testEvents().assertStatistics(s -> s.started(8).succeeded(8));
                System.out.printf("%-44s %6d ms total, %5d ms per test%n",
                        "suite of 8, spares=" + spares + ", parallel " + parallelism, total, total / 8);
            }
        }
        System.out.println("load average at the end: " + loadAverage());
    }

    private static EngineExecutionResults suite(String spares, int parallelism) {
        EngineTestKit.Builder b = EngineTestKit.engine("junit-jupiter").selectors(selectClass(BenchFixture.class))
                .configurationParameter("jns.testkit.fixtures", "true")
                .configurationParameter(IsolatedPool.SPARES, spares);
        if (parallelism > 1) {
            b.configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
                    .configurationParameter("junit.jupiter.execution.parallel.mode.default", "concurrent")
                    .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
                    .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism",
                            String.valueOf(parallelism));
        }
        return b.execute();
    }

    private static void row(String what, List<Long> values) {
        List<Long> s = new ArrayList<>(values);
        Collections.sort(s);
        System.out.printf("%-44s median %6d   min %6d   max %6d   (n=%d)%n", what, s.get(s.size() / 2), s.get(0),
                s.get(s.size() - 1), s.size());
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static long cpuMs(IsolatedChild c) throws InterruptedException {
        var o = c.outcome();
        return o.userCpu().plus(o.systemCpu()).toMillis();
    }

    /** Waits until the child's processes have used no CPU for 300 ms (it is ready and waits); their ticks. */
    private static long awaitIdle(long pid) throws InterruptedException {
        long last = -1;
        for (int i = 0; i < 600; i++) {
            long now = ticks(pid);
            if (now == last) {
                return now;
            }
            last = now;
            Thread.sleep(300);
        }
        return last;
    }

    private static long ticks(long pid) {
        long sum = 0;
        for (long p : ProcFs.descendantsAndSelf(pid)) {
            String stat = ProcFs.read(Path.of("/proc", String.valueOf(p), "stat"));
            if (stat == null) {
                continue;
            }
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            sum += Long.parseLong(f[11]) + Long.parseLong(f[12]);
        }
        return sum;
    }

    /** RSS and PSS (shared pages divided among their users) of the child's processes, KiB. */
    private static long[] memoryKb(long pid) throws Exception {
        long rss = 0;
        long pss = 0;
        for (long p : ProcFs.descendantsAndSelf(pid)) {
            Path rollup = Path.of("/proc", String.valueOf(p), "smaps_rollup");
            if (!Files.exists(rollup)) {
                continue;
            }
            for (String line : Files.readAllLines(rollup)) {
                String[] f = line.trim().split("\\s+");
                if (f[0].equals("Rss:")) {
                    rss += Long.parseLong(f[1]);
                } else if (f[0].equals("Pss:")) {
                    pss += Long.parseLong(f[1]);
                }
            }
        }
        return new long[] {rss, pss};
    }

    private static String loadAverage() throws Exception {
        return Files.readString(Path.of("/proc/loadavg")).trim();
    }
}
