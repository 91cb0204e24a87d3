package dev.jns.linux;

import dev.jns.Errno;
import dev.jns.NamespaceException;
import dev.jns.NamespaceType;
import dev.jns.NsHandle;
import dev.jns.linux.ffi.Native;
import dev.jns.linux.ffi.Sys;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.function.IntFunction;

/** A namespace held by an open file descriptor. */
final class LinuxNsHandle implements NsHandle, dev.jns.linux.spawn.Spawner.FdHolder {
    private final Object lock = new Object();
    private final NamespaceType type;
    private final long device;
    private final long inode;
    private final String origin;
    private int fd;
    private HomeThreads threads;
    private int borrowers;          // withFd calls in progress: close(2) waits for the last one
    private boolean closePending;
    private int pinnedFd = -1;      // the number pins hold (the fd never changes while open)

    private LinuxNsHandle(int fd, NamespaceType type, long device, long inode, String origin) {
        this.fd = fd;
        this.type = type;
        this.device = device;
        this.inode = inode;
        this.origin = origin;
    }

    /**
     * Opens a namespace file. {@code what} describes the request for error messages; {@code pid} is the
     * process the path belongs to, or -1, so that a missing process is reported as such.
     */
    static LinuxNsHandle open(String what, Path path, long pid) {
        int fd = Sys.tryOpen(path.toString(), Native.O_RDONLY, 0);
        if (fd < 0) {
            int e = -fd;
            if (pid >= 0 && e == Errno.ENOENT && !Files.exists(Path.of("/proc", Long.toString(pid)))) {
                throw NamespaceException.builder(what).step("open " + path).errno(Errno.ESRCH)
                        .detail("no process " + pid)
                        .hint("the process has exited, or it is in a pid namespace this one cannot see").build();
            }
            String hint = e == Errno.ENOENT ? "no such file: check the path (named network namespaces are in /run/netns)"
                    : e == Errno.EACCES ? "the namespaces of another user's process need CAP_SYS_PTRACE over it (ptrace access mode)"
                    : null;
            throw NamespaceException.builder(what).step("open " + path).errno(e).hint(hint).build();
        }
        return fromFd(what, fd, path.toString());
    }

    /** Wraps an fd the caller owns (closed here on failure). */
    static LinuxNsHandle fromFd(String what, int fd, String origin) {
        int t = Sys.tryIoctl(fd, Native.NS_GET_NSTYPE);
        if (t < 0) {
            int e = -t;
            Sys.closeQuietly(fd);
            if (e == Errno.ENOTTY || e == Errno.EINVAL) {
                throw NamespaceException.builder(what).step("ioctl NS_GET_NSTYPE").errno(e)
                        .detail(origin + " is not a namespace file")
                        .hint("open /proc/PID/ns/TYPE, /proc/thread-self/ns/TYPE or a bind mount of one such as /run/netns/NAME")
                        .build();
            }
            throw NamespaceException.builder(what).step("ioctl NS_GET_NSTYPE").errno(e).detail(origin)
                    .hint(e == Errno.ENOSYS ? "the kernel is older than 4.11" : null).build();
        }
        long[] st;
        try {
            st = Sys.devIno(what, fd);
        } catch (NamespaceException ex) {
            Sys.closeQuietly(fd);
            throw ex;
        }
        return new LinuxNsHandle(fd, NamespaceType.ofCloneFlag(t), st[0], st[1], origin);
    }

    /** The fd, for the launcher and setns; throws when closed. */
    @Override
    public int fd(String what) {
        synchronized (lock) {
            if (fd < 0) {
                throw NamespaceException.builder(what).step("use handle " + this).errno(Errno.EBADF)
                        .detail("the handle is closed").hint("keep a handle open while it is in use").build();
            }
            return fd;
        }
    }

    /**
     * Runs {@code use} with the fd, which a concurrent {@link #close()} cannot free (and the number so cannot be
     * reused for another file) until {@code use} returns: the close(2) then happens here.
     */
    <T> T withFd(String what, IntFunction<T> use) {
        int f = pin(what);
        try {
            return use.apply(f);
        } finally {
            unpin();
        }
    }

