package dev.jns.examples.bench;

import dev.jns.Namespaces;
import dev.jns.NsProcess;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Spawn latency as the host's mount table grows: a new mount namespace copies every mount of the caller's.
 *
 * <p>For each count N, jns starts {@code hostmounts} (a small C program, {@code hostmounts.c}) in a new user
 * (root mapped) + mount namespace; it makes N tmpfs mounts there and execs a child JVM running {@link #main}.
 * The children live side by side and take turns, as the main benchmark's variants do: per round the parent
 * asks each child for one {@link Bench#sandbox()} spawn of {@code /bin/true}, which the child times and
 * answers, so machine noise hits every N alike; before each request the parent waits {@link Bench#PAUSE_NANOS} and
 * as long as the last spawn took, so that no spawn pays for the teardown of the one before. Works rootless; the mounts vanish with each child's namespace.
 * N = 0 is the baseline of the same nesting (a sandbox spawned by a JVM that itself runs in a user namespace).
 */
final class HostGrowth {
    private HostGrowth() {
    }

    /** One child JVM, N mounts deep, that times one spawn per request. */
    private record Child(int mounts, String mountinfo, NsProcess process, OutputStream requests, BufferedReader replies) {
        long once() {
            try {
                requests.write('s');
                requests.write('\n');
                requests.flush();
                String line = replies.readLine();
                if (line == null) {
                    throw new IllegalStateException("the child with " + mounts + " mounts ended (see its message above)");
                }
                return Long.parseLong(line.trim());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
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
        List<Child> children = new ArrayList<>();
        try {
            for (int n : counts) {
                children.add(child(helper.get(), dir, n));
            }
            long[][] ns = new long[children.size()][rounds];
            long last = 0;
            for (int i = 0; i < warmup + rounds; i++) {
                for (int c = 0; c < children.size(); c++) {
                    // the pause of the main rounds, and as long again as the last spawn took: a namespace with N
                    // mounts is torn down after run() returns, at about the cost of its copy, and without the wait
                    // that landed on the next child's spawn (the 0-mount one, after the 5,000: 1.6x the 50-mount one)
                    LockSupport.parkNanos(Bench.PAUSE_NANOS + last);
                    long t = children.get(c).once();
                    last = t;
                    if (i >= warmup) {
                        ns[c][i - warmup] = t;
                    }
                }
            }
            System.out.printf("sandbox spawn as the caller's mount table grows, %d interleaved rounds after %d:%n", rounds, warmup);
            double base = Bench.median(ns[0]);
            for (int c = 0; c < children.size(); c++) {
                Child ch = children.get(c);
                System.out.printf(Locale.ROOT, "  %5d extra mounts (%5s lines in its mountinfo): median %6.3f ms  p90 %6.3f ms"
                        + "  (%.2fx the %d-mount median)%n", ch.mounts(), ch.mountinfo(), Bench.median(ns[c]),
                        Bench.percentile(ns[c], 0.9), Bench.median(ns[c]) / base, counts[0]);
            }
        } finally {
            for (Child c : children) {
                c.requests().close(); // EOF: the child ends
                c.process().waitFor(30, TimeUnit.SECONDS);
                c.process().close(); // and SIGKILL when it has not ended by then
            }
            Files.deleteIfExists(dir);
        }
    }

    private static Child child(Path helper, Path dir, int n) throws IOException {
        NsProcess p = Namespaces.spawn().newUser().mapRootUser().newMount().redirectError(Redirect.INHERIT)
                .start(helper.toString(), dir.toString(), Integer.toString(n),
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "--enable-native-access=ALL-UNNAMED", "-XX:+UseSerialGC",
                        "-cp", System.getProperty("java.class.path"), HostGrowth.class.getName());
        BufferedReader replies = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII));
        String ready = replies.readLine();
        if (ready == null) {
            p.close();
            throw new IllegalStateException("the child with " + n + " mounts ended before it was ready (see above)");
        }
        return new Child(n, ready.trim(), p, p.getOutputStream(), replies);
    }

    /**
     * The child: prints the number of lines in its mountinfo, then for each line on stdin times one sandbox
     * spawn and prints the nanoseconds; ends at EOF.
     */
    public static void main(String[] args) throws IOException {
        System.out.println(Files.readAllLines(Path.of("/proc/self/mountinfo")).size());
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        while (in.readLine() != null) {
            System.out.println(Bench.timed(Bench::sandboxTrue));
            System.out.flush();
        }
    }
}
