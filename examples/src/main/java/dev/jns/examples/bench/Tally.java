package dev.jns.examples.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the blocks of one kind of spawn in a throughput figure add up to: spawns, their wall time, and the machine's
 * CPU while they ran ({@link MachineCpu}). The kinds' blocks take turns, so that a slower or faster moment of the
 * machine (its virtual CPUs are shared) falls on each kind alike.
 */
final class Tally {
    private int spawns;
    private long nanos;
    private long busyTicks;
    private long allTicks;

    /**
     * One block: runs each of {@code workers} on a thread of its own ({@code name-i}), all at once, and adds
     * {@code n} spawns in the time until the last has ended, with the machine's CPU meanwhile.
     */
    void block(int n, String name, List<Runnable> workers) throws InterruptedException {
        List<Thread> all = new ArrayList<>();
        MachineCpu before = MachineCpu.now();
        long t0 = System.nanoTime();
        for (int i = 0; i < workers.size(); i++) {
            Thread t = new Thread(workers.get(i), name + "-" + i);
            t.start();
            all.add(t);
        }
        for (Thread t : all) {
            t.join();
        }
        add(n, System.nanoTime() - t0, before, MachineCpu.now());
    }

    private void add(int n, long blockNanos, MachineCpu before, MachineCpu after) {
        spawns += n;
        nanos += blockNanos;
        busyTicks += after.busyTicksSince(before);
        allTicks += after.allTicksSince(before);
    }

    /** Spawns per second over all blocks. */
    double perSecond() {
        return spawns / (nanos / 1e9);
    }

    /** "X ms CPU each, cores N % busy" over all blocks. */
    String cpu() {
        return String.format(Locale.ROOT, "%.2f ms CPU each, cores %.0f %% busy",
                busyTicks * MachineCpu.MS_PER_TICK / spawns, allTicks == 0 ? 0.0 : 100.0 * busyTicks / allTicks);
    }
}
