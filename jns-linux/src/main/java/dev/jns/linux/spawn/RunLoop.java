package dev.jns.linux.spawn;

import dev.jns.Errno;
import dev.jns.linux.ffi.Native;
import dev.jns.linux.ffi.Sys;
import dev.jns.spi.RunSupport;
import dev.jns.spi.SpawnSpec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code Spawn.run} on one thread: poll(2) over the command's stdout and stderr and the launcher's status
 * until all three reach EOF, then reap the launcher. The 250 ms poll timeout only serves to notice an
 * interrupt, which kills the sandbox.
 */
final class RunLoop {
    private static final int POLL_TIMEOUT_MS = 250;

    private RunLoop() {
    }

    static Spawner.Collected collect(Spawner.Launched l, SpawnSpec spec) {
        ExitCollector exits = new ExitCollector();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Sys.closeQuietly(l.ours[0]); // run() gives no stdin: the command sees EOF
        int[] fds = {l.ours[1], l.ours[2], l.statusFd};
        ByteArrayOutputStream[] sinks = {out, err, null};
        Sys.PollSet pfds = new Sys.PollSet(fds.length);
        int[] slotOf = new int[fds.length];
        byte[] buf = new byte[64 * 1024];
        boolean interrupted = false;
        int raw = -1;
        boolean reapLater = false;
        try {
            while (fds[0] >= 0 || fds[1] >= 0 || fds[2] >= 0) {
                if (fds[0] < 0 && fds[1] < 0 && exits.hasExit()) {
                    // the command has ended and its output is complete: the launcher and init only tidy up
                    // now; reap them off this thread
                    reapLater = true;
                    break;
                }
                int n = 0;
                for (int i = 0; i < fds.length; i++) {
                    if (fds[i] >= 0) {
                        pfds.set(n, fds[i], Native.POLLIN);
                        slotOf[n++] = i;
                    }
                }
                int ready = pfds.poll(spec.describe(), "poll the command's output", n, POLL_TIMEOUT_MS);
                if (Thread.interrupted() && !interrupted) {
                    interrupted = true;
                    l.launcher.signal(Native.SIGKILL); // the sandbox dies with its launcher
                }
                for (int k = 0; ready > 0 && k < n; k++) {
                    if (pfds.revents(k) == 0) {
                        continue;
                    }
                    int i = slotOf[k];
                    boolean open = i == 2 ? l.status.readAvailable(exits::accept) : drain(fds[i], buf, sinks[i]);
                    if (!open) {
                        Sys.closeQuietly(fds[i]);
                        fds[i] = -1;
                    }
                }
            }
            if (!reapLater) {
                raw = l.launcher.awaitExit();
            }
        } finally {
            Sys.closeQuietly(fds[0]);
            Sys.closeQuietly(fds[1]);
            if (raw == -1) {
                // not reaped here: the command has ended (the launcher only tidies up), or this loop failed
                if (!reapLater) {
                    l.launcher.signal(Native.SIGKILL);
                }
                reapInBackground(l, fds[2]);
            } else {
                Sys.closeQuietly(fds[2]);
                Sys.closeQuietly(l.launcher.pidfd);
            }
            Sys.closeQuietly(l.childPidfd);
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            throw RunSupport.interrupted(spec);
        }
        return new Spawner.Collected(exits.result(raw), out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8));
    }

    /** Reads the launcher's last records and reaps it, on a reaper thread. */
    private static void reapInBackground(Spawner.Launched l, int statusFd) {
        Spawner.REAPERS.execute(() -> {
            try {
                while (l.status.next() != null) {
                    // what comes after the command's end tells nothing new
                }
            } catch (RuntimeException e) {
                // a torn record after the command's end changes nothing
            } finally {
                Sys.closeQuietly(statusFd);
            }
            l.launcher.awaitExit();
            Sys.closeQuietly(l.launcher.pidfd);
        });
    }

    /** One read of a readable pipe into {@code sink}; false at EOF or on an error that ends the stream. */
    private static boolean drain(int fd, byte[] buf, ByteArrayOutputStream sink) {
        int n = Sys.tryRead(fd, buf, buf.length);
        if (n > 0) {
            sink.write(buf, 0, n);
            return true;
        }
        return n == -Errno.EAGAIN;
    }
}
