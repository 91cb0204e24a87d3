package dev.jns.linux.spawn;

import dev.jns.Errno;
import dev.jns.NamespaceException;
import dev.jns.linux.ffi.Native;
import dev.jns.linux.ffi.Sys;



/**
 * The JVM's fork server: one launcher started once (argv "--server") that forks a supervisor per spawn, so a
 * spawn costs a small process's fork instead of a posix_spawn and exec from the JVM. Requests go over a
 * SOCK_SEQPACKET socket, the fds with SCM_RIGHTS (docs/launcher-protocol.md, "Fork server").
 *
 * <p>The server clones each supervisor with CLONE_PARENT, so supervisors are the JVM's children: replacing or
 * losing the server never harms a running sandbox. Every wait on the server is bounded ({@link #BOUND_MS}) and
 * interruptible: a server that does not answer in time (stopped, wedged) is killed and replaced, and when no
 * server answers the caller spawns the launcher itself. The server dies with the JVM (lifeline, and
 * PR_SET_PDEATHSIG on the spawner thread).
 *
 * <p>Light requests go to a second socket, where a standby supervisor the server cloned ahead waits for the next
 * one ({@code jns-standby}, the JVM's child too; docs/launcher-protocol.md, "Standbys"): it answers as the server
 * would, with its own pid and pidfd. When a server is replaced, its waiting standby is told to end and is reaped.
 */
final class ForkServer {
    /** How long a request may wait for the server (send and reply), in ms: {@code jns.forkServer.timeoutMs}. */
    static final int BOUND_MS = Integer.getInteger("jns.forkServer.timeoutMs", 1000);
    /**
     * Whether a spawn without namespaces asks for a light supervisor, one that runs in the server's memory
     * instead of a fork of it (the launcher's {@code light.c}): {@code jns.forkServer.light}, true unless
     * {@code false}. A diagnostic switch: false forks every supervisor, as before session 13.
     */
    static final boolean LIGHT = !"false".equals(System.getProperty("jns.forkServer.light"));
    /** The request's version (the launcher's {@code SERVER_VERSION}) and its flag for a light supervisor. */
    private static final int REQUEST_VERSION = 2;
    private static final int REQUEST_LIGHT = 1;
    /** The request flag that ends a waiting standby, which answers with its pid (the launcher's SERVER_QUIT). */
    private static final int REQUEST_QUIT = 2;
    /** The slice in which waits look at the thread's interrupt flag. */
    private static final int SLICE_MS = 50;
    /**
     * How long a request waits for its supervisor's first status record before it waits for the answer
     * ({@link #request}).
     */
    private static final int STATUS_FIRST_MS = 20;
    private static final int EPIPE = 32;
    private static final int ECONNRESET = 104;
    private static final int ENOTCONN = 107;
    private static final int ECONNREFUSED = 111;

    private static ForkServer current;
    /**
     * Whether a server is being started, on the spawner thread. The spawn that asks for a server first does not
     * wait for it: it, and every spawn until the server is up, spawns the launcher itself (a spawn's own cost; the
     * server's start, one exec of the launcher and its first answer, was about 10 ms of a JVM's second spawn).
     */
    private static boolean starting;

    private final int sock;
    /**
     * Our end of the light socket (-1 without one): light requests go there, where a standby supervisor the
     * server cloned ahead waits for the next (the launcher's {@code light.c}), so that a light spawn's way has
     * no wake-up of the server and no clone; other requests go to {@link #sock}.
     */
    private final int lightSock;
    private final int pid;
    private final int pidfd;
    private int users;          // requests using sock: its close(2) waits for the last one
    private final java.util.concurrent.atomic.AtomicLong answers = new java.util.concurrent.atomic.AtomicLong();
    private boolean retired;

    private ForkServer(int sock, int lightSock, int pid, int pidfd) {
        this.sock = sock;
        this.lightSock = lightSock;
        this.pid = pid;
        this.pidfd = pidfd;
    }

    /** The pid of the current server, or -1 (for tests and logs). */
    static synchronized int currentPid() {
        return current == null ? -1 : current.pid;
    }

