package dev.jns.linux.spawn;

import dev.jns.Errno;
import dev.jns.linux.ffi.Native;
import dev.jns.linux.ffi.Sys;
import dev.jns.spi.RunSupport;
import dev.jns.spi.SpawnSpec;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * {@code Spawn.run} on the caller's thread: poll(2) over the command's stdout and stderr and the launcher's
 * pidfd; the launcher's last status records are read when it has ended. The run ends when the launcher ends — it ends right after the command, once
 * it has killed and reaped every process left in the sandbox — not when the output pipes reach EOF: a process
 * outside the sandbox that holds a copy of a pipe cannot hold {@code run()} up. What the pipes hold then is
 * read without waiting. Polls last at most {@value #SLICE_MS} ms, so that an interrupt is seen within that
 * time; it makes the launcher kill the sandbox.
 *
 * <p>With an init that is PID 1 of a new pid namespace and no cgroup ({@link LaunchPlan#endsWithInit()}) the
 * run ends earlier, at the init's end: the init reports the command's status before it ends, and its end means
 * every process of the sandbox is gone. The launcher still has to notice, reap the init and end (about 1 ms on
 * this project's machine: the namespaces' teardown in the init's exit, then the launcher's own exit); the
 * {@link Reaper} reaps it then, and closes its pidfd and status pipe. Every other run ends at the launcher's last
 * record, its EXIT, which it writes once it has killed and reaped every process of the sandbox (and reported the
 * cgroup's figures): the launcher's own exit (its address space torn down, about half a millisecond here) is the
 * reaper's to wait for, not the run's; for those runs the status pipe is polled too.
 */
final class RunLoop {
    private static final int SLICE_MS = 50;
    /** How long a launcher told to kill its sandbox may take before it is SIGKILLed itself (ms). */
    private static final int KILL_GRACE_MS = 2000;
    /** After the launcher's own timeout should have ended the command: a launcher that did not act (ms). */
    private static final int TIMEOUT_SLACK_MS = 5000;

    private RunLoop() {
    }

    /** A capture of one stream, bounded: past the limit bytes are read and dropped, so the command never blocks. */
    static final class Capture {
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private final long limit;
        private boolean truncated;

        Capture(long limit) {
            this.limit = limit;
        }

        void add(byte[] b, int n) {
            long room = limit - buf.size();
            if (room >= n) {
                buf.write(b, 0, n);
            } else {
                if (room > 0) {
                    buf.write(b, 0, (int) room);
                }
                truncated = true;
            }
        }

        boolean truncated() {
            return truncated;
        }

        String text() {
            return buf.toString(StandardCharsets.UTF_8);
        }
    }

    static Spawner.Collected collect(Spawner.Launched l, SpawnSpec spec, long captureLimit) {
        ExitCollector exits = new ExitCollector();
        Capture out = new Capture(captureLimit);
        Capture err = new Capture(captureLimit);
        Sys.closeQuietly(l.ours[0]); // run() gives no stdin: the command sees EOF
        boolean early = l.plan.endsWithInit();
        boolean statusPolled = !early; // the run ends at the launcher's last record (see the class comment)
        int[] fds = {l.ours[1], l.ours[2], l.statusFd, l.launcher.pidfd, early ? l.childPidfd : -1};
        Capture[] sinks = {out, err, null, null, null};
        boolean handedOff = false;
        int[] slotOf = new int[fds.length];
        OutputScratch scratch = OutputScratch.take();
        Sys.PollSet pfds = scratch.polls;
        boolean interrupted = false;
        boolean killed = false;
        long killDeadline = Long.MAX_VALUE;
        java.time.Duration limit = spec.sandbox().timeout();
        long timeoutDeadline = limit == null ? Long.MAX_VALUE
                : System.nanoTime() + (limit.toMillis() + graceMs(spec) + TIMEOUT_SLACK_MS) * 1_000_000L;
        int raw;
        try {
            while (true) {
                int n = 0;
                for (int i = 0; i < fds.length; i++) {
                    // The status (i == 2) only for a run that ends at the launcher's last record: after STARTED the
                    // launcher writes only its last records there (TIMEOUT, CGROUP, EXIT: a few hundred bytes, far
                    // below a pipe's capacity). A run that ends at its init's end reads them once the init's pidfd
                    // says so: polling them too would cost a wake-up per run (the init's EXIT, then its end).
                    if (fds[i] >= 0 && (i != 2 || statusPolled)) {
                        pfds.set(n, fds[i], Native.POLLIN);
                        slotOf[n++] = i;
                    }
                }
                int ready = pfds.poll(spec.describe(), "poll the command's output", n, SLICE_MS);
                long now = System.nanoTime();
                if (!killed && (Thread.interrupted() || now > timeoutDeadline)) {
                    interrupted = now <= timeoutDeadline;
                    killed = true;
                    l.launcher.killSandbox();
                    killDeadline = now + KILL_GRACE_MS * 1_000_000L;
                }
                if (now > killDeadline) {
                    killDeadline = Long.MAX_VALUE;
                    l.launcher.signal(Native.SIGKILL); // it does not act (stopped?): its first process dies with it
                }
                boolean launcherEnded = false;
                boolean initEnded = false;
                for (int k = 0; ready > 0 && k < n; k++) {
                    if (pfds.revents(k) == 0) {
                        continue;
                    }
                    int i = slotOf[k];
                    if (i == 3) {
                        launcherEnded = true;
                        continue;
                    }
                    if (i == 4) {
                        initEnded = true;
                        fds[4] = -1; // not polled again: readable from now on
                        continue;
                    }
                    if (i == 2) {
                        // one read (poll said it would not block); at EOF the launcher has ended: its pidfd says
                        // so too, and the records left are read there
                        statusPolled = l.status.readAvailable(exits);
                        continue;
                    }
                    boolean open = drain(fds[i], scratch, sinks[i]);
                    if (!open) {
                        Sys.closeQuietly(fds[i]);
                        fds[i] = -1;
                    }
                }
                if (initEnded && !launcherEnded && !killed) {
                    // the init wrote the command's EXIT before it ended: the records are in the pipe now (no report:
                    // the init died before its command; the launcher's end says the rest)
                    l.status.readRemaining(exits);
                }
                // Every process of the sandbox is gone once the init that reported its command has ended (an init's
                // records are read only then), or once the launcher's last record has come: what they wrote is in
                // the pipes already, and the launcher's own end is the reaper's to wait for.
                if ((early ? exits.initReported() : exits.launcherReported()) && !launcherEnded && !killed) {
                    raw = 0; // unused: the command's status came
                    for (int i = 0; i < 2; i++) {
                        finalDrain(fds, i, scratch, sinks[i], l, exits);
                    }
                    handOff(l);
                    handedOff = true;
                    break;
                }
                if (launcherEnded) {
                    // every process of the sandbox is gone: what they wrote is in the pipes already
                    raw = l.launcher.awaitExit();
                    Spawner.awaitFirstProcess(l.childPidfd);
                    for (int i = 0; i < 3; i++) {
                        finalDrain(fds, i, scratch, sinks[i], l, exits);
                    }
                    break;
                }
            }
        } finally {
            scratch.close();
            for (int i = 0; i < (handedOff ? 2 : 3); i++) {
                Sys.closeQuietly(fds[i]);
            }
            if (handedOff) {
                Sys.closeQuietly(l.childPidfd);
            } else {
                closeLauncher(l, exits);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
            throw RunSupport.interrupted(spec);
        }
        CommandEnd exit = exits.result(raw, l.launcher.pid, l.plan.hasInit(), killed);
        return new Spawner.Collected(exit, out.text(), err.text(), out.truncated() || err.truncated(),
                l.plan.cgroupUsage(exits.cgroupRecord()));
    }

    /** The launcher, its pidfd and the first process's: ended (killed when this loop failed), reaped, closed. */
    private static void closeLauncher(Spawner.Launched l, ExitCollector exits) {
        if (!l.launcher.ended()) {
            // this loop failed: nothing may outlive it
            l.launcher.killSandbox();
            if (!Spawner.awaitEnd(l.launcher, KILL_GRACE_MS)) {
                l.launcher.signal(Native.SIGKILL);
            }
        }
        l.launcher.awaitExit();
        Sys.closeQuietly(l.launcher.pidfd);
        Sys.closeQuietly(l.childPidfd);
        if (l.plan.cgroup != null && exits.cgroupRecord() == null) {
            l.plan.cgroup.removeLeftovers(); // the launcher did not get to it
        }
    }

    /**
     * The launcher of a run that ended at its init's end, for the {@link Reaper}: it reaps the launcher when it
     * ends, then closes its pidfd and the status pipe (open until then, so that the launcher's last write does
     * not fail).
     */
    private static void handOff(Spawner.Launched l) {
        LauncherProc launcher = l.launcher;
        int statusFd = l.statusFd;
        Reaper.watch(new Reaper.Watch() {
            @Override
            public int fd() {
                return launcher.pidfd;
            }

            @Override
            public boolean readable() {
                launcher.awaitExit(); // it has ended: no wait
                Sys.closeQuietly(launcher.pidfd);
                Sys.closeQuietly(statusFd);
                return false;
            }
        });
    }

    private static long graceMs(SpawnSpec spec) {
        return spec.sandbox().killGrace() == null ? 0 : spec.sandbox().killGrace().toMillis();
    }

    /** Reads what {@code fds[i]} holds without waiting (its writers are gone, or outside the sandbox), to EOF. */
    private static void finalDrain(int[] fds, int i, OutputScratch buf, Capture sink, Spawner.Launched l, ExitCollector exits) {
        if (i == 2 && fds[i] >= 0) {
            l.status.readRemaining(exits);
            Sys.closeQuietly(fds[i]);
            fds[i] = -1;
            return;
        }
        while (fds[i] >= 0) {
            int revents = Sys.pollOne(fds[i], Native.POLLIN, 0);
            boolean open = (revents & (Native.POLLIN | Native.POLLHUP | Native.POLLERR)) != 0 && drain(fds[i], buf, sink);
            if (!open || revents == 0) {
                Sys.closeQuietly(fds[i]);
                fds[i] = -1;
            }
        }
    }

    /** One read of a readable pipe into {@code sink}; false at EOF or on an error that ends the stream. */
    private static boolean drain(int fd, OutputScratch buf, Capture sink) {
        int n = buf.read(fd);
        if (n > 0) {
            sink.add(buf.bytes, n);
            return true;
        }
        return n == -Errno.EAGAIN;
    }
}
