package dev.jns.examples.bench;

import dev.jns.NamespaceType;
import dev.jns.NsProcess;
import dev.jns.Spawn;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Measures, in one run, the time to start and wait for {@code /bin/true}:
 * <ol>
 *   <li>jns with new user (root mapped), pid, mount (+ /proc), uts and ipc namespaces;</li>
 *   <li>plain {@code ProcessBuilder("/bin/true")}, no namespaces at all;</li>
 *   <li>{@code ProcessBuilder("unshare", "-Ur", "-pf", "-m", "-u", "-i", "--mount-proc", "/bin/true")}, the
 *       usual way to get the same namespaces from Java today;</li>
 *   <li>jns without namespaces (the launcher's own cost);</li>
 *   <li>the C floor ({@link CFloor}, when a C compiler is there): the same namespaces, maps, /proc and init
 *       done by a small C program and timed from within C, and a plain fork + exec from C; also with the
 *       /proc masked as jns masks it by default (runc's masked and read-only paths), the cost of that
 *       default.</li>
 * </ol>
 * The variants run interleaved, round after round, so that machine noise hits them alike; the ratios are the
 * result, not the times. Then: the first spawn of the JVM (cold: launcher extraction, class loading, fork
 * server start) and that of fresh JVMs started for it ({@link ColdStart}), throughput with 1, 2, 8 and 32 threads and
 * the machine's CPU per spawn that bounds it ({@link MachineCpu}), beside the C floor's own throughput with as many
 * processes (what the kernel allows for the same work on this machine), and on 8 threads once more after the JIT
 * has settled ({@link JitSettle}; not in the short mode), the launcher's peak RSS, heap allocation per
 * {@code run()} ({@link Allocation}), latency as the host's mount table grows ({@link HostGrowth}), and memory
 * and latency with many sandboxes alive ({@link LiveSandboxes}). It prints; it asserts nothing.
 * Usage: {@code SpawnBenchmark [--short|--full] [spawns] [warmup]} (0: the mode's default); {@code --short} is
 * CI's version (under a minute: fewer rounds, 1 and 8 threads, 50 and 500 mounts, 100 live sandboxes).
 */
public final class SpawnBenchmark {
    private SpawnBenchmark() {
    }

    /** One variant: a name and one spawn-and-wait, returning the nanoseconds it took. */
    private record Variant(String name, LongSupplier once) {
    }

    public static void main(String[] args) throws Exception {
        long began = System.nanoTime();
        List<String> rest = new ArrayList<>(List.of(args));
        boolean quick = rest.remove("--short");
        rest.remove("--full");
        int n = count(rest, 0, quick ? 40 : 400);
        int warmup = count(rest, 1, quick ? 20 : 200);
        long cold = Bench.timed(Bench::sandboxTrue);
        latency(n, warmup, cold);
        ColdStart.report(quick ? 3 : 10);
        for (int threads : quick ? new int[] {1, 8} : new int[] {1, 2, 8, 32}) {
            throughputRow("", threads, quick ? 1 : BLOCKS, quick ? 100 : Math.max(200, n / 2));
        }
        if (!quick) {
            // the same figures once the JIT has settled: what a program that spawns for minutes sees
            String jit = JitSettle.settle(8, 90, Bench::sandboxTrue, () -> Bench.pb("/bin/true"));
            throughputRow(" (JIT " + jit + ")", 8, BLOCKS, Math.max(400, n));
        }
        System.out.printf("launcher peak RSS (VmHWM) = %s%n", launcherPeakRss(Bench.sandbox()));
        int calls = quick ? 100 : 1000;
        System.out.printf("heap allocated per run() of /bin/true, %d calls each (goal: < 16 KiB for the sandbox):%n", calls);
        System.out.println("  jns sandbox:       " + Allocation.perCall(calls, Bench::sandboxTrue));
        System.out.println("  jns no namespaces: " + Allocation.perCall(calls, Bench::plainTrue));
        System.out.println("  ProcessBuilder:    " + Allocation.perCall(calls, () -> Bench.pb("/bin/true")));
        HostGrowth.report(quick ? new int[] {0, 50, 500} : new int[] {0, 50, 500, 5000}, quick ? 10 : 50, quick ? 20 : 200);
        LiveSandboxes.report(quick ? 100 : 1000, quick ? 10 : 50, quick ? 30 : 200);
        System.out.printf(Locale.ROOT, "benchmark took %.0f s%n", (System.nanoTime() - began) / 1e9);
    }

    /** The {@code i}th number of {@code args}, or {@code otherwise} when it is missing or 0. */
    private static int count(List<String> args, int i, int otherwise) {
        int v = args.size() > i ? Integer.parseInt(args.get(i)) : 0;
        return v > 0 ? v : otherwise;
    }

    /** One timed spawn of {@code v} after {@link Bench#PAUSE_NANOS}. */
    private static long timedAlone(Variant v) {
        java.util.concurrent.locks.LockSupport.parkNanos(Bench.PAUSE_NANOS);
        return v.once().getAsLong();
    }

    /** The interleaved variants: medians, p90s, the cold first spawn and the ratios. */
    private static void latency(int n, int warmup, long cold) throws Exception {
        Optional<CFloor> floor = CFloor.start();
        List<Variant> variants = new ArrayList<>(List.of(
                new Variant("jns user+pid+mount+proc+uts+ipc", () -> Bench.timed(Bench::sandboxTrue)),
                new Variant("ProcessBuilder /bin/true", () -> Bench.timed(() -> Bench.pb("/bin/true"))),
                new Variant("ProcessBuilder unshare -Ur -pf -m -u -i --mount-proc", () -> Bench.timed(() ->
                        Bench.pb("unshare", "-Ur", "-pf", "-m", "-u", "-i", "--mount-proc", "/bin/true"))),
                new Variant("jns, no namespaces", () -> Bench.timed(Bench::plainTrue))));
        floor.ifPresent(f -> {
            variants.add(new Variant("C floor: clone user+pid+mount+proc+uts+ipc, init", f::sandbox));
            variants.add(new Variant("C floor: fork + exec", f::plain));
            variants.add(new Variant("C floor as above, the init vforks /bin/true", f::sandboxVfork));
            variants.add(new Variant("C floor: vfork + exec", f::plainVfork));
            variants.add(new Variant("C floor, init vforks, /proc masked as jns's", f::sandboxMasked));
        });
        // the first rounds of the JVM are what a program that spawns a few times sees: kept, as "cold-ish"
        int early = Math.min(20, warmup);
        long[][] first = new long[variants.size()][early];
        for (int i = 0; i < warmup; i++) {
            for (int v = 0; v < variants.size(); v++) {
                long t = timedAlone(variants.get(v));
                if (i < early) {
                    first[v][i] = t;
                }
            }
        }
        long[][] times = new long[variants.size()][n];
        for (int i = 0; i < n; i++) {
            for (int v = 0; v < variants.size(); v++) {
                times[v][i] = timedAlone(variants.get(v));
            }
        }
        if (floor.isPresent()) {
            floor.get().close();
        }
        double[] medians = new double[variants.size()];
        double[] p90 = new double[variants.size()];
        System.out.printf("spawn + wait of /bin/true, %d interleaved rounds after %d warm-up rounds, %d ms before each "
                + "spawn, %d cores, %s%n", n, warmup, Bench.PAUSE_NANOS / 1_000_000,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        for (int v = 0; v < variants.size(); v++) {
            medians[v] = Bench.median(times[v]);
            p90[v] = Bench.percentile(times[v], 0.9);
            System.out.printf(Locale.ROOT, "  %-55s median %6.3f ms   p90 %6.3f ms%n", variants.get(v).name(), medians[v], p90[v]);
        }
        System.out.printf(Locale.ROOT, "first spawn of this JVM (cold, after the benchmark's own classes) = %.1f ms%n", cold / 1e6);
        if (early > 0) {
            System.out.printf(Locale.ROOT, "the JVM's first %d rounds after that spawn (cold-ish: the JIT has not settled): jns sandbox "
                    + "median %.3f ms, ProcessBuilder %.3f ms, jns no namespaces %.3f ms%n", early, Bench.median(first[0]),
                    Bench.median(first[1]), Bench.median(first[3]));
            ratio("cold-ish jns sandbox / ProcessBuilder", Bench.median(first[0]) / Bench.median(first[1]), "");
            ratio("cold-ish jns no namespaces / ProcessBuilder", Bench.median(first[3]) / Bench.median(first[1]), "");
        }
        ratio("jns sandbox / ProcessBuilder /bin/true", medians[0] / medians[1], "  (goal: <= 1.0)");
        ratio("jns sandbox p90 / ProcessBuilder p90", p90[0] / p90[1], "  (goal: <= 1.3)");
        ratio("jns sandbox / ProcessBuilder unshare route", medians[0] / medians[2], "");
        ratio("jns no namespaces / ProcessBuilder /bin/true", medians[3] / medians[1], "  (goal: <= 0.8)");
        if (floor.isPresent()) {
            ratio("jns sandbox / C floor", medians[0] / medians[4], "  (goal: <= 1.2)");
            ratio("jns sandbox / C floor whose init vforks", medians[0] / medians[6], "");
            ratio("jns no namespaces / C floor vfork + exec", medians[3] / medians[7], "");
            ratio("jns sandbox / C floor with jns's masked /proc", medians[0] / medians[8], "");
        }
    }

    private static void ratio(String what, double value, String goal) {
        System.out.printf(Locale.ROOT, "ratio %-45s = %.2f%s%n", what, value, goal);
    }

    /** Blocks per kind in a throughput figure of the full mode; they take turns (see {@link Tally}). */
    private static final int BLOCKS = 4;

    /**
     * One throughput figure: {@code blocks} blocks of {@code perBlock} spawns on {@code threads} threads each by
     * jns's sandbox, by ProcessBuilder and by the C floor with as many processes, in turn, with the machine's CPU
     * per spawn of each.
     */
    private static void throughputRow(String when, int threads, int blocks, int perBlock) throws Exception {
        Tally jns = new Tally();
        Tally pb = new Tally();
        Tally floor = new Tally();
        boolean hasFloor = true;
        for (int b = 0; b < blocks; b++) {
            long server = MachineCpu.childNamed("jns-forkserver"); // started by the warm-up's spawns
            throughput(threads, perBlock, Bench::sandboxTrue, jns, server < 0 ? null : () -> MachineCpu.micros(server));
            throughput(threads, perBlock, () -> Bench.pb("/bin/true"), pb, null);
            hasFloor = hasFloor && CFloor.throughput(threads, perBlock, floor);
        }
        System.out.printf(Locale.ROOT, "throughput, %2d threads%s: jns sandbox %7.0f spawns/s, ProcessBuilder %7.0f "
                + "spawns/s, ratio %.2f%s%n", threads, when, jns.perSecond(), pb.perSecond(),
                jns.perSecond() / pb.perSecond(), threads == 8 ? "  (goal: >= 1.5)" : "");
        System.out.printf("  the machine's CPU (/proc/stat): jns %s; ProcessBuilder %s%n", jns.cpu(), pb.cpu());
        if (hasFloor) {
            System.out.printf(Locale.ROOT, "  the C floor's sandbox (init vforks, masked /proc), %d processes at once: "
                    + "%.0f spawns/s, %s; C floor / ProcessBuilder %.2f, jns / C floor %.2f%n", threads,
                    floor.perSecond(), floor.cpu(), floor.perSecond() / pb.perSecond(), jns.perSecond() / floor.perSecond());
        }
        System.out.printf("  whose CPU, ms per spawn: jns: %s; ProcessBuilder: %s%s%n", jns.shares("the fork server"),
                pb.shares(null), hasFloor ? "; C floor: " + floor.shares("the C floors") : "");
    }

    /** One block: {@code threads} threads do {@code total} spawns together; its time and CPU go into {@code into}. */
    private static void throughput(int threads, int total, Runnable once, Tally into, LongSupplier watched)
            throws InterruptedException {
        AtomicInteger left = new AtomicInteger(total);
        List<Runnable> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(() -> {
                while (left.getAndDecrement() > 0) {
                    once.run();
                }
            });
        }
        into.block(total, "bench", workers, watched);
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
