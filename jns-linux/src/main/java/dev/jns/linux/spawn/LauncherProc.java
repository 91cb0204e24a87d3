package dev.jns.linux.spawn;

import dev.jns.linux.ffi.Native;
import dev.jns.linux.ffi.Sys;

/**
 * One launcher (the supervisor S of a spawn): its pid, a pidfd for signals, and how to learn its end —
 * from the fork server's reply socket when the server forked it, or waitpid when the JVM spawned it.
 */
final class LauncherProc {
    final int pid;
    final int pidfd;
    private final int replyFd;

    LauncherProc(int pid, int pidfd, int replyFd) {
        this.pid = pid;
        this.pidfd = pidfd;
        this.replyFd = replyFd;
    }

    /** Sends a signal through the pidfd (never to a reused pid). */
    void signal(int sig) {
        Sys.tryPidfdSignal(pidfd, sig); // ESRCH: it has ended already, which is what the signal is for
    }

    /** Waits for the launcher's end and returns its raw wait status; closes what is left of it but the pidfd. */
    int awaitExit() {
        if (replyFd < 0) {
            return Sys.waitpid(pid);
        }
        try {
            FdMessage.Received r = FdMessage.receive(replyFd, 1);
            if (r.words() != null && r.words().length == 1) {
                return r.words()[0];
            }
            // no status: the server died (and S with it, by PR_SET_PDEATHSIG) or had no room to track S
            waitForPidfd();
            return Native.SIGKILL;
        } finally {
            Sys.closeQuietly(replyFd);
        }
    }

    private void waitForPidfd() {
        Sys.PollSet p = new Sys.PollSet(1);
        p.set(0, pidfd, Native.POLLIN);
        while (p.poll("wait for the launcher " + pid, "poll its pidfd", 1, -1) == 0) {
            p.set(0, pidfd, Native.POLLIN); // interrupted by a signal: wait again
        }
    }
}
