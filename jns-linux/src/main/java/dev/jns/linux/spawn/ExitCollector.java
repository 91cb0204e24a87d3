package dev.jns.linux.spawn;

import dev.jns.linux.ffi.Native;

/**
 * Picks the command's end out of the launcher's status records: the first EXIT is the command's exact status
 * (an init reports its command's before the launcher reports the init's), and a TIMEOUT before it says the
 * launcher's timeout ended it. When a jns process died instead of reporting (the launcher killed by someone,
 * or the init killed while the command ran) the end is "launcher lost", never a status of the command's. An init
 * marks its record (b = 1), so the first EXIT of a run with an init is known to be the command's or the init's.
 */
final class ExitCollector implements java.util.function.Consumer<StatusReader.Record> {
    private CommandEnd first;
    /** Whether the first EXIT is an init's report of its command (b = 1): then it is the command's status for sure. */
    private boolean firstFromInit;
    private int timeoutSignal;
    private String launcherError;
    private String cgroupRecord;
    /** Whether the launcher's own EXIT (b = 0: its report of its first process) has come: its last record. */
    private boolean launcherReported;

    /**
     * Takes one record. The collector is the status reader's sink itself, not a method reference to this: each
     * reference's call site is linked at its first run, which a JVM's first spawns pay (about a millisecond).
     */
    @Override
    public void accept(StatusReader.Record r) {
        if (r.kind() == StatusReader.CGROUP) {
            cgroupRecord = r.detail();
        }
        if (r.kind() == StatusReader.EXIT && r.b() == 0) {
            launcherReported = true;
        }
        if (r.kind() == StatusReader.ERROR && launcherError == null) {
            launcherError = Step.of(r.a()).label() + ": " + dev.jns.Errno.name(r.b())
                    + (r.detail().isEmpty() ? "" : " (" + r.detail() + ")");
        }
        if (first != null) {
            return;
        }
        if (r.kind() == StatusReader.TIMEOUT) {
            timeoutSignal = r.a();
        } else if (r.kind() == StatusReader.EXIT) {
            first = new CommandEnd(r.a(), r.detail(), timeoutSignal, null);
            firstFromInit = r.b() == 1;
        }
    }

    /** What the sandbox's cgroup counted (the launcher's CGROUP record), or null before it came. */
    String cgroupRecord() {
        return cgroupRecord;
    }

    /**
     * Whether the command's end is known in full: its status, and, for a sandbox with a cgroup ({@code cgroup}),
     * what the cgroup counted (the launcher reports it after the last process of the sandbox has gone).
     */
    boolean settled(boolean cgroup) {
        return first != null && (!cgroup || cgroupRecord != null);
    }

    /** Whether the command's exact status has come. */
    boolean hasExit() {
        return first != null;
    }

    /**
     * Whether the launcher has written its last record: its EXIT of its first process, which it writes once every
     * process of the sandbox is gone (killed and reaped) and, with a cgroup, after the cgroup's CGROUP record.
     */
    boolean launcherReported() {
        return launcherReported;
    }

    /** Whether the command's status came from the init that ran it (not from the launcher, about the init). */
    boolean initReported() {
        return first != null && firstFromInit;
    }

    /**
     * The command's end, given the launcher's own raw wait status. {@code hasInit}: the plan runs the command
     * under jns's init, which reports the command's end itself; {@code killedByUs}: the JVM asked the launcher
     * to kill the sandbox (destroyForcibly, interrupt), which kills that init too.
     */
    CommandEnd result(int launcherRawStatus, int launcherPid, boolean hasInit, boolean killedByUs) {
        if (first == null) {
            String how = launcherError != null ? "failed at " + launcherError
                    : "ended with " + ExitStatus.describe(launcherRawStatus);
            return new CommandEnd(launcherRawStatus, "", timeoutSignal,
                    "the jns launcher (pid " + launcherPid + ") " + how + " before it reported the command's end");
        }
        if (hasInit && !firstFromInit && !killedByUs && timeoutSignal == 0 && !ExitStatus.exited(first.rawStatus())
                && ExitStatus.signal(first.rawStatus()) == Native.SIGKILL) {
            // only the launcher's record of its first process came: the init died before the command's end
            return new CommandEnd(first.rawStatus(), first.rusage(), 0,
                    "jns-init, the sandbox's init under launcher " + launcherPid + ", was killed by signal "
                            + ExitStatus.signal(first.rawStatus()) + " while the command ran");
        }
        return first;
    }
}