    /**
     * Thrown when a request was sent and then given up (no answer within the bound): the server was replaced,
     * and the spawn must start over with new fds, because a launcher the old server forked late may hold them.
     */
    static final class Abandoned extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Abandoned() {
            super("fork server request given up", null, false, false);
        }
    }

    /**
     * Starts the launcher through the server; null when no server can be had, or while the server is being
     * started (the caller spawns directly). A JVM's first spawn does not call it (Spawner.serverAskedBefore).
     * Throws a {@link NamespaceException} for a failure of this spawn itself (a bad fd, an interrupt, a fork
     * refused by the kernel), {@link Abandoned} when a sent request got no answer in time.
     */
    static LauncherProc fork(String what, int[] fds, boolean light, int statusFd) {
        ForkServer failed = null;
        for (int attempt = 0; attempt < 2; attempt++) {
            ForkServer s = acquire(failed);
            if (s == null) {
                return null;
            }
            LauncherProc l;
            try {
                l = s.request(what, fds, light, statusFd);
            } catch (Abandoned a) {
                s.release();
                replace(s);
                throw a;
            } catch (RuntimeException | Error e) {
                s.release();
                throw e;
            }
            s.release();
            if (l != null) {
                return l;
            }
            failed = s; // gone before it got the request: the same fds can go to the next one
        }
        return null;
    }

    /** Retires {@code failed} if it still is the current server; the next spawn starts a new one. */
    private static synchronized void replace(ForkServer failed) {
        if (current == failed) {
            current = null;
            failed.retire();
        }
    }

    /**
     * The current server with one more user, or null when there is none yet (its start is then begun, in the
     * background). {@code failed} is retired first.
     */
    private static synchronized ForkServer acquire(ForkServer failed) {
        if (failed != null && current == failed) {
            current = null;
            failed.retire();
        }
        if (current == null) {
            startInBackground();
            return null;
        }
        current.users++;
        return current;
    }

    /** Under the class lock: begins a server's start on the spawner thread, unless one is under way. */
    private static void startInBackground() {
        if (starting) {
            return;
        }
        starting = true;
        Spawner.onSpawnerThread(new Runnable() { // not a lambda: see Spawner.SpawnThread
            @Override
            public void run() {
                startHere();
            }
        });
    }

    /** The spawner thread's task of {@link #startInBackground}. */
    private static void startHere() {
        ForkServer s = null;
        try {
            s = start();
        } catch (RuntimeException e) {
            // the spawner thread must go on (the servers it started die with it): no server, for now
            Logs.FORK_SERVER.debug("no fork server: {}", e.toString());
        } finally {
            synchronized (ForkServer.class) {
                starting = false;
                current = s; // null until now: only this task sets a server
                ForkServer.class.notifyAll();
            }
        }
    }

    /**
     * Waits until no server is being started (for tests that count the JVM's fds and children: a server that
     * comes up in the middle of a count is not a leak).
     */
    static synchronized void awaitStart() throws InterruptedException {
        while (starting) {
            ForkServer.class.wait();
        }
    }

    private void release() {
        boolean close;
        synchronized (ForkServer.class) {
            users--;
            close = retired && users == 0;
        }
        if (close) {
            closeSockets();
        }
    }

    private void closeSockets() {
        Sys.closeQuietly(sock);
        Sys.closeQuietly(lightSock);
    }

    /**
     * Under the class lock: kills the server (it harms no sandbox) and reaps it, then ends its waiting standby;
     * the sockets close with the last user.
     */
    private void retire() {
        retired = true;
        Sys.tryPidfdSignal(pidfd, Native.SIGKILL);
        Sys.waitpid(pid); // SIGKILL ends even a stopped process at once
        Sys.closeQuietly(pidfd);
        quitStandby();
        if (users == 0) {
            closeSockets();
        }
    }

    /**
     * Ends the standby that waits on the light socket, if one does: it is the JVM's child, and only the JVM can
     * reap it, by the pid it answers with (on the reaper thread, as an abandoned request's late supervisor). The
     * server is dead by now and makes no other. Without a standby the message stays unread, and the reply socket
     * reads EOF once the light socket is closed.
     */
    private void quitStandby() {
        if (lightSock < 0) {
            return;
        }
        int[] reply;
        try {
            reply = Sys.seqpacketPair("end the fork server's standby", "socketpair");
        } catch (NamespaceException e) {
            Logs.FORK_SERVER.debug("fork server {}: its standby is left to end with the JVM: {}", pid, e.getMessage());
            return;
        }
        int err = FdMessage.send(lightSock, new int[] {REQUEST_VERSION, 1, REQUEST_QUIT}, new int[] {reply[1]},
                Native.MSG_DONTWAIT);
        Sys.closeQuietly(reply[1]);
        if (err != 0) {
            Sys.closeQuietly(reply[0]); // nobody holds the other end: no standby is left
            return;
        }
        abandon(reply[0]);
    }

    /** On the spawner thread: a new server, or null when none can be had. */
    private static ForkServer start() {
        int[] sv;
        try {
            sv = Sys.seqpacketPair("start the jns fork server", "socketpair");
        } catch (NamespaceException e) {
            Logs.FORK_SERVER.debug("no fork server: {}", e.getMessage());
            return null;
        }
        int[] light = {-1, -1};
        if (LIGHT) {
            try {
                light = Sys.seqpacketPair("start the jns fork server", "socketpair for light requests");
            } catch (NamespaceException e) {
                Logs.FORK_SERVER.debug("fork server without standbys: {}", e.getMessage());
            }
        }
        int devNull = Sys.tryOpen("/dev/null", Native.O_RDWR, 0);
        if (devNull < 0) {
            Logs.FORK_SERVER.debug("no fork server: open /dev/null: {}", Errno.name(-devNull));
            for (int fd : new int[] {sv[0], sv[1], light[0], light[1]}) {
                Sys.closeQuietly(fd);
            }
            return null;
        }
        try {
            int pid = Spawner.spawnServer(new int[] {devNull, devNull, devNull, sv[1], devNull}, light[1]);
            int pidfd = Sys.tryPidfdOpen(pid);
            Logs.FORK_SERVER.debug("started the jns fork server, pid {}", pid);
            return new ForkServer(Sys.moveAtOrAbove(sv[0], 3), light[0] < 0 ? -1 : Sys.moveAtOrAbove(light[0], 3),
                    pid, pidfd);
        } catch (NamespaceException e) {
            Logs.FORK_SERVER.debug("no fork server: {}", e.getMessage());
            Sys.closeQuietly(sv[0]);
            Sys.closeQuietly(light[0]);
            return null;
        } finally {
            Sys.closeQuietly(sv[1]);
            Sys.closeQuietly(light[1]);
            Sys.closeQuietly(devNull);
        }
    }

    /** Outcomes of a bounded wait. */
    private enum Wait { READY, TIMED_OUT, INTERRUPTED }

    /**
     * Waits until {@code fd} has {@code events}, looking at interrupts. A server is given up only when it is stuck:
     * it answered nobody for {@link #BOUND_MS} and is stopped (or has answered nobody for five bounds). A busy
     * server (other requests are being answered, many threads spawn at once on a loaded machine) is waited for:
     * replacing it would not make it faster, and killing it between a clone and its answer would leave a
     * supervisor behind.
     */
    private Wait await(int fd, short events, long start) {
        long seen = answers.get();
        long deadline = start + BOUND_MS * 1_000_000L;
        while (true) {
            if (Thread.currentThread().isInterrupted()) {
                return Wait.INTERRUPTED;
            }
            long now = System.nanoTime();
            long left = (deadline - now) / 1_000_000;
            if (left <= 0) {
                long a = answers.get();
                boolean progress = a != seen;
                seen = a;
                boolean stopped = stopped();
                if (!progress && (stopped || now - start > 5L * BOUND_MS * 1_000_000L)) {
                    return Wait.TIMED_OUT;
                }
                deadline = now + BOUND_MS * 1_000_000L;
                continue;
            }
            int r = Sys.pollOne(fd, events, (int) Math.min(left, SLICE_MS));
            if (r != 0) {
                return Wait.READY; // ready, or an error the next call reports
            }
        }
    }

    /** Whether the server process is stopped (SIGSTOP, a debugger) or gone, from /proc/PID/stat. */
    private boolean stopped() {
        String stat = dev.jns.linux.proc.ProcFiles.read("/proc/" + pid + "/stat");
        if (stat == null) {
            return true;
        }
        int close = stat.lastIndexOf(')');
        char state = close >= 0 && close + 2 < stat.length() ? stat.charAt(close + 2) : '?';
        return state == 'T' || state == 't' || state == 'Z' || state == 'X';
    }

    /**
     * One request; null when this server is gone or does not answer in time (the caller tries another).
     * {@code statusFd}: the read end of the spawn's status pipe when the supervisor needs nothing more from this
     * JVM before its first record (its spec is in the pipe already), else -1.
     */
    private LauncherProc request(String what, int[] fds, boolean light, int statusFd) {
        int[] reply = Sys.seqpacketPair(what, "socketpair for the fork server");
        int[] all = java.util.Arrays.copyOf(fds, fds.length + 1);
        all[fds.length] = reply[1];
        long start = System.nanoTime();
        int to = light && lightSock >= 0 ? lightSock : sock;
        int err;
        try {
            while (true) {
                err = FdMessage.send(to, new int[] {REQUEST_VERSION, all.length, light ? REQUEST_LIGHT : 0}, all,
                        Native.MSG_DONTWAIT);
                if (err != Errno.EAGAIN) {
                    break;
                }
                Wait w = await(to, Native.POLLOUT, start);
                if (w == Wait.INTERRUPTED) {
                    Sys.closeQuietly(reply[0]);
                    throw interrupted(what);
                }
                if (w == Wait.TIMED_OUT) {
                    Sys.closeQuietly(reply[0]);
                    Logs.FORK_SERVER.debug("fork server {} is stuck (stopped, or no answer to anyone for {} ms): "
                            + "replacing it", pid, BOUND_MS);
                    return null;
                }
            }
        } finally {
            Sys.closeQuietly(reply[1]);
        }
        if (err == EPIPE || err == ECONNRESET || err == ENOTCONN || err == ECONNREFUSED) {
            Sys.closeQuietly(reply[0]);
            Logs.FORK_SERVER.debug("fork server {} is gone ({}): replacing it", pid, Errno.name(err));
            return null;
        }
        if (err != 0) {
            // not the server's fault: one of this spawn's fds (a handle's, a passFd one) is bad
            Sys.closeQuietly(reply[0]);
            throw NamespaceException.builder(what).step("send the spawn's fds to the fork server").errno(err)
                    .hint(err == Errno.EBADF ? "an fd of this spawn (a joined handle, a passFd descriptor) was closed "
                            + "while the spawn used it" : Hints.forErrno(err)).build();
        }
        if (statusFd >= 0) {
            // The supervisor answers before its first record (a standby answers as it takes the request, the server
            // as its clone of the supervisor returns), and this thread's next wait is for that record, the PID:
            // waiting for the record first, briefly, finds the answer there already, one wake-up of this thread
            // fewer per spawn. Ready or not after STATUS_FIRST_MS, the bounded wait for the answer below follows,
            // with its look at interrupts and at a stuck server.
            Sys.pollOne(statusFd, Native.POLLIN, STATUS_FIRST_MS);
        }
        Wait w = await(reply[0], Native.POLLIN, start);
        if (w != Wait.READY) {
            abandon(reply[0]);
            if (w == Wait.INTERRUPTED) {
                throw interrupted(what);
            }
            Logs.FORK_SERVER.debug("fork server {} is stuck (stopped, or no answer to anyone for {} ms): "
                    + "replacing it, and starting this spawn over", pid, BOUND_MS);
            throw new Abandoned();
        }
        FdMessage.Received r = FdMessage.receive(reply[0], 2);
        answers.incrementAndGet();
        Sys.closeQuietly(reply[0]);
        if (r.words() == null || r.words().length < 2) {
            Sys.closeQuietly(r.fd());
            Logs.FORK_SERVER.debug("fork server {} ended without answering: replacing it, and starting this spawn "
                    + "over", pid);
            throw new Abandoned();
        }
        int sPid = r.words()[0];
        int e = r.words()[1];
        if (sPid <= 0 || r.fd() < 0) {
            Sys.closeQuietly(r.fd());
            if (sPid > 0) {
                Sys.waitpid(sPid); // no pidfd came: reap it (it ends at the spec's EOF) by its pid, ours until then
            }
            int errno = e != 0 ? e : Errno.EINVAL;
            throw NamespaceException.builder(what).step("fork the launcher").errno(errno).hint(Hints.forErrno(errno))
                    .build();
        }
        return new LauncherProc(sPid, r.fd());
    }

    private static NamespaceException interrupted(String what) {
        Thread.currentThread().interrupt();
        return NamespaceException.builder(what).step("wait for the jns fork server").errno(Errno.EINTR).hint(
                "the thread was interrupted before the launcher started; nothing was started").build();
    }

    /**
     * Watches the reply socket of a request given up (timeout, interrupt) on the reaper thread: a supervisor the
     * server still forks for it (it has no spec: it would end by itself) is killed and reaped; a socket the
     * server closed without an answer is closed.
     */
    private static void abandon(int replyFd) {
        Reaper.watch(new Reaper.Watch() {
            @Override
            public int fd() {
                return replyFd;
            }

            @Override
            public boolean readable() {
                FdMessage.Received r = FdMessage.receive(replyFd, 2);
                if (r.words() != null && r.words().length >= 2 && r.words()[0] > 0) {
                    if (r.fd() >= 0) {
                        Sys.tryPidfdSignal(r.fd(), Native.SIGKILL);
                        Sys.closeQuietly(r.fd());
                    }
                    Sys.waitpid(r.words()[0]);
                }
                Sys.closeQuietly(replyFd);
                return false;
            }
        });
    }
}
