package dev.jns.linux.ffi;

import dev.jns.Errno;
import dev.jns.NamespaceException;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;

import static dev.jns.linux.ffi.Native.C;

/**
 * Checked system calls: each returns its result or throws a {@link NamespaceException} that names what was
 * being done ({@code what}), the call, and the errno. EINTR is retried where a retry is right.
 */
public final class Sys {
    private Sys() {
    }

    /** A failure of {@code step} with the current errno. */
    public static NamespaceException fail(String what, String step, String hint) {
        return NamespaceException.builder(what).step(step).errno(Native.errno()).hint(hint).build();
    }

    /** pipe2(O_CLOEXEC): {read end, write end}. */
    public static int[] pipe(String what) {
        int[] fds = new int[2];
        if (C.pipe2(fds, Native.O_CLOEXEC) != 0) {
            int e = Native.errno();
            throw NamespaceException.builder(what).step("pipe2").errno(e)
                    .hint(e == Errno.EMFILE || e == Errno.ENFILE ? "too many open files: close handles and processes you no longer need" : null)
                    .build();
        }
        return fds;
    }

    /** Closes fd if it is not negative; errors are ignored (the fd is gone either way on Linux). */
    public static void closeQuietly(int fd) {
        if (fd >= 0) {
            C.close(fd);
        }
    }

    /** open(2) with O_CLOEXEC added. */
    public static int open(String what, String path, int flags, int mode) {
        int fd;
        do {
            fd = C.open(path, flags | Native.O_CLOEXEC, mode);
        } while (fd < 0 && Native.errno() == Errno.EINTR);
        if (fd < 0) {
            throw fail(what, "open " + path, null);
        }
        return fd;
    }

    /** Writes all of {@code data}. */
    public static void writeFully(String what, int fd, byte[] data) {
        int off = 0;
        byte[] chunk = data;
        while (off < data.length) {
            if (off > 0) {
                chunk = java.util.Arrays.copyOfRange(data, off, data.length);
            }
            long n = C.write(fd, chunk, chunk.length);
            if (n < 0) {
                if (Native.errno() == Errno.EINTR) {
                    continue;
                }
                throw fail(what, "write", null);
            }
            off += (int) n;
        }
    }

    /** One read(2), retried on EINTR: the count, 0 at EOF. */
    public static int read(String what, int fd, byte[] buf, int len) {
        while (true) {
            long n = C.read(fd, buf, len);
            if (n >= 0) {
                return (int) n;
            }
            if (Native.errno() != Errno.EINTR) {
                throw fail(what, "read", null);
            }
        }
    }

    /** (st_dev, st_ino) of an open fd. */
    public static long[] devIno(String what, int fd) {
        Pointer st = Memory.allocateDirect(Native.RUNTIME, 256, true);
        if (C.fstat(fd, st) != 0) {
            throw fail(what, "fstat", null);
        }
        // struct stat on x86-64 and arm64 (generic): st_dev at 0, st_ino at 8, both 64-bit
        return new long[] {st.getLong(0), st.getLong(8)};
    }

    /** waitpid(pid, 0), retried on EINTR: the raw status. */
    public static int waitpid(int pid) {
        jnr.ffi.byref.IntByReference status = new jnr.ffi.byref.IntByReference();
        while (true) {
            int r = C.waitpid(pid, status, 0);
            if (r == pid) {
                return status.intValue();
            }
            if (r < 0 && Native.errno() != Errno.EINTR) {
                throw fail("wait for process " + pid, "waitpid", null);
            }
        }
    }

    /** pidfd_open(pid, 0), or -1 with errno set. */
    public static int pidfdOpen(int pid) {
        return (int) C.syscall(Native.SYS_PIDFD_OPEN, pid, 0, 0, 0);
    }

    /** pidfd_send_signal(pidfd, sig, NULL, 0): 0, or -1 with errno set. */
    public static int pidfdSignal(int pidfd, int sig) {
        return (int) C.syscall(Native.SYS_PIDFD_SEND_SIGNAL, pidfd, sig, 0, 0);
    }

    /**
     * poll(2) of one fd: its revents, 0 on timeout, -1 on an error other than EINTR (EINTR counts as a
     * timeout: the caller's loop polls again).
     */
    public static int pollOne(int fd, short events, int timeoutMs) {
        Pointer p = Memory.allocateDirect(Native.RUNTIME, 8, true);
        p.putInt(0, fd);
        p.putShort(4, events);
        int r = C.poll(p, 1, timeoutMs);
        if (r < 0) {
            return Native.errno() == Errno.EINTR ? 0 : -1;
        }
        return r == 0 ? 0 : p.getShort(6) & 0xffff;
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
