package dev.jns.linux.reliability;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One reading of what a JVM that spawns can leak: fds, threads, child processes (zombies apart), mounts,
 * heap after GC, RSS and, when the JVM runs with {@code -XX:NativeMemoryTracking=summary}, NMT's committed
 * total. Read from /proc and jcmd; for the figures of RELIABILITY.md.
 */
record Gauges(int fds, int threads, int children, int zombies, int mounts, long heapKb, long rssKb, long nmtKb) {

    static Gauges read() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        List<Long> kids = childPids();
        int zombies = 0;
        for (long pid : kids) {
            if ("Z".equals(state(pid))) {
                zombies++;
            }
        }
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return new Gauges(count("/proc/self/fd"), count("/proc/self/task"), kids.size(), zombies, lines("/proc/self/mountinfo"),
                heap.getUsed() / 1024, status("VmRSS:"), nmtCommittedKb());
    }

    String growthSince(Gauges before) {
        return String.format("fds %d -> %d, threads %d -> %d, children %d -> %d, zombies %d -> %d, mounts %d -> %d, "
                        + "heap %d -> %d KiB, RSS %d -> %d KiB, NMT committed %s -> %s KiB",
                before.fds, fds, before.threads, threads, before.children, children, before.zombies, zombies, before.mounts,
                mounts, before.heapKb, heapKb, before.rssKb, rssKb, nmt(before.nmtKb), nmt(nmtKb));
    }

    private static String nmt(long kb) {
        return kb < 0 ? "n/a" : Long.toString(kb);
    }

    private static int count(String dir) {
        try (Stream<Path> s = Files.list(Path.of(dir))) {
            return (int) s.count();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int lines(String file) {
        try {
            return Files.readAllLines(Path.of(file)).size();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static long status(String key) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return -1;
    }

    /** The live fork server and its standby supervisor are the JVM's machinery (LeakCheck.children). */
    private static boolean standby(String pid) {
        try {
            return dev.jns.linux.testing.LeakCheck.waitingStandby(Files.readString(Path.of("/proc", pid, "stat")));
        } catch (IOException gone) {
            return false;
        }
    }

    static List<Long> childPids() {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    for (String p : Files.readString(t.resolve("children")).trim().split("\\s+")) {
                        if (!p.isEmpty() && !standby(p)) {
                            out.add(Long.parseLong(p));
                        }
                    }
                } catch (IOException gone) {
                    // the thread ended meanwhile
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    /** Alive and not a zombie (a zombie has ended: a parent that is gone no longer reaps it). */
    static boolean running(long pid) {
        String s = state(pid);
        return !s.equals("gone") && !s.equals("Z") && !s.equals("X");
    }

    static String state(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        } catch (IOException | RuntimeException gone) {
            return "gone";
        }
    }

    private static final Pattern NMT_TOTAL = Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB");

    /** NMT's committed total in KiB, or -1 when NMT is off. */
    static long nmtCommittedKb() {
        boolean on = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .anyMatch(a -> a.startsWith("-XX:NativeMemoryTracking=") && !a.endsWith("=off"));
        if (!on) {
            return -1;
        }
        try {
            Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
            Process p = new ProcessBuilder(jcmd.toString(), Long.toString(ProcessHandle.current().pid()),
                    "VM.native_memory", "summary").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor(30, TimeUnit.SECONDS);
            Matcher m = NMT_TOTAL.matcher(out);
            return m.find() ? Long.parseLong(m.group(2)) : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
