package dev.jns.examples.bench;

import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsProcess;
import dev.jns.Spawn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Measures, in one run, the time to start and wait for {@code /bin/true}:
 * <ol>
 *   <li>jns with new user (root mapped), pid, mount (+ /proc), uts and ipc namespaces;</li>
 *   <li>plain {@code ProcessBuilder("/bin/true")}, no namespaces at all;</li>
 *   <li>{@code ProcessBuilder("unshare", "-Ur", "-pf", "-m", "-u", "-i", "--mount-proc", "/bin/true")}, the
 *       usual way to get the same namespaces from Java today;</li>
 *   <li>jns without namespaces (the launcher's own cost);</li>
 *   <li>the C floor ({@link CFloor}, when a C compiler is there): the same namespaces, maps, /proc and init
 *       done by a small C program and timed from within C, and a plain fork + exec from C.</li>
 * </ol>
 * The variants run interleaved, round after round, so that machine noise hits them alike; the ratios are the
 * result, not the times. Also: the first spawn of the JVM (cold: launcher extraction, class loading, fork
 * server start), throughput with 1, 2, 8 and 32 threads, and the launcher's peak RSS.
 * Usage: {@code SpawnBenchmark [spawns] [warmup]}.
 */
public final class SpawnBenchmark {
    private SpawnBenchmark() {
    }

    /** One variant: a name and one spawn-and-wait, returning the nanoseconds it took. */
    private record Variant(String name, LongSupplier once) {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Supplier<Spawn> sandbox = () -> Namespaces.spawn().newUser().mapRootUser().newPid().mountProc().newUts().newIpc();
        long cold = timed(() -> check(sandbox.get().run("/bin/true").exitCode()));
        Optional<CFloor> floor = CFloor.start();
        List<Variant> variants = new ArrayList<>(List.of(
                new Variant("jns user+pid+mount+proc+uts+ipc", () -> timed(() -> check(sandbox.get().run("/bin/true").exitCode()))),
                new Variant("ProcessBuilder /bin/true", () -> timed(() -> pb("/bin/true"))),
                new Variant("ProcessBuilder unshare -Ur -pf -m -u -i --mount-proc", () -> timed(() ->
                        pb("unshare", "-Ur", "-pf", "-m", "-u", "-i", "--mount-proc", "/bin/true"))),
                new Variant("jns, no namespaces", () -> timed(() -> check(Namespaces.spawn().run("/bin/true").exitCode())))));
        floor.ifPresent(f -> {
            variants.add(new Variant("C floor: clone user+pid+mount+proc+uts+ipc, init", f::sandbox));
            variants.add(new Variant("C floor: fork + exec", f::plain));
        });
        for (int i = 0; i < warmup; i++) {
            for (Variant v : variants) {
                v.once().getAsLong();
            }
        }
        long[][] times = new long[variants.size()][n];
        for (int i = 0; i < n; i++) {
            for (int v = 0; v < variants.size(); v++) {
                times[v][i] = variants.get(v).once().getAsLong();
            }
        }
        if (floor.isPresent()) {
            floor.get().close();
        }
        double[] medians = new double[variants.size()];
        double[] p90 = new double[variants.size()];
        System.out.printf("spawn + wait of /bin/true, %d interleaved rounds after %d warm-up rounds, %d cores, %s%n", n,
                warmup, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        for (int v = 0; v < variants.size(); v++) {
            medians[v] = median(times[v]);
            p90[v] = percentile(times[v], 0.9);
            System.out.printf("  %-55s median %6.3f ms   p90 %6.3f ms%n", variants.get(v).name(), medians[v], p90[v]);
        }
        System.out.printf("first spawn of this JVM (cold: launcher, classes, fork server) = %.1f ms%n", cold / 1e6);
        System.out.printf("ratio jns sandbox / ProcessBuilder /bin/true       = %.2f  (goal: <= 1.0)%n", medians[0] / medians[1]);
        System.out.printf("ratio jns sandbox p90 / ProcessBuilder p90         = %.2f  (goal: <= 1.3)%n", p90[0] / p90[1]);
        System.out.printf("ratio jns sandbox / ProcessBuilder unshare route   = %.2f%n", medians[0] / medians[2]);
        System.out.printf("ratio jns no namespaces / ProcessBuilder /bin/true = %.2f  (goal: <= 0.8)%n", medians[3] / medians[1]);
        if (floor.isPresent()) {
            System.out.printf("ratio jns sandbox / C floor                        = %.2f  (goal: <= 1.2)%n", medians[0] / medians[4]);
        }
        for (int threads : new int[] {1, 2, 8, 32}) {
            double jns = throughput(threads, Math.max(200, n), () -> check(sandbox.get().run("/bin/true").exitCode()));
            double pb = throughput(threads, Math.max(200, n), () -> pb("/bin/true"));
            System.out.printf("throughput, %2d threads: jns sandbox %7.0f spawns/s, ProcessBuilder %7.0f spawns/s, ratio %.2f%n",
                    threads, jns, pb, jns / pb);
        }
        System.out.printf("launcher peak RSS (VmHWM) = %s%n", launcherPeakRss(sandbox.get()));
    }

    private static long timed(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return System.nanoTime() - t0;
    }

    /** Spawns per second when {@code threads} threads do {@code total} spawns together. */
    private static double throughput(int threads, int total, Runnable once) throws InterruptedException {
        AtomicInteger left = new AtomicInteger(total);
        List<Thread> all = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            Thread th = new Thread(() -> {
                while (left.getAndDecrement() > 0) {
                    once.run();
                }
            }, "bench-" + t);
            th.start();
            all.add(th);
        }
        for (Thread th : all) {
            th.join();
        }
        return total / ((System.nanoTime() - t0) / 1e9);
    }

    private static void check(int code) {
        if (code != 0) {
            throw new IllegalStateException("exit code " + code);
        }
    }

    private static void pb(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).start();
            p.getOutputStream().close();
            p.getInputStream().readAllBytes();
            p.getErrorStream().readAllBytes();
            check(p.waitFor());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static double median(long[] ns) {
        return percentile(ns, 0.5);
    }

    private static double percentile(long[] ns, double q) {
        long[] c = ns.clone();
        Arrays.sort(c);
        return c[(int) Math.min(c.length - 1, Math.floor(q * c.length))] / 1e6;
    }

    /** VmHWM of the launcher (the parent of the sandbox's first process) while a sandbox runs. */
    private static String launcherPeakRss(Spawn s) throws Exception {
        try (NsProcess p = s.start("/bin/sleep", "5")) {
            long launcher = p.toHandle().parent().orElseThrow().pid();
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(launcher), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    return line.substring(6).trim() + " (launcher pid " + launcher + ", namespace "
                            + p.namespace(NamespaceType.PID) + ")";
                }
            }
            return "unknown";
        }
    }
}
