package dev.jns.linux.ffi;

import dev.jns.Errno;
import dev.jns.NamespaceException;
import dev.jns.linux.ffi.libc.LibC;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Struct;
import jnr.ffi.byref.IntByReference;

import java.util.List;

import static dev.jns.linux.ffi.Native.C;

/**
 * The checked system calls of jns: the only code that calls libc ({@link LibC}) and reads errno. Two forms:
 * <ul>
 *   <li>{@code name(what, ...)} returns the result or throws a {@link NamespaceException} naming what was asked
 *       ({@code what}), the step (the call), the errno and a hint;</li>
 *   <li>{@code tryName(...)} is for callers that act on particular errnos: it returns the result, or
 *       {@code -errno} (results are never negative, as in the kernel's own convention).</li>
 * </ul>
 * EINTR is retried wherever a retry is right; structs are {@link Structs}.
 */
public final class Sys {
    private Sys() {
    }

    /** Makes the hint of a failure from its errno (null: none). */
    @FunctionalInterface
    public interface Hint {
        /** No hint. */
        Hint NONE = errno -> null;

        /** A full fd table (EMFILE) or file table (ENFILE): the one wording of that hint in jns. */
        Hint TOO_MANY_FILES = errno -> errno == Errno.EMFILE
                ? "this JVM has too many open files (RLIMIT_NOFILE, ulimit -n): close handles, processes and "
                        + "streams you no longer need, or raise the limit"
                : errno == Errno.ENFILE ? "the system-wide open file limit (fs.file-max) is reached" : null;

        /** The hint for {@code errno}, or null. */
        String of(int errno);
    }

    /** The failure of {@code step} with {@code errno}. */
    public static NamespaceException fail(String what, String step, int errno, Hint hint) {
        return NamespaceException.builder(what).step(step).errno(errno).hint(hint.of(errno)).build();
    }

    /**
     * The failure of {@code step} with the errno of the call just made through {@link Native#C}: for the code that
     * still calls libc directly (SafePaths, NamedNetNs, Persistence); wrappers here use the form with an errno.
     */
    public static NamespaceException fail(String what, String step, String hint) {
        return NamespaceException.builder(what).step(step).errno(Native.errno()).hint(hint).build();
    }

    private static final Hint TOO_MANY_FILES = Hint.TOO_MANY_FILES;

    /** A negative result becomes {@code -errno}. */
    private static int result(long r) {
        return r < 0 ? -Native.errno() : (int) r;
    }

    /** {@code call} (a {@link #result}: the value or -errno) again while it fails with EINTR. */
    private static int retryingEintr(java.util.function.IntSupplier call) {
        int r;
        do {
            r = call.getAsInt();
        } while (r == -Errno.EINTR);
        return r;
    }

    private static int orThrow(int r, String what, String step, Hint hint) {
        if (r < 0) {
            throw fail(what, step, -r, hint);
        }
        return r;
    }

    // ---- file descriptors

    /** open(2) with O_CLOEXEC added, retried on EINTR: the fd or -errno. */
    public static int tryOpen(String path, int flags, int mode) {
        return retryingEintr(() -> result(C.open(path, flags | Native.O_CLOEXEC, mode)));
    }

