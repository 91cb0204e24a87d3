package dev.jns.examples.bench;

import dev.jns.Namespaces;
import dev.jns.Spawn;

import java.io.IOException;
import java.util.Arrays;

/** What the benchmark's parts share: the spawns they time, a stopwatch, medians and percentiles. */
final class Bench {
    private Bench() {
    }

    /**
     * The pause before each timed spawn of interleaved rounds. A spawn's returning is not the end of its work: jns's
     * supervisor exits after run() has returned (the reaper reaps it), ProcessBuilder's reaper thread reaps after
     * waitFor() has returned, and the kernel tears down what ended. Back to back, that work would land on the next
     * variant's spawn in the round (on two cores) and flatter whichever variant came before it; after a pause each
     * spawn starts on a quiet machine. The throughput figures have no pause: there all of it counts.
     */
    static final long PAUSE_NANOS = 3_000_000;

    /** jns's default sandbox of the benchmark: new user (root mapped), pid, mount (+ /proc), uts and ipc. */
    static Spawn sandbox() {
        return Namespaces.spawn().newUser().mapRootUser().newPid().mountProc().newUts().newIpc();
    }

    /** One run of {@code /bin/true} in {@link #sandbox()}. */
    static void sandboxTrue() {
        check(sandbox().run("/bin/true").exitCode());
    }

    /** One run of {@code /bin/true} by jns without namespaces (the launcher's own cost). */
    static void plainTrue() {
        check(Namespaces.spawn().run("/bin/true").exitCode());
    }

    /** The JDK's way: start, close stdin, read stdout and stderr to the end, wait. */
    static void pb(String... cmd) {
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

    static void check(int code) {
        if (code != 0) {
            throw new IllegalStateException("exit code " + code);
        }
    }

    /** Nanoseconds {@code r} took. */
    static long timed(Runnable r) {
        long t0 = System.nanoTime();
        r.run();
        return System.nanoTime() - t0;
    }

    /** {@code rounds} timings of {@code r} after {@code warmup} untimed calls, in nanoseconds. */
    static long[] times(int warmup, int rounds, Runnable r) {
        for (int i = 0; i < warmup; i++) {
            r.run();
        }
        long[] ns = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            ns[i] = timed(r);
        }
        return ns;
    }

    /** The median, in milliseconds. */
    static double median(long[] ns) {
        return percentile(ns, 0.5);
    }

    /** The {@code q} quantile (0..1), in milliseconds. */
    static double percentile(long[] ns, double q) {
        long[] c = ns.clone();
        Arrays.sort(c);
        return c[(int) Math.min(c.length - 1, Math.floor(q * c.length))] / 1e6;
    }
}
