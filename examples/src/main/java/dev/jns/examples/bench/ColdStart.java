package dev.jns.examples.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The first spawn of a fresh JVM (the launcher's copy into its memfd, the JNI library's load, jns's classes loaded
 * and interpreted for the first time), each in a JVM of its own started for it. Two kinds, alternating: a JVM that
 * spawns before anything has started SLF4J (whose start, about 30 ms with slf4j-simple here, jns leaves to a thread
 * of its own after the spawn since session 13; until then it came at jns's first log call, inside the spawn), and a
 * JVM whose application started its logging first, as most applications do at their start. The benchmark's own
 * first spawn comes after the benchmark's classes, so these are the figures of the goal. A third kind times the
 * JDK's own first spawn ({@code ProcessBuilder}, no namespaces) the same way: the machine's reference. The fresh JVMs
 * get the benchmark's class path: with Maven's reactor, jns's modules as packaged jars, as users have them. In the
 * first kind, jns's jars are the first jars the JVM opens (the benchmark's classes are a directory before them), so
 * its figure includes the JVM's own start of its jar reading, which an application whose classes come from jars
 * has paid before its first spawn.
 */
final class ColdStart {
    private ColdStart() {
    }

    /**
     * In the fresh JVM: {@code --slf4j-first} starts SLF4J, then one timed sandbox run; {@code --processbuilder}
     * times the JDK's own first spawn of {@code /bin/true} instead (the reference: what any first spawn of a fresh
     * JVM costs here). Prints its nanoseconds.
     */
    public static void main(String[] args) {
        String kind = args.length > 0 ? args[0] : "";
        if (kind.equals("--slf4j-first")) {
            org.slf4j.LoggerFactory.getLogger(ColdStart.class).debug("the application's logging has started");
        }
        long t0 = System.nanoTime();
        if (kind.equals("--processbuilder")) {
            Bench.pb("/bin/true");
        } else {
            Bench.sandboxTrue();
        }
        long t = System.nanoTime() - t0;
        System.out.println(t);
    }

    /** Starts {@code rounds} rounds of three fresh JVMs (the kinds of {@link #main}) and prints the medians. */
    static void report(int rounds) throws IOException, InterruptedException {
        String[] kinds = {"", "--slf4j-first", "--processbuilder"};
        long[][] times = new long[kinds.length][rounds];
        for (int i = 0; i < rounds; i++) {
            for (int k = 0; k < kinds.length; k++) {
                times[k][i] = firstSpawnOfAFreshJvm(kinds[k]);
            }
        }
        double pb = Bench.median(times[2]);
        System.out.printf(Locale.ROOT, "first spawn of a fresh JVM (cold: launcher, JNI library, classes), medians of %d "
                + "JVMs each: %.1f ms with SLF4J not yet started (it starts after the spawn), %.1f ms after the "
                + "application started it  (goal: <= 50); the JDK's ProcessBuilder, /bin/true without namespaces: "
                + "%.1f ms (jns / it: %.2f, %.2f)%n", rounds, Bench.median(times[0]), Bench.median(times[1]), pb,
                Bench.median(times[0]) / pb, Bench.median(times[1]) / pb);
    }

    private static long firstSpawnOfAFreshJvm(String kind) throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), ColdStart.class.getName()));
        if (!kind.isEmpty()) {
            cmd.add(kind);
        }
        Process jvm = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        if (jvm.waitFor() != 0) {
            throw new IllegalStateException("the fresh JVM failed: " + out);
        }
        String[] lines = out.split("\n");
        return Long.parseLong(lines[lines.length - 1].trim());
    }
}
