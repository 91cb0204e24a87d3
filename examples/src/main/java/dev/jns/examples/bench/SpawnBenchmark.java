package dev.jns.examples.bench;

import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsProcess;
import dev.jns.Spawn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * Measures, in one run, the median time to start and wait for {@code /bin/true}:
 * <ol>
 *   <li>jns with new user (root mapped), pid, mount (+ /proc), uts and ipc namespaces;</li>
 *   <li>plain {@code ProcessBuilder("/bin/true")}, no namespaces at all;</li>
 *   <li>{@code ProcessBuilder("unshare", "-Ur", "-pf", "-m", "-u", "-i", "--mount-proc", "/bin/true")}, the
 *       usual way to get the same namespaces from Java today;</li>
 *   <li>jns without namespaces (the launcher's own cost).</li>
 * </ol>
 * The variants run interleaved, round after round, so that machine noise hits them alike; the ratios are the
 * result, not the times. Also prints the launcher's peak RSS. Usage: {@code SpawnBenchmark [spawns] [warmup]}.
 */
public final class SpawnBenchmark {
    private SpawnBenchmark() {
    }

    /** One variant: a name and what one spawn-and-wait is. */
    private record Variant(String name, Runnable once) {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 400;
        int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 200;
        Supplier<Spawn> sandbox = () -> Namespaces.spawn().newUser().mapRootUser().newPid().mountProc().newUts().newIpc();
        List<Variant> variants = List.of(
                new Variant("jns user+pid+mount+proc+uts+ipc", () -> check(sandbox.get().run("/bin/true").exitCode())),
                new Variant("ProcessBuilder /bin/true", () -> pb("/bin/true")),
                new Variant("ProcessBuilder unshare -Ur -pf -m -u -i --mount-proc", () ->
                        pb("unshare", "-Ur", "-pf", "-m", "-u", "-i", "--mount-proc", "/bin/true")),
                new Variant("jns, no namespaces", () -> check(Namespaces.spawn().run("/bin/true").exitCode())));
        for (int i = 0; i < warmup; i++) {
            for (Variant v : variants) {
                v.once().run();
            }
        }
        long[][] times = new long[variants.size()][n];
        for (int i = 0; i < n; i++) {
            for (int v = 0; v < variants.size(); v++) {
                long t0 = System.nanoTime();
                variants.get(v).once().run();
                times[v][i] = System.nanoTime() - t0;
            }
        }
        double[] medians = new double[variants.size()];
        System.out.printf("spawn + wait of /bin/true, %d interleaved rounds after %d warm-up rounds, %d cores%n", n, warmup,
                Runtime.getRuntime().availableProcessors());
        for (int v = 0; v < variants.size(); v++) {
            medians[v] = median(times[v]);
            System.out.printf("  %-55s median %6.3f ms   p90 %6.3f ms%n", variants.get(v).name(), medians[v],
                    percentile(times[v], 0.9));
        }
        System.out.printf("ratio jns sandbox / ProcessBuilder /bin/true     = %.2f  (bar: <= 1.25)%n", medians[0] / medians[1]);
        System.out.printf("ratio jns sandbox / ProcessBuilder unshare route = %.2f  (bar: <= 0.60)%n", medians[0] / medians[2]);
        System.out.printf("launcher peak RSS (VmHWM) = %s%n", launcherPeakRss(sandbox.get()));
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
