package dev.jns.linux.spawn;

import dev.jns.Errno;
import dev.jns.NamespaceException;
import dev.jns.linux.ffi.Native;
import dev.jns.linux.ffi.Sys;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * The JVM's fork server: one launcher started once (argv "--server") that forks a supervisor per spawn, so a
 * spawn costs a small process's fork instead of a posix_spawn and exec from the JVM. Requests go over a
 * SOCK_SEQPACKET socket, the fds with SCM_RIGHTS (docs/launcher-protocol.md, "Fork server"). The server dies
 * with the JVM (lifeline, PR_SET_PDEATHSIG on the spawner thread); a server found dead is started again.
 */
final class ForkServer {
    private static final Logger LOG = LoggerFactory.getLogger(ForkServer.class);
    private static ForkServer current;

    private final int sock;
    private final int pid;

    private ForkServer(int sock, int pid) {
        this.sock = sock;
        this.pid = pid;
    }

    /** Starts the launcher through the server; null when no server can be had (the caller spawns directly). */
    static LauncherProc fork(String what, List<Integer> fds) {
        for (int attempt = 0; attempt < 2; attempt++) {
            ForkServer s = get(attempt > 0);
            if (s == null) {
                return null;
            }
            LauncherProc l = s.request(what, fds);
            if (l != null) {
                return l;
            }
        }
        return null;
    }

    private static synchronized ForkServer get(boolean restart) {
        if (current != null && restart) {
            Sys.closeQuietly(current.sock);
            int dead = current.pid;
            Spawner.REAPERS.execute(() -> Sys.waitpid(dead));
            current = null;
        }
        if (current == null) {
            current = start();
        }
        return current;
    }

    private static ForkServer start() {
        int[] sv;
        int devNull;
        try {
            sv = Sys.seqpacketPair("start the jns fork server", "socketpair");
        } catch (NamespaceException e) {
            LOG.debug("no fork server: {}", e.getMessage());
            return null;
        }
        try {
            devNull = Sys.open("start the jns fork server", "/dev/null", Native.O_RDWR, 0);
        } catch (NamespaceException e) {
            LOG.debug("no fork server: {}", e.getMessage());
            Sys.closeQuietly(sv[0]);
            Sys.closeQuietly(sv[1]);
            return null;
        }
        try {
            int pid = Spawner.spawnServer(List.of(devNull, devNull, devNull, sv[1], devNull));
            return pid > 0 ? new ForkServer(sv[0], pid) : null;
        } catch (NamespaceException e) {
            Sys.closeQuietly(sv[0]);
            return null;
        } finally {
            Sys.closeQuietly(sv[1]);
            Sys.closeQuietly(devNull);
        }
    }

    /** One request; null when the server is gone (the caller retries with a new one). */
    private LauncherProc request(String what, List<Integer> fds) {
        int[] reply = Sys.seqpacketPair(what, "socketpair for the fork server");
        int[] all = new int[fds.size() + 1];
        for (int i = 0; i < fds.size(); i++) {
            all[i] = fds.get(i);
        }
        all[fds.size()] = reply[1];
        int err = FdMessage.send(sock, new int[] {1, all.length}, all);
        Sys.closeQuietly(reply[1]);
        if (err != 0) {
            Sys.closeQuietly(reply[0]);
            return null;
        }
        FdMessage.Received r = FdMessage.receive(reply[0], 2);
        if (r.words() == null || r.words().length < 2) {
            Sys.closeQuietly(reply[0]);
            return null;
        }
        int pid = r.words()[0];
        int e = r.words()[1];
        if (pid <= 0 || r.fd() < 0) {
            Sys.closeQuietly(reply[0]);
            Sys.closeQuietly(r.fd());
            throw NamespaceException.builder(what).step("fork the launcher").errno(e != 0 ? e : Errno.EINVAL)
                    .hint(e == Errno.EAGAIN ? "process limit reached (ulimit -u, pids cgroup)" : null).build();
        }
        return new LauncherProc(pid, r.fd(), reply[0]);
    }
}
