package dev.jns.examples.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine's CPU time, from the first line of {@code /proc/stat}: what every process of the machine (the JVM,
 * its launchers, the commands, the kernel for all of them) used while the benchmark spawned. With every core
 * busy, spawns per second are the cores' time over the CPU time of one spawn: the busy share says whether the
 * cores or something else (a lock, a hand-off) limited a throughput figure.
 */
final class MachineCpu {
    /** The kernel's clock ticks in /proc/stat (USER_HZ: 100 on every architecture jns runs on). */
    static final double MS_PER_TICK = 10.0;

    private final long busy;
    private final long all;

    private MachineCpu(long busy, long all) {
        this.busy = busy;
        this.all = all;
    }

    /** The ticks so far: busy (all but idle and iowait), and all of them; stolen ticks are neither. */
    static MachineCpu now() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            long all = 0;
            for (int i = 1; i <= 7; i++) { // user nice system idle iowait irq softirq (steal: another machine's)
                long v = Long.parseLong(f[i]);
                all += v;
                if (i != 4 && i != 5) {
                    busy += v;
                }
            }
            return new MachineCpu(busy, all);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Busy ticks since {@code before}. */
    long busyTicksSince(MachineCpu before) {
        return busy - before.busy;
    }

    /** All ticks (busy and idle) since {@code before}. */
    long allTicksSince(MachineCpu before) {
        return all - before.all;
    }
}