    /**
     * open(2) without O_CLOEXEC, retried on EINTR: the fd or -errno. Only for what must survive an exec: the JVM's
     * own standard fds when they were closed (StdFds).
     */
    public static int tryOpenInheritable(String path, int flags, int mode) {
        return retryingEintr(() -> result(C.open(path, flags, mode)));
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
            C.close(fd);
        }
    }

    /** close(2): 0 or -errno (the fd is released either way). */
    public static int tryClose(int fd) {
        return result(C.close(fd));
    }

    /** pipe2(O_CLOEXEC): {read end, write end}. */
    public static int[] pipe(String what) {
        int[] fds = new int[2];
        orThrow(result(C.pipe2(fds, Native.O_CLOEXEC)), what, "pipe2", TOO_MANY_FILES);
        return fds;
    }

    /** socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC): both ends. */
    public static int[] seqpacketPair(String what, String step) {
        int[] sv = new int[2];
        orThrow(result(C.socketpair(Native.AF_UNIX, Native.SOCK_SEQPACKET | Native.SOCK_CLOEXEC, 0, sv)), what,
                step, TOO_MANY_FILES);
        return sv;
    }

    /** fcntl(2) with an int argument: the result or -errno. */
    public static int tryFcntl(int fd, int cmd, int arg) {
        return result(C.fcntl(fd, cmd, arg));
    }

    /** fcntl(2) with an int argument. */
    public static int fcntl(String what, String step, int fd, int cmd, int arg, Hint hint) {
        return orThrow(tryFcntl(fd, cmd, arg), what, step, hint);
    }

    /** One read(2), retried on EINTR: the count (0 at EOF) or -errno. */
    public static int tryRead(int fd, byte[] buf, int len) {
        return retryingEintr(() -> result(C.read(fd, buf, len)));
    }

    /** One read(2) into native memory, retried on EINTR: the count (0 at EOF) or -errno. */
    public static int tryRead(int fd, Pointer buf, int len) {
        return retryingEintr(() -> result(C.read(fd, buf, len)));
    }

    /** One read(2), retried on EINTR: the count, 0 at EOF. */
    public static int read(String what, int fd, byte[] buf, int len) {
        return orThrow(tryRead(fd, buf, len), what, "read", Hint.NONE);
    }

    /** One write(2), retried on EINTR: the count or -errno. */
    public static int tryWrite(int fd, byte[] buf, int len) {
        return retryingEintr(() -> result(C.write(fd, buf, len)));
    }

    /** Writes all of {@code data}. */
    public static void writeFully(String what, int fd, byte[] data) {
        int off = 0;
        byte[] chunk = data;
        while (off < data.length) {
            if (off > 0) {
                chunk = java.util.Arrays.copyOfRange(data, off, data.length);
            }
            off += orThrow(tryWrite(fd, chunk, chunk.length), what, "write", Hint.NONE);
        }
    }

    /** (st_dev, st_ino) of an open fd. */
    public static long[] devIno(String what, int fd) {
        Structs.Stat st = Structs.direct(new Structs.Stat(Native.RUNTIME));
        orThrow(result(C.fstat(fd, Structs.memory(st))), what, "fstat", Hint.NONE);
        return new long[] {st.dev.get(), st.ino.get()};
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
        Structs.Statx b = Structs.direct(new Structs.Statx(Native.RUNTIME));
        int flags = Native.AT_SYMLINK_NOFOLLOW | (name.isEmpty() ? Native.AT_EMPTY_PATH : 0);
        orThrow(result(C.statx(dirfd, name, flags, STATX_BASIC_STATS, Structs.memory(b))), what, "statx", Hint.NONE);
        return new FileStat(b.mode.get(), b.uid.get(), b.size.get(), (b.devMajor.get() << 32) | b.devMinor.get(),
                b.ino.get());
    }

    private static final int STATX_BASIC_STATS = 0x7ff;

    /** The statfs f_type of the file system {@code fd} lies on. */
    public static long fsType(String what, int fd) {
        Structs.Statfs b = Structs.direct(new Structs.Statfs(Native.RUNTIME));
        orThrow(result(C.fstatfs(fd, Structs.memory(b))), what, "fstatfs", Hint.NONE);
        return b.type.get();
    }

    /** The effective uid of the JVM (unsigned). */
    public static long geteuid() {
        return C.geteuid() & 0xffffffffL;
    }

    /** openat(2) with O_CLOEXEC added, retried on EINTR: the fd or -errno. */
    public static int tryOpenat(int dirfd, String name, int flags, int mode) {
        return retryingEintr(() -> result(C.openat(dirfd, name, flags | Native.O_CLOEXEC, mode)));
    }

    /** readlinkat(2) into {@code buf}: the length or -errno. */
    public static int tryReadlinkat(int dirfd, String name, byte[] buf) {
        return result(C.readlinkat(dirfd, name, buf, buf.length));
    }

    /** unlinkat(2): 0 or -errno. */
    public static int tryUnlinkat(int dirfd, String name, int flags) {
        return result(C.unlinkat(dirfd, name, flags));
    }

    /** memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC); without MFD_EXEC on kernels before 6.3. */
    public static int memfdCreate(String what, String name, Hint hint) {
        int base = Native.MFD_CLOEXEC | Native.MFD_ALLOW_SEALING;
        int fd = result(C.memfd_create(name, base | Native.MFD_EXEC));
        if (fd == -Errno.EINVAL) {
            // kernels before 6.3 do not know MFD_EXEC; their memfds are executable anyway
            fd = result(C.memfd_create(name, base));
        }
        return orThrow(fd, what, "memfd_create", hint);
    }

    // ---- namespaces and mounts

    /** ioctl(fd, request) without an argument (NS_GET_NSTYPE, NS_GET_USERNS, NS_GET_PARENT): result or -errno. */
    public static int tryIoctl(int fd, long request) {
        return result(C.ioctl(fd, request));
    }

    /** ioctl(fd, request, &amp;value) of an int result (NS_GET_OWNER_UID): the value, or -errno in {@code errno[0]}. */
    public static int tryIoctlInt(int fd, long request, int[] errno) {
        IntByReference v = new IntByReference();
        int r = result(C.ioctl(fd, request, v));
        errno[0] = r < 0 ? -r : 0;
        return v.intValue();
    }

    /** setns(2): 0 or the errno (positive: for callers that collect it). */
    public static int setnsErrno(int fd, int nstype) {
        return -Math.min(0, result(C.setns(fd, nstype)));
    }

    /** unshare(2): 0 or -errno. */
    public static int tryUnshare(int flags) {
        return result(C.unshare(flags));
    }

    /** unshare(2). */
    public static void unshare(String what, String step, int flags, Hint hint) {
        orThrow(tryUnshare(flags), what, step, hint);
    }

    /** mount(2) without data: 0 or -errno. */
    public static int tryMount(String source, String target, String fstype, long flags) {
        return result(C.mount(source, target, fstype, flags, null));
    }

    /** mount(2) without data. */
    public static void mount(String what, String step, String source, String target, String fstype, long flags,
                             Hint hint) {
        orThrow(tryMount(source, target, fstype, flags), what, step, hint);
    }

    /** umount2(2): 0 or -errno. */
    public static int tryUmount2(String target, int flags) {
        return result(C.umount2(target, flags));
    }

    /** mkdir(2): 0 or -errno. */
    public static int tryMkdir(String path, int mode) {
        return result(C.mkdir(path, mode));
    }

    /** unlink(2): 0 or -errno. */
    public static int tryUnlink(String path) {
        return result(C.unlink(path));
    }

    // ---- processes

    /** kill(2): 0 or -errno. */
    public static int tryKill(int pid, int sig) {
        return result(C.kill(pid, sig));
    }

    /** waitpid(pid, 0), retried on EINTR: the raw status. */
    public static int waitpid(int pid) {
        IntByReference status = new IntByReference();
        while (true) {
            int r = result(C.waitpid(pid, status, 0));
            if (r == pid) {
                return status.intValue();
            }
            if (r < 0 && r != -Errno.EINTR) {
                throw fail("wait for process " + pid, "waitpid", -r, Hint.NONE);
            }
        }
    }

    /** pidfd_open(pid, 0), or -1 with errno set: the form the spawn package still uses (see tryPidfdOpen). */
    public static int pidfdOpen(int pid) {
        return (int) C.syscall(Native.SYS_PIDFD_OPEN, pid, 0, 0, 0);
    }

    /** pidfd_send_signal(pidfd, sig, NULL, 0): 0, or -1 with errno set (see tryPidfdSignal). */
    public static int pidfdSignal(int pidfd, int sig) {
        return (int) C.syscall(Native.SYS_PIDFD_SEND_SIGNAL, pidfd, sig, 0, 0);
    }

    /** pidfd_open(pid, 0): the pidfd or -errno. */
    public static int tryPidfdOpen(int pid) {
        return result(C.syscall(Native.SYS_PIDFD_OPEN, pid, 0, 0, 0));
    }

    /** pidfd_send_signal(pidfd, sig, NULL, 0): 0 or -errno (ESRCH: the process has ended). */
    public static int tryPidfdSignal(int pidfd, int sig) {
        return result(C.syscall(Native.SYS_PIDFD_SEND_SIGNAL, pidfd, sig, 0, 0));
    }

    /**
     * posix_spawn of {@code path} with {@code sources.get(i)} as its fd {@code i}, an empty signal mask and
     * default dispositions: {pid, 0} or {0, errno of posix_spawn}. {@code keepFd} (or -1) is an fd the file
     * actions must not touch (the executable's own, run through /proc/self/fd after them).
     */
    public static int[] posixSpawn(String what, String path, List<Integer> sources, int keepFd,
                                   Native.StringArray argv, Native.StringArray envp) {
        Structs.FileActions actions = Structs.direct(new Structs.FileActions(Native.RUNTIME));
        Pointer a = Structs.memory(actions);
        spawnCheck(what, "posix_spawn_file_actions_init", C.posix_spawn_file_actions_init(a));
        try {
            // two phases, so that no source is overwritten before it is copied: first out of the way (above every
            // source, every target and keepFd), then home
            int base = Math.max(Math.max(sources.stream().mapToInt(Integer::intValue).max().orElse(0), sources.size()),
                    keepFd) + 1;
            for (int i = 0; i < sources.size(); i++) {
                spawnCheck(what, "posix_spawn_file_actions_adddup2",
                        C.posix_spawn_file_actions_adddup2(a, sources.get(i), base + i));
            }
            for (int i = 0; i < sources.size(); i++) {
                spawnCheck(what, "posix_spawn_file_actions_adddup2", C.posix_spawn_file_actions_adddup2(a, base + i, i));
                spawnCheck(what, "posix_spawn_file_actions_addclose", C.posix_spawn_file_actions_addclose(a, base + i));
            }
            IntByReference pid = new IntByReference();
            int err = C.posix_spawn(pid, path, a, SpawnAttributes.get(what), argv.pointer(), envp.pointer());
            return new int[] {err == 0 ? pid.intValue() : 0, err};
        } finally {
            C.posix_spawn_file_actions_destroy(a); // frees what init allocated; it cannot fail on an initialized one
        }
    }

    /** The posix_spawn functions return the error number (they do not set errno). */
    private static void spawnCheck(String what, String step, int err) {
        if (err != 0) {
            throw fail(what, step, err, Hint.NONE);
        }
    }

    /** The spawn attributes, made once: empty signal mask, every signal to its default disposition. */
    private static final class SpawnAttributes {
        private static volatile Pointer attributes;

        static Pointer get(String what) {
            Pointer a = attributes;
            if (a == null) {
                synchronized (SpawnAttributes.class) {
                    a = attributes;
                    if (a == null) {
                        a = make(what);
                        attributes = a;
                    }
                }
            }
            return a;
        }

        private static Pointer make(String what) {
            Pointer a = Structs.memory(Structs.direct(new Structs.SpawnAttr(Native.RUNTIME)));
            Pointer empty = Structs.memory(Structs.direct(new Structs.SigSet(Native.RUNTIME)));
            Pointer all = Structs.memory(Structs.direct(new Structs.SigSet(Native.RUNTIME)));
            spawnCheck(what, "posix_spawnattr_init", C.posix_spawnattr_init(a));
            // sigemptyset/sigfillset return -1 with errno (EINVAL only for a NULL set)
            orThrow(result(C.sigemptyset(empty)), what, "sigemptyset", Hint.NONE);
            orThrow(result(C.sigfillset(all)), what, "sigfillset", Hint.NONE);
            spawnCheck(what, "posix_spawnattr_setsigmask", C.posix_spawnattr_setsigmask(a, empty));
            spawnCheck(what, "posix_spawnattr_setsigdefault", C.posix_spawnattr_setsigdefault(a, all));
            spawnCheck(what, "posix_spawnattr_setflags", C.posix_spawnattr_setflags(a,
                    (short) (Native.POSIX_SPAWN_SETSIGMASK | Native.POSIX_SPAWN_SETSIGDEF)));
            return a;
        }
    }

    // ---- poll

    /** A reusable array of {@code struct pollfd}. */
    public static final class PollSet {
        private final Structs.PollFd[] fds;

        /** Room for {@code capacity} fds. */
        public PollSet(int capacity) {
            fds = new Structs.PollFd[capacity];
            long size = Struct.size(new Structs.PollFd(Native.RUNTIME));
            Pointer memory = Memory.allocateDirect(Native.RUNTIME, size * capacity, true);
            for (int i = 0; i < capacity; i++) {
                fds[i] = new Structs.PollFd(Native.RUNTIME);
                fds[i].useMemory(memory.slice(size * i));
            }
        }

        /** Entry {@code i}: {@code fd} and the events to wait for; clears its revents. */
        public void set(int i, int fd, short events) {
            fds[i].fd.set(fd);
            fds[i].events.set(events);
            fds[i].revents.set((short) 0);
        }

        /** The events entry {@code i} got. */
        public short revents(int i) {
            return fds[i].revents.get();
        }

        /** poll(2) on the first {@code n} entries: how many are ready; 0 when a signal interrupted it (EINTR). */
        public int poll(String what, String step, int n, int timeoutMillis) {
            int r = result(C.poll(Structs.memory(fds[0]), n, timeoutMillis));
            return r == -Errno.EINTR ? 0 : orThrow(r, what, step, Hint.NONE);
        }
    }

    // ---- sockets

    /** socket(2). */
    public static int socket(String what, String step, int domain, int type, int protocol) {
        return orThrow(result(C.socket(domain, type, protocol)), what, step, TOO_MANY_FILES);
    }

    /** setsockopt(2) of an int option: 0 or -errno. */
    public static int trySetsockoptInt(int fd, int level, int name, int value) {
        Pointer v = Memory.allocateDirect(Native.RUNTIME, 4, true);
        v.putInt(0, value);
        return result(C.setsockopt(fd, level, name, v, 4));
    }

    /** setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, {seconds, 0}). */
    public static void receiveTimeout(String what, int fd, int seconds) {
        Structs.TimeVal tv = Structs.direct(new Structs.TimeVal(Native.RUNTIME));
        tv.sec.set(seconds);
        tv.usec.set(0);
        orThrow(result(C.setsockopt(fd, Native.SOL_SOCKET, Native.SO_RCVTIMEO, Structs.memory(tv), Struct.size(tv))),
                what, "setsockopt SO_RCVTIMEO", Hint.NONE);
    }

    private static Structs.SockaddrNl kernel(int family) {
        Structs.SockaddrNl a = Structs.direct(new Structs.SockaddrNl(Native.RUNTIME));
        a.family.set(family);
        return a; // pid 0: the kernel (or, for bind, "assign one"); no groups
    }

    /** bind(2) of a netlink socket of {@code family} (AF_NETLINK) to a port the kernel picks. */
    public static void bindNetlink(String what, int fd, int family) {
        Structs.SockaddrNl a = kernel(family);
        orThrow(result(C.bind(fd, Structs.memory(a), Struct.size(a))), what, "bind netlink socket", Hint.NONE);
    }

    /** sendto(2) to the kernel's netlink port, retried on EINTR: the count or -errno. */
    public static int trySendToKernel(int fd, int family, byte[] buf) {
        Structs.SockaddrNl a = kernel(family);
        return retryingEintr(() -> result(C.sendto(fd, buf, buf.length, 0, Structs.memory(a), Struct.size(a))));
    }

    /** recv(2), retried on EINTR: the count or -errno (EAGAIN: the receive timeout passed). */
    public static int tryRecv(int fd, byte[] buf) {
        return retryingEintr(() -> result(C.recv(fd, buf, buf.length, 0)));
    }

    /** What {@link #receiveWithFd} got: the bytes (null at EOF), at most one fd (-1 when none), or an errno. */
    public record Received(byte[] data, int fd, int errno) {
    }

    /**
     * sendmsg(2) of {@code data} with {@code fds} (SCM_RIGHTS) and {@code flags} (MSG_NOSIGNAL added), retried on
     * EINTR: 0 or the errno.
     */
    public static int sendWithFds(int sock, byte[] data, int[] fds, int flags) {
        Pointer body = Memory.allocateDirect(Native.RUNTIME, Math.max(1, data.length), true);
        body.put(0, data, 0, data.length);
        Structs.IoVec iov = Structs.direct(new Structs.IoVec(Native.RUNTIME));
        iov.base.set(body);
        iov.len.set(data.length);
        Structs.RightsCmsg ctl = Structs.direct(new Structs.RightsCmsg(Native.RUNTIME, fds.length));
        ctl.len.set(Structs.RightsCmsg.length(fds.length));
        ctl.level.set(Native.SOL_SOCKET);
        ctl.type.set(Native.SCM_RIGHTS);
        for (int i = 0; i < fds.length; i++) {
            ctl.fds[i].set(fds[i]);
        }
        Structs.MsgHdr msg = Structs.direct(new Structs.MsgHdr(Native.RUNTIME));
        msg.iov.set(Structs.memory(iov));
        msg.iovLen.set(1);
        msg.control.set(Structs.memory(ctl));
        msg.controlLen.set(Struct.size(ctl));
        int r = retryingEintr(() -> result(C.sendmsg(sock, Structs.memory(msg), Native.MSG_NOSIGNAL | flags)));
        return r < 0 ? -r : 0;
    }

    /** recvmsg(2) of up to {@code max} bytes and at most one fd (made close-on-exec), retried on EINTR. */
    public static Received receiveWithFd(int sock, int max) {
        Pointer body = Memory.allocateDirect(Native.RUNTIME, Math.max(1, max), true);
        Structs.IoVec iov = Structs.direct(new Structs.IoVec(Native.RUNTIME));
        iov.base.set(body);
        iov.len.set(max);
        Structs.RightsCmsg ctl = Structs.direct(new Structs.RightsCmsg(Native.RUNTIME, 1));
        Structs.MsgHdr msg = Structs.direct(new Structs.MsgHdr(Native.RUNTIME));
        msg.iov.set(Structs.memory(iov));
        msg.iovLen.set(1);
        msg.control.set(Structs.memory(ctl));
        msg.controlLen.set(Struct.size(ctl));
        int n = retryingEintr(() -> result(C.recvmsg(sock, Structs.memory(msg), Native.MSG_CMSG_CLOEXEC)));
        if (n < 0) {
            return new Received(null, -1, -n);
        }
        int fd = -1;
        if (msg.controlLen.get() >= Structs.RightsCmsg.length(1) && ctl.level.get() == Native.SOL_SOCKET
                && ctl.type.get() == Native.SCM_RIGHTS) {
            fd = ctl.fds[0].get();
        }
        if (n == 0 && fd < 0) {
            return new Received(null, -1, 0);
        }
        byte[] data = new byte[n];
        body.get(0, data, 0, n);
        return new Received(data, fd, 0);
    }

    /**
     * poll(2) of one fd: its revents, 0 on timeout, -1 on an error other than EINTR (EINTR counts as a
     * timeout: the caller's loop polls again).
     */
    public static int pollOne(int fd, short events, int timeoutMs) {
        int[] p = {fd, events & 0xffff};
        int r = C.poll(p, 1, timeoutMs);
        if (r < 0) {
            return Native.errno() == Errno.EINTR ? 0 : -1;
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
        int moved = C.fcntl(fd, Native.F_DUPFD_CLOEXEC, min);
        if (moved < 0) {
            return fd;
        }
        C.close(fd);
        return moved;
    }
}
