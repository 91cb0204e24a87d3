package dev.jns.linux.spawn;

/**
 * Picks the command's end out of the launcher's status records: the first EXIT is the command's exact status
 * (an init reports its command's before the launcher reports the init's), and a TIMEOUT before it says the
 * launcher's timeout ended it. Without any EXIT (the launcher was killed) the launcher's own status stands in.
 */
final class ExitCollector {
    private LinuxNsProcess.Exit first;
    private int timeoutSignal;

    void accept(StatusReader.Record r) {
        if (first != null) {
            return;
        }
        if (r.kind() == StatusReader.TIMEOUT) {
            timeoutSignal = r.a();
        } else if (r.kind() == StatusReader.EXIT) {
            first = new LinuxNsProcess.Exit(r.a(), r.detail(), timeoutSignal);
        }
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
