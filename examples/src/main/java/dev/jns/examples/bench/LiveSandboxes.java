package dev.jns.examples.bench;

import dev.jns.NsProcess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Many sandboxes alive at once ({@code sleep} in each): the memory each costs and the spawn latency beside
 * them. Per sandbox, jns runs a supervisor (the launcher, forked from the fork server) and an init (PID 1 of
 * the new pid namespace, since session 10 in the supervisor's address space, which the report says); their resident memory is read from {@code /proc/PID/status} (VmRSS: every page
 * mapped, shared ones whole) and {@code /proc/PID/smaps_rollup} (Pss: shared pages divided among the
 * processes that share them, the fairer figure for a static binary forked many times). Every process is ended
 * at the end ({@link NsProcess#close()}), and the report says whether any survived.
 */
final class LiveSandboxes {
    private LiveSandboxes() {
    }

    /** Starts {@code count} sandboxes, measures, closes them all; prints a few lines. */
    static void report(int count, int warmup, int rounds) throws IOException {
        long[] idle = Bench.times(warmup, rounds, Bench::sandboxTrue);
        long fdsBefore = fds();
        List<NsProcess> alive = new ArrayList<>(count);
        try {
            long[] starts = new long[count];
            for (int i = 0; i < count; i++) {
                long t0 = System.nanoTime();
                alive.add(Bench.sandbox().start("/bin/sleep", "3600"));
                starts[i] = System.nanoTime() - t0;
            }
            // a fraction: integer division rounded a count a little under 6 per sandbox down to 5
            double fdsPer = (fds() - fdsBefore) / (double) count;
            Memory supervisor = new Memory();
            Memory init = new Memory();
            Memory command = new Memory();
            Set<Long> supervisors = new HashSet<>();
            int sharing = 0;
            for (NsProcess p : alive) {
                ProcessHandle first = p.toHandle();
                init.add(first.pid());
                Optional<ProcessHandle> parent = first.parent();
                if (parent.isPresent()) {
                    supervisor.add(parent.get().pid());
                    supervisors.add(parent.get().pid());
                    sharing += sameAddressSpace(first.pid(), parent.get().pid()) ? 1 : 0;
                }
                children(first.pid()).forEach(command::add);
            }
            long[] busy = Bench.times(warmup, rounds, Bench::sandboxTrue);
            System.out.printf(Locale.ROOT, "%d sandboxes alive (sleep in each; started in %.1f s, start median %.3f ms); per sandbox "
                    + "supervisor (%s) + init (%s): VmRSS %s + %s kB, Pss %s + %s kB; the command itself (%s): VmRSS %s kB, "
                    + "Pss %s kB; %.2f fds in the JVM per live sandbox%n", count, Arrays.stream(starts).sum() / 1e9, Bench.median(starts), supervisor.name,
                    init.name, supervisor.rss(), init.rss(), supervisor.pss(), init.pss(), command.name, command.rss(),
                    command.pss(), fdsPer);
            if (sharing > 0) {
                // the same pages seen from two processes: once per sandbox, not twice
                System.out.printf(Locale.ROOT, "  the init runs in its supervisor's address space in %d of %d sandboxes: there "
                        + "the two figures are the same pages (per sandbox VmRSS %s kB, Pss %s kB, not their sums)%n", sharing,
                        alive.size(), supervisor.rss(), supervisor.pss());
            }
            // the supervisors are the JVM's children (the fork server clones them with CLONE_PARENT); the JVM's
            // other children are the fork server, shared by all, and its standby supervisor, which waits for the
            // next light spawn (none while all 64 of the server's regions are in use)
            ProcessHandle.current().children().filter(c -> !supervisors.contains(c.pid())).forEach(c -> {
                Memory m = new Memory();
                m.add(c.pid());
                System.out.printf("  shared by all: the JVM's other child %s (pid %d, %s) VmRSS %s kB, Pss %s kB%n",
                        m.name, c.pid(), "jns-standby".equals(m.name) ? "the fork server's standby supervisor"
                                : "the fork server", m.rss(), m.pss());
            });
            System.out.printf(Locale.ROOT, "  sandbox spawn median with them alive %.3f ms (p90 %.3f), before %.3f ms "
                    + "(p90 %.3f): %.2fx%n", Bench.median(busy), Bench.percentile(busy, 0.9), Bench.median(idle),
                    Bench.percentile(idle, 0.9), Bench.median(busy) / Bench.median(idle));
        } finally {
            long t0 = System.nanoTime();
            for (NsProcess p : alive) {
                p.close();
            }
            long left = alive.stream().filter(Process::isAlive).count();
            System.out.printf(Locale.ROOT, "  closed all %d in %.0f ms; still alive: %d%n", alive.size(),
                    (System.nanoTime() - t0) / 1e6, left);
        }
    }

    /**
     * The children of {@code pid}, from {@code /proc/PID/task/PID/children} (one small read; {@code
     * ProcessHandle.children()} scans all of /proc, which for thousands of processes takes minutes).
     */
    private static List<Long> children(long pid) {
        try {
            String list = Files.readString(Path.of("/proc", Long.toString(pid), "task", Long.toString(pid), "children"));
            return Stream.of(list.trim().split("\\s+")).filter(t -> !t.isEmpty()).map(Long::valueOf).toList();
        } catch (IOException e) {
            return ProcessHandle.of(pid).stream().flatMap(ProcessHandle::children).map(ProcessHandle::pid).toList();
        }
    }

    /**
     * Whether two processes look at one address space: their {@code smaps_rollup} (the sums over the address
     * space's mappings) read alike, which a fork's copy does not once either has written a page of its own.
     */
    private static boolean sameAddressSpace(long a, long b) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(a), "smaps_rollup"))
                    .equals(Files.readString(Path.of("/proc", Long.toString(b), "smaps_rollup")));
        } catch (IOException e) {
            return false;
        }
    }

    private static long fds() throws IOException {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    /** VmRSS and Pss summed over processes, in kB; its name is the first process's comm. */
    private static final class Memory {
        private long rssKb;
        private long pssKb;
        private int processes;
        private int unreadable;
        private String name = "none";

        void add(long pid) {
            try {
                Path proc = Path.of("/proc", Long.toString(pid));
                if (processes == 0) {
                    name = Files.readString(proc.resolve("comm")).strip();
                }
                rssKb += kb(proc.resolve("status"), "VmRSS:");
                pssKb += kb(proc.resolve("smaps_rollup"), "Pss:");
                processes++;
            } catch (IOException | RuntimeException e) {
                unreadable++;
            }
        }

        String rss() {
            return processes == 0 ? "?" : String.format(Locale.ROOT, "%.0f", (double) rssKb / processes);
        }

        String pss() {
            return processes == 0 ? "?" : String.format(Locale.ROOT, "%.0f", (double) pssKb / processes)
                    + (unreadable > 0 ? " (" + unreadable + " unreadable)" : "");
        }

        private static long kb(Path file, String key) throws IOException {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(key)) {
                    return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
                }
            }
            throw new IOException(key + " not in " + file);
        }
    }
}
