package dev.jns.examples.bench;

import dev.jns.Namespaces;
import dev.jns.Outcome;
import dev.jns.SpawnResult;
import dev.jns.sandbox.Limits;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * What cgroup limits do and cost, measured in one run (root, or a user with a delegated cgroup):
 * <ol>
 *   <li>the CPU share of a busy loop over 2 s, with {@code cpus(0.1)}, {@code cpus(0.5)} and {@code cpus(1.0)}, as the sandbox's
 *       cgroup counted it ({@code cpu.stat}/{@code cpuacct.usage}) over the wall time;</li>
 *   <li>the median time to run {@code /bin/true} in new user+pid namespaces with and without a memory + pids limit
 *       (interleaved): the price of creating, joining, reading and removing the sandbox's cgroup.</li>
 * </ol>
 * A benchmark prints figures; it asserts nothing. Usage: {@code CgroupBenchmark [spawns]}.
 */
public final class CgroupBenchmark {
    private CgroupBenchmark() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        for (double cpus : new double[] {0.1, 0.5, 1.0, 0.1, 0.5, 1.0}) {
            long t0 = System.nanoTime();
            SpawnResult r = Namespaces.spawn().newPid().limits(Limits.builder().cpus(cpus).build())
                    .timeout(Duration.ofSeconds(2), Duration.ZERO).run("sh", "-c", "while :; do :; done");
            double wall = (System.nanoTime() - t0) / 1e9;
            Outcome.CgroupUsage u = r.outcome().cgroup();
            double cpu = u == null || u.cpu() == null ? Double.NaN : u.cpu().toNanos() / 1e9;
            System.out.printf(Locale.ROOT, "busy loop, cpus(%.2f): %.2f s CPU in %.2f s = %.2f CPUs%n", cpus, cpu,
                    wall, cpu / wall);
        }
        Limits limits = Limits.builder().memory(256L << 20).pids(100).build();
        long[] plain = new long[n];
        long[] limited = new long[n];
        for (int i = 0; i < n + 50; i++) {
            long a = time(() -> Namespaces.spawn().newUser().mapRootUser().newPid().run("/bin/true"));
            long b = time(() -> Namespaces.spawn().newUser().mapRootUser().newPid().limits(limits).run("/bin/true"));
            if (i >= 50) {
                plain[i - 50] = a;
                limited[i - 50] = b;
            }
        }
        double mp = median(plain) / 1e6;
        double ml = median(limited) / 1e6;
        System.out.printf(Locale.ROOT, "/bin/true in user+pid namespaces: %.2f ms; with memory+pids limits: %.2f ms "
                + "(+%.2f ms, %.2fx), medians of %d%n", mp, ml, ml - mp, ml / mp, n);
    }

    private static long time(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return System.nanoTime() - t0;
    }

    private static double median(long[] v) {
        long[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }
}
