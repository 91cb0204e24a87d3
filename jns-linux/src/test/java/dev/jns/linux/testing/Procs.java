package dev.jns.linux.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Finds test processes by a unique argument (a "marker"), in any pid namespace, through the host's /proc. */
public final class Procs {
    private Procs() {
    }

    /** A unique duration for sleep: {@code sleep MARKER} runs for about 1000 s and can be found by it. */
    public static String marker() {
        return "1000." + (100000 + ThreadLocalRandom.current().nextInt(900000));
    }

    /** Live (not zombie) processes with {@code marker} as an argument. */
    public static List<Long> withArg(String marker) {
        List<Long> found = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : ds) {
                try {
                    String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
                    if (List.of(cmdline.split("\0")).contains(marker)) {
                        long pid = Long.parseLong(p.getFileName().toString());
                        if (Probe.alive(pid)) {
                            found.add(pid);
                        }
                    }
                } catch (IOException | RuntimeException gone) {
                    // ended meanwhile
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return found;
    }

    /** Waits (polling /proc, up to 10 s) until {@code count} processes with {@code marker} run. */
    public static void awaitRunning(String marker, int count) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (withArg(marker).size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(count + " processes with " + marker + " did not start");
            }
            Thread.onSpinWait();
        }
    }
}
