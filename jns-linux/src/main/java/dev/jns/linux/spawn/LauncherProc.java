package dev.jns.linux.spawn;

import dev.jns.linux.ffi.Native;
import dev.jns.linux.ffi.Sys;

/**
 * One launcher (the supervisor S of a spawn): its pid and a pidfd. S is always the JVM's child — spawned
 * directly, or cloned by the fork server with CLONE_PARENT — so the JVM reaps it and gets its exact wait
 * status, and the fork server's fate never reaches it. S stays a zombie until {@link #awaitExit()} reaps it,
 * so its pid cannot be reused before then.
 */
final class LauncherProc {
    /** The signal that makes S kill its whole sandbox (SIG_KILL_SANDBOX in launcher.h: SIGPWR). */
    static final int SIG_KILL_SANDBOX = 30;

    final int pid;
    final int pidfd;
    private boolean reaped;
    private int status;

    LauncherProc(int pid, int pidfd) {
        this.pid = pid;
        this.pidfd = pidfd;
    }

    /** Sends a signal through the pidfd (never to a reused pid). */
    void signal(int sig) {
        Sys.tryPidfdSignal(pidfd, sig);
    }

    /** Tells S to kill every process of its sandbox and end (what destroyForcibly and an interrupt ask). */
    void killSandbox() {
        signal(SIG_KILL_SANDBOX);
    }

    /** Whether S has ended (its pidfd is readable); never blocks. */
    boolean ended() {
        return Sys.pollOne(pidfd, Native.POLLIN, 0) > 0;
    }

    /** Waits for the launcher's end and returns its raw wait status; reaps it once, later calls repeat it. */
    synchronized int awaitExit() {
        if (!reaped) {
            status = Sys.waitpid(pid);
            reaped = true;
        }
        return status;
    }
}
