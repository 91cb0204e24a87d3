package dev.jns.examples.bench;

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

    /** One block: {@code n} spawns in {@code blockNanos}, the machine's CPU from {@code before} to {@code after}. */
    void add(int n, long blockNanos, MachineCpu before, MachineCpu after) {
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
