package dev.jns.examples.bench;

import dev.jns.Namespaces;
import dev.jns.SpawnResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Spawn latency as the host's mount table grows: a new mount namespace copies every mount of the caller's.
 *
 * <p>For each count N, jns starts {@code hostmounts} (a small C program, {@code hostmounts.c}) in a new user
 * (root mapped) + mount namespace; it makes N tmpfs mounts there and execs a child JVM running {@link #main},
 * which times {@link Bench#sandbox()} spawns of {@code /bin/true} and prints one line. Works rootless; the
 * mounts vanish with the child's namespace. N = 0 is the baseline of the same nesting (a sandbox spawned from
 * a JVM that itself runs in a user namespace).
 */
final class HostGrowth {
    private static final String RESULT = "host-growth-result";

    private HostGrowth() {
    }

    /** Prints one line per mount count. */
    static void report(int[] counts, int warmup, int rounds) throws IOException, InterruptedException {
        Optional<Path> helper = CProgram.compile("hostmounts");
        if (helper.isEmpty()) {
            System.out.println("host growth: not measured (no C compiler for hostmounts.c)");
            return;
        }
        Path dir = Files.createTempDirectory("jns-bench-mounts");
        dir.toFile().setExecutable(true, false);
        try {
            double base = Double.NaN;
            for (int n : counts) {
                List<String> cmd = new ArrayList<>(List.of(helper.get().toString(), dir.toString(), Integer.toString(n),
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                        "-cp", System.getProperty("java.class.path"), HostGrowth.class.getName(),
                        Integer.toString(warmup), Integer.toString(rounds)));
                SpawnResult r = Namespaces.spawn().newUser().mapRootUser().newMount()
                        .timeout(Duration.ofMinutes(10)).run(cmd.toArray(String[]::new));
                String line = r.stdout().lines().filter(l -> l.startsWith(RESULT)).findFirst().orElse(null);
                if (!r.success() || line == null) {
                    System.out.printf("host with %5d extra mounts: failed (%s): %s%n", n, r.outcome(), r.stderr().strip());
                    continue;
                }
                String[] f = line.split(" ");
                double median = Double.parseDouble(f[2]);
                double p90 = Double.parseDouble(f[3]);
                if (n == 0) {
                    base = median;
                }
                System.out.printf(Locale.ROOT, "host with %5d extra mounts (%5s in the caller's mountinfo): sandbox "
                        + "median %6.3f ms  p90 %6.3f ms  (%.2fx the 0-mount median)%n", n, f[1], median, p90, median / base);
            }
        } finally {
            Files.deleteIfExists(dir);
        }
    }

    /** The child: {@code HostGrowth warmup rounds}; prints "host-growth-result MOUNTS MEDIAN_MS P90_MS". */
    public static void main(String[] args) throws IOException {
        int warmup = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        long mounts = Files.readAllLines(Path.of("/proc/self/mountinfo")).size();
        long[] ns = Bench.times(warmup, rounds, Bench::sandboxTrue);
        System.out.printf(Locale.ROOT, "%s %d %.4f %.4f%n", RESULT, mounts, Bench.median(ns), Bench.percentile(ns, 0.9));
    }
}
