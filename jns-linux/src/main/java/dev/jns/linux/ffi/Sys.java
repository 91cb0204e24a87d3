package dev.jns.linux.ffi;

import dev.jns.Errno;
import dev.jns.NamespaceException;

import java.nio.ByteBuffer;

import static dev.jns.linux.ffi.Calls.bytes;

/**
 * The checked system calls of jns: the only code that calls the native library ({@link Calls}). Two forms:
 * <ul>
 *   <li>{@code name(what, ...)} returns the result or throws a {@link NamespaceException} naming what was asked
 *       ({@code what}), the step (the call), the errno and a hint;</li>
 *   <li>{@code tryName(...)} is for callers that act on particular errnos: it returns the result, or
 *       {@code -errno} (results are never negative, as in the kernel's own convention).</li>
 * </ul>
 * EINTR is retried wherever a retry is right; structs are laid out in C.
 */
public final class Sys {
    private Sys() {
    }

    /**
     * Makes the hint of a failure from its errno (null: none). The constants are classes, not lambdas: they are
     * made in a JVM's first spawn, where each lambda's class would be spun (see {@code Spawner.SpawnThread}).
     */
    @FunctionalInterface
    public interface Hint {
        /** No hint. */
        Hint NONE = always(null);

        /** A full fd table (EMFILE) or file table (ENFILE): the one wording of that hint in jns. */
        Hint TOO_MANY_FILES = new Hint() {
            @Override
            public String of(int errno) {
                return errno == Errno.EMFILE
                        ? "this JVM has too many open files (RLIMIT_NOFILE, ulimit -n): close handles, processes and "
                                + "streams you no longer need, or raise the limit"
                        : errno == Errno.ENFILE ? "the system-wide open file limit (fs.file-max) is reached" : null;
            }
        };

        /** The hint for {@code errno}, or null. */
        String of(int errno);

        /** The same hint, {@code text} (null: none), whatever the errno. */
        static Hint always(String text) {
            return new Hint() {
                @Override
                public String of(int errno) {
                    return text;
                }
            };
        }
    }

    /**
     * Throws, as a {@link NamespaceException} that says why, when jns's native library could not be loaded in
     * this JVM (a {@code java.io.tmpdir} mounted noexec, say). The entry points of jns-linux call it before
     * anything else, so that every call reports a failed load the same way, instead of the first as an
     * ExceptionInInitializerError and the later ones as a NoClassDefFoundError without the reason.
     */
    public static void requireLibrary() {
        Calls.initialize();
        NativeLibrary.check();
    }

    /** The failure of {@code step} with {@code errno}. */
    public static NamespaceException fail(String what, String step, int errno, Hint hint) {
        return NamespaceException.builder(what).step(step).errno(errno).hint(hint.of(errno)).build();
    }

    private static final Hint TOO_MANY_FILES = Hint.TOO_MANY_FILES;

    private static int orThrow(int r, String what, String step, Hint hint) {
        if (r < 0) {
            throw fail(what, step, -r, hint);
        }
        return r;
    }

    // ---- file descriptors

    /** open(2) with O_CLOEXEC added, retried on EINTR: the fd or -errno. */
    public static int tryOpen(String path, int flags, int mode) {
        return Calls.open(bytes(path), flags | Native.O_CLOEXEC, mode);
    }

    /**
     * open(2) without O_CLOEXEC, retried on EINTR: the fd or -errno. Only for what must survive an exec: the JVM's
     * own standard fds when they were closed (StdFds).
     */
    public static int tryOpenInheritable(String path, int flags, int mode) {
        return Calls.open(bytes(path), flags, mode);
    }

    /** open(2) with O_CLOEXEC added; step {@code "open PATH"}. */
    public static int open(String what, String path, int flags, int mode) {
        return open(what, "open " + path, path, flags, mode, TOO_MANY_FILES);
    }

    /** open(2) with O_CLOEXEC added. */
    public static int open(String what, String step, String path, int flags, int mode, Hint hint) {
        return orThrow(tryOpen(path, flags, mode), what, step, hint);
    }

    /**
     * Closes fd if it is not negative. The result is ignored on purpose: on Linux the fd is released even when
     * close reports an error (EINTR, EIO of a pipe or nsfs fd), so there is nothing left to retry or undo.
     */
    public static void closeQuietly(int fd) {
        if (fd >= 0) {
            Calls.close(fd);
        }
    }