    /** The fd, which a concurrent {@link #close()} cannot free until the matching {@link #unpin()}. */
    @Override
    public int pin(String what) {
        synchronized (lock) {
            int f = fd(what);
            borrowers++;
            pinnedFd = f;
            return f;
        }
    }

    @Override
    public void unpin() {
        int closeNow = -1;
        synchronized (lock) {
            borrowers--;
            if (borrowers == 0 && closePending) {
                closePending = false;
                closeNow = pinnedFd;
            }
        }
        Sys.closeQuietly(closeNow);
    }

    @Override
    public NamespaceType type() {
        return type;
    }

    @Override
    public long inode() {
        return inode;
    }

    @Override
    public long device() {
        return device;
    }

    @Override
    public void persist(Path target) {
        String what = "persist " + this + " at " + target;
        withFd(what, f -> {
            Persistence.bind(what, f, type, target);
            return null;
        });
    }

    @Override
    public <T> T call(Callable<T> task) {
        String what = "call in " + this;
        if (type == NamespaceType.USER) {
            return Enter.call(new LinuxNsHandle[] {this}, task); // refused there, with the reason
        }
        HomeThreads t;
        synchronized (lock) {
            fd(what);
            if (threads == null) {
                threads = new HomeThreads(this);
            }
            t = threads;
        }
        return t.call(what, task);
    }

    @Override
    public NsHandle owner() {
        return related(Native.NS_GET_USERNS, "NS_GET_USERNS",
                "the owner is outside the caller's user namespace tree, which the kernel hides");
    }

    @Override
    public NsHandle parent() {
        if (type != NamespaceType.USER && type != NamespaceType.PID) {
            throw NamespaceException.builder("parent of " + this).step("ioctl NS_GET_PARENT").errno(Errno.EINVAL)
                    .hint("only user and pid namespaces have parents; use owner() for the owning user namespace")
                    .build();
        }
        return related(Native.NS_GET_PARENT, "NS_GET_PARENT",
                "the parent is outside the caller's namespace tree (or this is the initial namespace)");
    }

    private NsHandle related(long request, String name, String epermHint) {
        String what = name.equals("NS_GET_USERNS") ? "owner of " + this : "parent of " + this;
        int nfd = withFd(what, f -> Sys.tryIoctl(f, request));
        if (nfd < 0) {
            int e = -nfd;
            throw NamespaceException.builder(what).step("ioctl " + name).errno(e)
                    .hint(e == Errno.EPERM ? epermHint : null).build();
        }
        return fromFd(what, nfd, "ioctl " + name + " of " + this);
    }

    @Override
    public long ownerUid() {
        String what = "owner uid of " + this;
        if (type != NamespaceType.USER) {
            throw NamespaceException.builder(what).step("ioctl NS_GET_OWNER_UID").errno(Errno.EINVAL)
                    .hint("only user namespaces have an owner uid; use owner().ownerUid()").build();
        }
        int[] e = new int[1];
        int uid = withFd(what, f -> Sys.tryIoctlInt(f, Native.NS_GET_OWNER_UID, e));
        if (e[0] != 0) {
            throw NamespaceException.builder(what).step("ioctl NS_GET_OWNER_UID").errno(e[0]).build();
        }
        return Integer.toUnsignedLong(uid);
    }

    @Override
    public boolean isOpen() {
        synchronized (lock) {
            return fd >= 0;
        }
    }

    @Override
    public void close() {
        int f;
        HomeThreads t;
        synchronized (lock) {
            f = fd;
            fd = -1;
            t = threads;
            threads = null;
            if (borrowers > 0 && f >= 0) {
                closePending = true; // the last withFd closes it
                f = -1;
            }
        }
        if (t != null) {
            t.close();
        }
        Sys.closeQuietly(f);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NsHandle h && h.device() == device && h.inode() == inode;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(device) * 31 + Long.hashCode(inode);
    }

    /** As {@code readlink /proc/PID/ns/TYPE} prints it: {@code net:[4026531840]}. */
    @Override
    public String toString() {
        return type.procName() + ":[" + inode + "]";
    }

    /** Where the handle came from, for messages. */
    String origin() {
        return origin;
    }
}
