package dev.jns.examples.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The machine's CPU time, from the first line of {@code /proc/stat}: what every process of the machine (the JVM,
 * its launchers, the commands, the kernel for all of them) used while the benchmark spawned. With every core
 * busy, spawns per second are the cores' time over the CPU time of one spawn: the busy share says whether the
 * cores or something else (a lock, a hand-off) limited a throughput figure.
 *
 * <p>Beside it, whose time it was, from {@code /proc/self/stat} and {@code /proc/self/task/*}/stat: the JVM's own
 * threads (and of them its JIT compilers), and the child processes the JVM has reaped (jns's supervisors, which
 * reaped their inits and commands; ProcessBuilder's commands). {@link Tally} adds processes that run through a
 * block (the fork server; the C floors, with the inits and commands they reaped); the rest is the kernel's threads
 * (RCU callbacks, workqueues) and the machine's other processes.
 */
final class MachineCpu {
    /** The kernel's clock ticks in /proc/stat (USER_HZ: 100 on every architecture jns runs on). */
    static final double MS_PER_TICK = 10.0;

    final long busy;
    final long all;
    /** This JVM's threads, live and ended. */
    final long jvm;
    /** Of them, the JIT compiler threads alive now. */
    final long jit;
    /** The JVM's children it has waited for, with what they waited for in turn. */
    final long reaped;

    private MachineCpu(long busy, long all, long jvm, long jit, long reaped) {
        this.busy = busy;
        this.all = all;
        this.jvm = jvm;
        this.jit = jit;
        this.reaped = reaped;
    }

    /** The ticks so far: busy (all but idle and iowait), and all of them (stolen ticks are neither); the JVM's. */
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
            long[] self = times(Path.of("/proc/self/stat"));
            long jit = 0;
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
                for (Path t : tasks) {
                    if (isCompiler(t)) {
                        jit += times(t.resolve("stat"))[0];
                    }
                }
            }
            return new MachineCpu(busy, all, self[0], jit, self[1]);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** HotSpot names its compiler threads "C1 CompilerThread0", "C2 CompilerThread1", cut to 15 bytes. */
    private static boolean isCompiler(Path task) {
        try {
            String comm = Files.readString(task.resolve("comm"));
            return comm.startsWith("C1 Compiler") || comm.startsWith("C2 Compiler");
        } catch (IOException ended) { // ENOENT, or ESRCH from a thread that just ended
            return false;
        }
    }

    /** {utime + stime, cutime + cstime} of a stat file; zeros when the process or thread has ended. */
    private static long[] times(Path stat) {
        String s;
        try {
            s = Files.readString(stat);
        } catch (IOException ended) { // as above
            return new long[2];
        }
        // after "pid (comm) ": state is field 0, utime 11, stime 12, cutime 13, cstime 14 (proc(5))
        String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
        return new long[] {Long.parseLong(f[11]) + Long.parseLong(f[12]), Long.parseLong(f[13]) + Long.parseLong(f[14])};
    }

    /**
     * The CPU microseconds process {@code pid} and the children it reaped have used so far, in whole clock ticks
     * (fine for one long-lived process such as the fork server); 0 once it has ended.
     */
    static long micros(long pid) {
        long[] t = times(Path.of("/proc/" + pid + "/stat"));
        return (long) ((t[0] + t[1]) * MS_PER_TICK * 1000);
    }

    /** The pid of this JVM's child named {@code comm} (as /proc/PID/comm says), or -1. */
    static long childNamed(String comm) {
        return ProcessHandle.current().children().filter(p -> {
            try {
                return Files.readString(Path.of("/proc/" + p.pid() + "/comm")).trim().equals(comm);
            } catch (IOException ended) {
                return false;
            }
        }).mapToLong(ProcessHandle::pid).findFirst().orElse(-1);
    }
}