    /** close(2): 0 or -errno (the fd is released either way). */
    public static int tryClose(int fd) {
        return Calls.close(fd);
    }

    /** pipe2(O_CLOEXEC): {read end, write end}. */
    public static int[] pipe(String what) {
        int[] fds = new int[2];
        orThrow(Calls.pipe2(fds, Native.O_CLOEXEC), what, "pipe2", TOO_MANY_FILES);
        return fds;
    }

    /** socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC): both ends. */
    public static int[] seqpacketPair(String what, String step) {
        int[] sv = new int[2];
        orThrow(Calls.socketpair(Native.AF_UNIX, Native.SOCK_SEQPACKET | Native.SOCK_CLOEXEC, 0, sv), what,
                step, TOO_MANY_FILES);
        return sv;
    }

    /** fcntl(2) with an int argument: the result or -errno. */
    public static int tryFcntl(int fd, int cmd, int arg) {
        return Calls.fcntl(fd, cmd, arg);
    }

    /** fcntl(2) with an int argument. */
    public static int fcntl(String what, String step, int fd, int cmd, int arg, Hint hint) {
        return orThrow(tryFcntl(fd, cmd, arg), what, step, hint);
    }

    /** One read(2), retried on EINTR: the count (0 at EOF) or -errno. */
    public static int tryRead(int fd, byte[] buf, int len) {
        return Calls.read(fd, buf, 0, len);
    }

    /** One read(2) into a direct buffer (from its start), retried on EINTR: the count (0 at EOF) or -errno. */
    public static int tryRead(int fd, ByteBuffer buf, int len) {
        return Calls.readDirect(fd, buf, len);
    }

    /** One read(2), retried on EINTR: the count, 0 at EOF. */
    public static int read(String what, int fd, byte[] buf, int len) {
        return orThrow(tryRead(fd, buf, len), what, "read", Hint.NONE);
    }

    /** One write(2), retried on EINTR: the count or -errno. */
    public static int tryWrite(int fd, byte[] buf, int len) {
        return tryWrite(fd, buf, 0, len);
    }

    /** One write(2) of {@code buf[off..off + len)}, retried on EINTR: the count or -errno. */
    public static int tryWrite(int fd, byte[] buf, int off, int len) {
        return Calls.write(fd, buf, off, len);
    }

    /** Writes all of {@code data}. */
    public static void writeFully(String what, int fd, byte[] data) {
        writeFully(what, fd, data, data.length);
    }

    /** Writes all of {@code data[0..length)}. */
    public static void writeFully(String what, int fd, byte[] data, int length) {
        int off = 0;
        while (off < length) {
            off += orThrow(tryWrite(fd, data, off, length - off), what, "write", Hint.NONE);
        }
    }

    /** (st_dev, st_ino) of an open fd. */
    public static long[] devIno(String what, int fd) {
        long[] devIno = new long[2];
        orThrow(Calls.fstatDevIno(fd, devIno), what, "fstat", Hint.NONE);
        return devIno;
    }

    /** What {@link #statx} reports: the file type and mode bits, owner, size, device and inode. */
    public record FileStat(int mode, long uid, long size, long dev, long ino) {
        private static final int S_IFMT = 0170000;

        /** A symlink. */
        public boolean isLink() {
            return (mode & S_IFMT) == 0120000;
        }

        /** A directory. */
        public boolean isDirectory() {
            return (mode & S_IFMT) == 0040000;
        }

        /** A regular file. */
        public boolean isRegular() {
            return (mode & S_IFMT) == 0100000;
        }
    }

    /**
     * statx(2) of {@code name} in {@code dirfd}, not following a last symlink; of {@code dirfd} itself when
     * {@code name} is empty. The device is (major &lt;&lt; 32 | minor), as jns compares it, not st_dev's encoding.
     */
    public static FileStat statx(String what, int dirfd, String name) {
        long[] b = new long[6];
        int flags = Native.AT_SYMLINK_NOFOLLOW | (name.isEmpty() ? Native.AT_EMPTY_PATH : 0);
        orThrow(Calls.statx(dirfd, bytes(name), flags, STATX_BASIC_STATS, b), what, "statx", Hint.NONE);
        return new FileStat((int) b[0], b[1], b[2], (b[3] << 32) | b[4], b[5]);
    }

