package dev.jns.linux.ffi;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The system calls of the JVM side, one native method each, implemented in C ({@code src/main/jni/calls.c}, the
 * library {@link NativeLibrary} loads). Every method returns its result or {@code -errno}: the errno is read in
 * C right after the call, so there is no errno to fetch afterwards. Paths and names are UTF-8 bytes without a
 * terminating NUL ({@link #bytes}); null stands for a NULL pointer. The calls that may block on a pipe, socket
 * or FIFO (open, openat, read, readDirect, write, sendToKernel, recv, sendWithFds, receiveWithFd) are made again
 * in C while they fail with EINTR; the others return {@code -EINTR}. Only {@link Sys} calls these.
 */
final class Calls {
    static {
        NativeLibrary.loadForCalls();
    }

    private Calls() {
    }

    /** Nothing but this class's initialization, which loads the library (or records why it could not). */
    static void initialize() {
    }

    /** A path or name as these methods take it: its UTF-8 bytes, no NUL added; null stays null. */
    static byte[] bytes(String s) {
        return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
    }

    static native int open(byte[] path, int flags, int mode);

    static native int openat(int dirfd, byte[] path, int flags, int mode);

    static native int close(int fd);

    static native int read(int fd, byte[] buf, int off, int len);

    /** read(2) into a direct buffer, from its start: no Java array copied in and out. */
    static native int readDirect(int fd, ByteBuffer buf, int len);

    static native int write(int fd, byte[] buf, int off, int len);

    static native int pipe2(int[] fds, int flags);

    static native int fcntl(int fd, int cmd, int arg);

    /** fstat(2): {@code out} gets st_dev, st_ino. */
    static native int fstatDevIno(int fd, long[] out);

    /** statx(2): {@code out} gets stx_mode, stx_uid, stx_size, stx_dev_major, stx_dev_minor, stx_ino. */
    static native int statx(int dirfd, byte[] path, int flags, int mask, long[] out);

    /** fstatfs(2): {@code out} gets f_type. */
    static native int fstatfsType(int fd, long[] out);

    static native int readlinkat(int dirfd, byte[] path, byte[] buf);

    static native int unlinkat(int dirfd, byte[] path, int flags);

    static native int unlink(byte[] path);

    static native int mkdir(byte[] path, int mode);

    static native int memfdCreate(byte[] name, int flags);

    static native int ioctl(int fd, long request);

    /** ioctl(2) with an int written through its argument: into {@code out[0]}. */
    static native int ioctlInt(int fd, long request, int[] out);

    static native int setns(int fd, int nstype);

    static native int unshare(int flags);

    static native int mount(byte[] source, byte[] target, byte[] fstype, long flags);

    static native int umount2(byte[] target, int flags);

    static native int kill(int pid, int sig);

    /** geteuid(2): the uid's 32 bits (never fails). */
    static native int geteuid();

    /** waitpid(2): the pid or -errno; the raw status in {@code status[0]}. */
    static native int waitpid(int pid, int[] status, int options);

    static native int pidfdOpen(int pid, int flags);

    static native int pidfdSendSignal(int pidfd, int sig);

    /**
     * posix_spawn of {@code path} with {@code sources[i]} as its fd {@code i}, an empty signal mask, every signal
     * at its default disposition and no environment: the pid or -errno. {@code keepFd} (or -1) is an fd the file
     * actions must not touch.
     */
    static native int posixSpawn(byte[] path, int[] sources, int keepFd, byte[][] argv);

    /**
     * poll(2) on {@code nfds} pollfds laid out in an int array, two ints each: the fd, then events in the low and
     * revents in the high 16 bits.
     */
    static native int poll(int[] fds, int nfds, int timeout);

    /** epoll_create1(EPOLL_CLOEXEC). */
    static native int epollCreate();

    /** epoll_ctl(2), EPOLL_CTL_ADD or EPOLL_CTL_MOD, of {@code fd} with {@code events} and {@code key} as its data. */
    static native int epollCtl(int epfd, int op, int fd, int events, long key);

    /** epoll_wait(2): the keys of at most {@code keys.length} (and 64) ready fds in {@code keys}; their count. */
    static native int epollWait(int epfd, long[] keys, int timeout);

    static native int socket(int domain, int type, int protocol);

    static native int socketpair(int domain, int type, int protocol, int[] sv);

    static native int setsockoptInt(int fd, int level, int name, int value);

    /** setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, {seconds, 0}). */
    static native int receiveTimeout(int fd, int seconds);

    /** bind(2) of a netlink socket to a port the kernel picks. */
    static native int bindNetlink(int fd, int family);

    /** sendto(2) of {@code buf[0..len)} to the kernel's netlink port. */
    static native int sendToKernel(int fd, int family, byte[] buf, int len);

    static native int recv(int fd, byte[] buf, int len, int flags);

    /** sendmsg(2) of {@code data[0..len)} with {@code fds} (SCM_RIGHTS; none when empty): the count or -errno. */
    static native int sendWithFds(int sock, byte[] data, int len, int[] fds, int flags);

    /** recvmsg(2) of up to {@code len} bytes and at most one fd (into {@code fd[0]}, -1 when none). */
    static native int receiveWithFd(int sock, byte[] buf, int len, int[] fd, int flags);
}
