package dev.jns.examples.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * What the blocks of one kind of spawn in a throughput figure add up to: spawns, their wall time, and the machine's
 * CPU while they ran ({@link MachineCpu}), with whose it was. The kinds' blocks take turns, so that a slower or
 * faster moment of the machine (its virtual CPUs are shared) falls on each kind alike.
 */
final class Tally {
    private int spawns;
    private long nanos;
    private long busyTicks;
    private long allTicks;
    private long jvmTicks;
    private long jitTicks;
    private long reapedTicks;
    private long watchedMicros;

    /**
     * One block: runs each of {@code workers} on a thread of its own ({@code name-i}), all at once, and adds
     * {@code n} spawns in the time until the last has ended, with the machine's CPU meanwhile and that of
     * processes that run through the block ({@code watched}: their CPU microseconds so far; null for none).
     */
    void block(int n, String name, List<Runnable> workers, LongSupplier watched) throws InterruptedException {
        List<Thread> all = new ArrayList<>();
        long watchedBefore = watched == null ? 0 : watched.getAsLong();
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
        long blockNanos = System.nanoTime() - t0;
        MachineCpu after = MachineCpu.now();
        long watchedAfter = watched == null ? 0 : watched.getAsLong();
        spawns += n;
        nanos += blockNanos;
        busyTicks += after.busy - before.busy;
        allTicks += after.all - before.all;
        jvmTicks += after.jvm - before.jvm;
        jitTicks += after.jit - before.jit;
        reapedTicks += after.reaped - before.reaped;
        watchedMicros += watchedAfter - watchedBefore;
    }

    /** Spawns per second over all blocks. */
    double perSecond() {
        return spawns / (nanos / 1e9);
    }

    /** "X ms CPU each, cores N % busy" over all blocks. */
    String cpu() {
        return String.format(Locale.ROOT, "%.2f ms CPU each, cores %.0f %% busy",
                ms(busyTicks), allTicks == 0 ? 0.0 : 100.0 * busyTicks / allTicks);
    }

    /**
     * Whose that CPU was, per spawn: "the JVM A (its JIT compilers B), processes it reaped C, {@code watched} D,
     * the rest E". Processes still unreaped at a block's end count in the next block (a few per block).
     */
    String shares(String watched) {
        double rest = ms(busyTicks - jvmTicks - reapedTicks) - watchedMicros / 1000.0 / spawns;
        return String.format(Locale.ROOT, "the JVM %.2f (its JIT compilers %.2f), processes it reaped %.2f%s, the rest "
                + "%.2f", ms(jvmTicks), ms(jitTicks), ms(reapedTicks),
                watched == null ? "" : String.format(Locale.ROOT, ", %s %.2f", watched, watchedMicros / 1000.0 / spawns),
                rest);
    }

    private double ms(long ticks) {
        return ticks * MachineCpu.MS_PER_TICK / spawns;
    }
}