    private static final int STATX_BASIC_STATS = 0x7ff;

    /** The statfs f_type of the file system {@code fd} lies on. */
    public static long fsType(String what, int fd) {
        long[] type = new long[1];
        orThrow(Calls.fstatfsType(fd, type), what, "fstatfs", Hint.NONE);
        return type[0];
    }

    /** The effective uid of the JVM (unsigned). */
    public static long geteuid() {
        return Calls.geteuid() & 0xffffffffL;
    }

    /** openat(2) with O_CLOEXEC added, retried on EINTR: the fd or -errno. */
    public static int tryOpenat(int dirfd, String name, int flags, int mode) {
        return Calls.openat(dirfd, bytes(name), flags | Native.O_CLOEXEC, mode);
    }

    /** readlinkat(2) into {@code buf}: the length or -errno. */
    public static int tryReadlinkat(int dirfd, String name, byte[] buf) {
        return Calls.readlinkat(dirfd, bytes(name), buf);
    }

    /** unlinkat(2): 0 or -errno. */
    public static int tryUnlinkat(int dirfd, String name, int flags) {
        return Calls.unlinkat(dirfd, bytes(name), flags);
    }

    /** memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC); without MFD_EXEC on kernels before 6.3. */
    public static int memfdCreate(String what, String name, Hint hint) {
        int base = Native.MFD_CLOEXEC | Native.MFD_ALLOW_SEALING;
        int fd = Calls.memfdCreate(bytes(name), base | Native.MFD_EXEC);
        if (fd == -Errno.EINVAL) {
            // kernels before 6.3 do not know MFD_EXEC; their memfds are executable anyway
            fd = Calls.memfdCreate(bytes(name), base);
        }
        return orThrow(fd, what, "memfd_create", hint);
    }

    // ---- namespaces and mounts

    /** ioctl(fd, request) without an argument (NS_GET_NSTYPE, NS_GET_USERNS, NS_GET_PARENT): result or -errno. */
    public static int tryIoctl(int fd, long request) {
        return Calls.ioctl(fd, request);
    }

    /** ioctl(fd, request, &amp;value) of an int result (NS_GET_OWNER_UID): the value, or -errno in {@code errno[0]}. */
    public static int tryIoctlInt(int fd, long request, int[] errno) {
        int[] v = new int[1];
        int r = Calls.ioctlInt(fd, request, v);
        errno[0] = r < 0 ? -r : 0;
        return v[0];
    }

    /** setns(2): 0 or the errno (positive: for callers that collect it). */
    public static int setnsErrno(int fd, int nstype) {
        return -Math.min(0, Calls.setns(fd, nstype));
    }

    /** unshare(2): 0 or -errno. */
    public static int tryUnshare(int flags) {
        return Calls.unshare(flags);
    }

    /** unshare(2). */
    public static void unshare(String what, String step, int flags, Hint hint) {
        orThrow(tryUnshare(flags), what, step, hint);
    }

    /** mount(2) without data: 0 or -errno. */
    public static int tryMount(String source, String target, String fstype, long flags) {
        return Calls.mount(bytes(source), bytes(target), bytes(fstype), flags);
    }

    /** mount(2) without data. */
    public static void mount(String what, String step, String source, String target, String fstype, long flags,
                             Hint hint) {
        orThrow(tryMount(source, target, fstype, flags), what, step, hint);
    }

    /** umount2(2): 0 or -errno. */
    public static int tryUmount2(String target, int flags) {
        return Calls.umount2(bytes(target), flags);
    }

    /** mkdir(2): 0 or -errno. */
    public static int tryMkdir(String path, int mode) {
        return Calls.mkdir(bytes(path), mode);
    }

    /** unlink(2): 0 or -errno. */
    public static int tryUnlink(String path) {
        return Calls.unlink(bytes(path));
    }

    // ---- processes

    /** kill(2): 0 or -errno. */
    public static int tryKill(int pid, int sig) {
        return Calls.kill(pid, sig);
    }

