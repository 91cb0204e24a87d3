package dev.jns.linux.spawn;

import dev.jns.NamespaceType;
import dev.jns.Outcome;
import dev.jns.linux.ffi.Native;

import java.time.Duration;
import java.util.Map;

/**
 * How a command ended, as the launcher reported it: the raw wait status and rusage of its end, {@code timeoutSignal}
 * the last signal the launcher's timeout sent (0 if none), {@code lost} which jns process died instead of reporting
 * the command's end (then rawStatus is that process's), else null. Its own file, not nested in
 * {@link LinuxNsProcess}: a {@code run()} needs this and not that class.
 */
record CommandEnd(int rawStatus, String rusage, int timeoutSignal, String lost) {

    /** The exit code as Process reports it: the command's, 128 + signal, or -1 when the end is unknown. */
    int code() {
        return lost != null ? -1 : ExitStatus.code(rawStatus);
    }

    /**
     * The outcome of this end, in the namespaces {@code namespaceIds}, the sandbox's cgroup having counted
     * {@code usage} (null without one). A SIGKILL while the OOM killer killed in the sandbox is
     * {@link Outcome.Kind#OOM_KILLED}.
     */
    Outcome outcome(Map<NamespaceType, Long> namespaceIds, Outcome.CgroupUsage usage) {
        if (lost != null) {
            return new Outcome(Outcome.Kind.LAUNCHER_LOST, -1, 0, lost, 0, Duration.ZERO, Duration.ZERO, 0,
                    namespaceIds, usage);
        }
        boolean exited = ExitStatus.exited(rawStatus);
        Outcome.Kind kind = timeoutSignal != 0 ? Outcome.Kind.TIMED_OUT
                : exited ? Outcome.Kind.EXITED : Outcome.Kind.SIGNALED;
        if (kind == Outcome.Kind.SIGNALED && ExitStatus.signal(rawStatus) == Native.SIGKILL && usage != null
                && usage.oomKilled()) {
            kind = Outcome.Kind.OOM_KILLED;
        }
        long[] ru = parseRusage(rusage);
        return new Outcome(kind, ExitStatus.code(rawStatus), exited ? 0 : ExitStatus.signal(rawStatus), null, 0,
                Duration.ofNanos(ru[0] * 1000), Duration.ofNanos(ru[1] * 1000), ru[2], namespaceIds, usage);
    }

    /** User and system µs and max RSS from the launcher's "utime stime maxrss"; 0 for what is missing. */
    private static long[] parseRusage(String s) {
        long[] r = new long[3];
        String[] f = s.trim().split(" ");
        for (int i = 0; i < 3 && i < f.length; i++) {
            try {
                r[i] = Long.parseLong(f[i]);
            } catch (NumberFormatException ignored) {
                // unknown: stays 0
            }
        }
        return r;
    }
}
