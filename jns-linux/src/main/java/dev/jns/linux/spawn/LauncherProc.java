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
        Sys.pidfdSignal(pidfd, sig);
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
        jnr.ffi.Pointer p = jnr.ffi.Memory.allocateDirect(Native.RUNTIME, 8, true);
        p.putInt(0, pidfd);
        p.putShort(4, Native.POLLIN);
        Native.C.poll(p, 1, -1);
    }
}