    /** waitpid(pid, 0), retried on EINTR: the raw status. */
    public static int waitpid(int pid) {
        int[] status = new int[1];
        while (true) {
            int r = Calls.waitpid(pid, status, 0);
            if (r == pid) {
                return status[0];
            }
            if (r < 0 && r != -Errno.EINTR) {
                throw fail("wait for process " + pid, "waitpid", -r, Hint.NONE);
            }
        }
    }

    /** pidfd_open(pid, 0): the pidfd or -errno. */
    public static int tryPidfdOpen(int pid) {
        return Calls.pidfdOpen(pid, 0);
    }

    /** pidfd_send_signal(pidfd, sig, NULL, 0): 0 or -errno (ESRCH: the process has ended). */
    public static int tryPidfdSignal(int pidfd, int sig) {
        return Calls.pidfdSendSignal(pidfd, sig);
    }

    /**
     * posix_spawn of {@code path} with {@code sources[i]} as its fd {@code i}, an empty signal mask, default
     * dispositions and no environment: {pid, 0} or {0, errno of posix_spawn}. {@code keepFd} (or -1) is an fd the
     * file actions must not touch (the executable's own, run through /proc/self/fd after them).
     */
    public static int[] posixSpawn(String path, int[] sources, int keepFd, byte[][] argv) {
        int r = Calls.posixSpawn(bytes(path), sources, keepFd, argv);
        return r < 0 ? new int[] {0, -r} : new int[] {r, 0};
    }

    /** An argv as {@link #posixSpawn} takes it. */
    public static byte[][] argv(String... args) {
        byte[][] a = new byte[args.length][];
        for (int i = 0; i < args.length; i++) {
            a[i] = bytes(args[i]);
        }
        return a;
    }

    // ---- poll

    /** A reusable array of {@code struct pollfd}, laid out as {@link Calls#poll} takes it. */
    public static final class PollSet {
        private final int[] fds;

        /** Room for {@code capacity} fds. */
        public PollSet(int capacity) {
            fds = new int[2 * capacity];
        }

        /** Entry {@code i}: {@code fd} and the events to wait for; clears its revents. */
        public void set(int i, int fd, short events) {
            fds[2 * i] = fd;
            fds[2 * i + 1] = events & 0xffff;
        }

        /** The events entry {@code i} got. */
        public short revents(int i) {
            return (short) (fds[2 * i + 1] >>> 16);
        }

        /** poll(2) on the first {@code n} entries: how many are ready; 0 when a signal interrupted it (EINTR). */
        public int poll(String what, String step, int n, int timeoutMillis) {
            int r = Calls.poll(fds, n, timeoutMillis);
            return r == -Errno.EINTR ? 0 : orThrow(r, what, step, Hint.NONE);
        }
    }

    // ---- epoll

    /**
     * An epoll instance (epoll_create1, close-on-exec): fds watched by a 64-bit key each, which {@link #await}
     * returns when they are readable or hung up. Another thread may add an fd while one waits: the wait sees it
     * at once, nobody has to wake it. Lives as long as the JVM (its one user is the reaper).
     */
    public static final class Epoll {
        private static final int EPOLLIN = 0x001;
        private static final int EPOLLONESHOT = 1 << 30;
        private static final int EPOLL_CTL_ADD = 1;
        private static final int EPOLL_CTL_MOD = 3;

        private final int epfd;

        /** A new instance; {@code what} names its user in the error. */
        public Epoll(String what) {
            epfd = orThrow(Calls.epollCreate(), what, "epoll_create1", TOO_MANY_FILES);
        }

        /** Watches {@code fd} for input for as long as it is open (level-triggered): 0 or -errno. */
        public int tryWatch(int fd, long key) {
            return Calls.epollCtl(epfd, EPOLL_CTL_ADD, fd, EPOLLIN, key);
        }

        /**
         * Watches {@code fd} for its next input only (EPOLLONESHOT): after one {@link #await} has returned it,
         * nothing more until this is called again (the same fd, any key). 0 or -errno (ENOMEM, ENOSPC: the user's
         * fs.epoll.max_user_watches).
         */
        public int tryWatchOnce(int fd, long key) {
            int r = Calls.epollCtl(epfd, EPOLL_CTL_ADD, fd, EPOLLIN | EPOLLONESHOT, key);
            return r == -Errno.EEXIST ? Calls.epollCtl(epfd, EPOLL_CTL_MOD, fd, EPOLLIN | EPOLLONESHOT, key) : r;
        }

