package dev.jns.linux.spawn;

/**
 * Picks the command's end out of the launcher's status records: the first EXIT is the command's exact status
 * (an init reports its command's before the launcher reports the init's), and a TIMEOUT before it says the
 * launcher's timeout ended it. Without any EXIT (the launcher was killed) the launcher's own status stands in.
 */
final class ExitCollector {
    private LinuxNsProcess.Exit first;
    private int timeoutSignal;
    private String cgroupRecord;

    void accept(StatusReader.Record r) {
        if (r.kind() == StatusReader.CGROUP) {
            cgroupRecord = r.detail();
        }
        if (first != null) {
            return;
        }
        if (r.kind() == StatusReader.TIMEOUT) {
            timeoutSignal = r.a();
        } else if (r.kind() == StatusReader.EXIT) {
            first = new LinuxNsProcess.Exit(r.a(), r.detail(), timeoutSignal);
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

    /** The command's end, given the launcher's own raw wait status. */
    LinuxNsProcess.Exit result(int launcherRawStatus) {
        return first != null ? first : new LinuxNsProcess.Exit(launcherRawStatus, "", timeoutSignal);
    }
}
