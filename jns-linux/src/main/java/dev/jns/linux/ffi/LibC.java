package dev.jns.linux.ffi;

import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.byref.IntByReference;
import jnr.ffi.types.size_t;
import jnr.ffi.types.ssize_t;

/**
 * The one binding of libc in jns: every function jns calls, loaded once by {@link Native}. Public only because
 * jnr-ffi generates its implementation in an unnamed module; not an API. Nothing outside this package calls it:
 * {@link Sys} wraps each function, reads errno right after the call and checks the result. Structs are passed as
 * the memory of a {@link jnr.ffi.Struct} ({@link Structs}).
 */
public interface LibC {
    int open(String path, int flags, int mode);

    int close(int fd);

    @ssize_t long read(int fd, @Out byte[] buf, @size_t long count);

    /** read(2) into native memory: no copy of a Java array in or out (the spawn's output loop). */
    @ssize_t long read(int fd, Pointer buf, @size_t long count);

    @ssize_t long write(int fd, @In byte[] buf, @size_t long count);

    int pipe2(@Out int[] fds, int flags);

    int poll(Pointer fds, long nfds, int timeout);

    /**
     * poll(2) on {@code struct pollfd}s laid out in an int array, two ints each: the fd, then events in the low
     * and revents in the high 16 bits (little-endian, as on x86-64 and arm64). No native memory is allocated.
     */
    int poll(@In @Out int[] fds, long nfds, int timeout);

    int socket(int domain, int type, int protocol);

    int socketpair(int domain, int type, int protocol, @Out int[] sv);

    int bind(int fd, Pointer addr, int addrlen);

    int setsockopt(int fd, int level, int name, Pointer value, int len);

    @ssize_t long sendto(int fd, @In byte[] buf, @size_t long len, int flags, Pointer addr, int addrlen);

    @ssize_t long recv(int fd, @Out byte[] buf, @size_t long len, int flags);

    @ssize_t long sendmsg(int fd, Pointer msg, int flags);

    @ssize_t long recvmsg(int fd, Pointer msg, int flags);

    int fcntl(int fd, int cmd, int arg);

    int ioctl(int fd, long request);

    int ioctl(int fd, long request, @Out IntByReference arg);

    int fstat(int fd, Pointer statbuf);

    int setns(int fd, int nstype);

    int unshare(int flags);

    int memfd_create(String name, int flags);

    int kill(int pid, int sig);

    int geteuid();

    int waitpid(int pid, @Out IntByReference status, int options);

    int mount(String source, String target, String fstype, long flags, Pointer data);

    int umount2(String target, int flags);

    int mkdir(String path, int mode);

    int openat(int dirfd, String path, int flags, int mode);

    @ssize_t long readlinkat(int dirfd, String path, @Out byte[] buf, @size_t long size);

    int unlinkat(int dirfd, String path, int flags);

    int fstatfs(int fd, @Out Pointer buf);

    int statx(int dirfd, String path, int flags, int mask, @Out Pointer buf);

    int unlink(String path);

    long syscall(long number, long a0, long a1, long a2, long a3);

    int posix_spawn(@Out IntByReference pid, String path, Pointer fileActions, Pointer attr, Pointer argv, Pointer envp);

    int posix_spawn_file_actions_init(Pointer fileActions);

    int posix_spawn_file_actions_destroy(Pointer fileActions);

    int posix_spawn_file_actions_adddup2(Pointer fileActions, int fd, int newfd);

    int posix_spawn_file_actions_addclose(Pointer fileActions, int fd);

    int posix_spawnattr_init(Pointer attr);

    int posix_spawnattr_setflags(Pointer attr, short flags);

    int posix_spawnattr_setsigmask(Pointer attr, Pointer sigmask);

    int posix_spawnattr_setsigdefault(Pointer attr, Pointer sigdefault);

    int sigemptyset(Pointer set);

    int sigfillset(Pointer set);
}