        /**
         * epoll_wait(2): the keys of the fds that are ready in {@code keys} (at most its length), and how many;
         * 0 when the timeout passed or a signal interrupted it.
         */
        public int await(String what, long[] keys, int timeoutMillis) {
            int r = Calls.epollWait(epfd, keys, timeoutMillis);
            return r == -Errno.EINTR ? 0 : orThrow(r, what, "epoll_wait", Hint.NONE);
        }
    }

    // ---- sockets

    /** socket(2). */
    public static int socket(String what, String step, int domain, int type, int protocol) {
        return orThrow(Calls.socket(domain, type, protocol), what, step, TOO_MANY_FILES);
    }

    /** setsockopt(2) of an int option: 0 or -errno. */
    public static int trySetsockoptInt(int fd, int level, int name, int value) {
        return Calls.setsockoptInt(fd, level, name, value);
    }

    /** setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, {seconds, 0}). */
    public static void receiveTimeout(String what, int fd, int seconds) {
        orThrow(Calls.receiveTimeout(fd, seconds), what, "setsockopt SO_RCVTIMEO", Hint.NONE);
    }

    /** bind(2) of a netlink socket of {@code family} (AF_NETLINK) to a port the kernel picks. */
    public static void bindNetlink(String what, int fd, int family) {
        orThrow(Calls.bindNetlink(fd, family), what, "bind netlink socket", Hint.NONE);
    }

    /** sendto(2) to the kernel's netlink port, retried on EINTR: the count or -errno. */
    public static int trySendToKernel(int fd, int family, byte[] buf) {
        return Calls.sendToKernel(fd, family, buf, buf.length);
    }

    /** recv(2), retried on EINTR: the count or -errno (EAGAIN: the receive timeout passed). */
    public static int tryRecv(int fd, byte[] buf) {
        return Calls.recv(fd, buf, buf.length, 0);
    }

    /** What {@link #receiveWithFd} got: the bytes (null at EOF), at most one fd (-1 when none), or an errno. */
    public record Received(byte[] data, int fd, int errno) {
    }

    /**
     * sendmsg(2) of {@code data} with {@code fds} (SCM_RIGHTS) and {@code flags} (MSG_NOSIGNAL added), retried on
     * EINTR: 0 or the errno.
     */
    public static int sendWithFds(int sock, byte[] data, int[] fds, int flags) {
        int r = Calls.sendWithFds(sock, data, data.length, fds, Native.MSG_NOSIGNAL | flags);
        return r < 0 ? -r : 0;
    }

    /** recvmsg(2) of up to {@code max} bytes and at most one fd (made close-on-exec), retried on EINTR. */
    public static Received receiveWithFd(int sock, int max) {
        byte[] body = new byte[max];
        int[] fd = {-1};
        int n = Calls.receiveWithFd(sock, body, max, fd, Native.MSG_CMSG_CLOEXEC);
        if (n < 0) {
            return new Received(null, -1, -n);
        }
        if (n == 0 && fd[0] < 0) {
            return new Received(null, -1, 0);
        }
        return new Received(n == max ? body : java.util.Arrays.copyOf(body, n), fd[0], 0);
    }

    /**
     * poll(2) of one fd: its revents, 0 on timeout, -1 on an error other than EINTR (EINTR counts as a
     * timeout: the caller's loop polls again).
     */
    public static int pollOne(int fd, short events, int timeoutMs) {
        int[] p = {fd, events & 0xffff};
        int r = Calls.poll(p, 1, timeoutMs);
        if (r < 0) {
            return r == -Errno.EINTR ? 0 : -1;
        }
        return r == 0 ? 0 : p[1] >>> 16;
    }

    /**
     * Moves {@code fd} to the lowest free number at or above {@code min} (close-on-exec) and closes the old
     * one; returns the new number, or {@code fd} itself when it is already there or the move fails.
     */
    public static int moveAtOrAbove(int fd, int min) {
        if (fd < 0 || fd >= min) {
            return fd;
        }
        int moved = Calls.fcntl(fd, Native.F_DUPFD_CLOEXEC, min);
        if (moved < 0) {
            return fd;
        }
        Calls.close(fd);
        return moved;
    }
}
