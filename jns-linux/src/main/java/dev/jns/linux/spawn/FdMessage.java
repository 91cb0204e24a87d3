package dev.jns.linux.spawn;

import dev.jns.linux.ffi.Native;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;

import static dev.jns.linux.ffi.Native.C;

/**
 * sendmsg/recvmsg of a few 32-bit words with file descriptors (SCM_RIGHTS) on a unix socket, with the
 * struct layouts of LP64 Linux (x86-64, arm64): msghdr 56 bytes, iovec 16, cmsghdr header 16.
 */
final class FdMessage {
    private static final int MSGHDR = 56;
    private static final int CMSG_HDR = 16;

    private FdMessage() {
    }

    private static long space(int fds) {
        return CMSG_HDR + ((fds * 4L + 7) & ~7L);
    }

    /** Sends {@code words} and {@code fds} with {@code flags} (MSG_NOSIGNAL added); returns 0 or the errno. */
    static int send(int sock, int[] words, int[] fds, int flags) {
        Pointer body = Memory.allocateDirect(Native.RUNTIME, words.length * 4L, true);
        for (int i = 0; i < words.length; i++) {
            body.putInt(4L * i, words[i]);
        }
        Pointer iov = Memory.allocateDirect(Native.RUNTIME, 16, true);
        iov.putPointer(0, body);
        iov.putLong(8, words.length * 4L);
        Pointer ctl = Memory.allocateDirect(Native.RUNTIME, space(fds.length), true);
        ctl.putLong(0, CMSG_HDR + fds.length * 4L);
        ctl.putInt(8, Native.SOL_SOCKET);
        ctl.putInt(12, Native.SCM_RIGHTS);
        for (int i = 0; i < fds.length; i++) {
            ctl.putInt(CMSG_HDR + 4L * i, fds[i]);
        }
        Pointer msg = Memory.allocateDirect(Native.RUNTIME, MSGHDR, true);
        msg.putPointer(16, iov);
        msg.putLong(24, 1);
        msg.putPointer(32, ctl);
        msg.putLong(40, space(fds.length));
        while (true) {
            long n = C.sendmsg(sock, msg, Native.MSG_NOSIGNAL | flags);
            if (n >= 0) {
                return 0;
            }
            int e = Native.errno();
            if (e != dev.jns.Errno.EINTR) {
                return e;
            }
        }
    }

    /** What {@link #receive} got: the words (null at EOF) and at most one fd (-1 when none). */
    record Received(int[] words, int fd, int errno) {
    }

    /** Receives up to {@code nWords} words and at most one fd (made close-on-exec). */
    static Received receive(int sock, int nWords) {
        Pointer body = Memory.allocateDirect(Native.RUNTIME, nWords * 4L, true);
        Pointer iov = Memory.allocateDirect(Native.RUNTIME, 16, true);
        iov.putPointer(0, body);
        iov.putLong(8, nWords * 4L);
        Pointer ctl = Memory.allocateDirect(Native.RUNTIME, space(1), true);
        Pointer msg = Memory.allocateDirect(Native.RUNTIME, MSGHDR, true);
        msg.putPointer(16, iov);
        msg.putLong(24, 1);
        msg.putPointer(32, ctl);
        msg.putLong(40, space(1));
        long n;
        while (true) {
            n = C.recvmsg(sock, msg, Native.MSG_CMSG_CLOEXEC);
            if (n >= 0 || Native.errno() != dev.jns.Errno.EINTR) {
                break;
            }
        }
        if (n < 0) {
            return new Received(null, -1, Native.errno());
        }
        int fd = -1;
        if (msg.getLong(40) >= CMSG_HDR + 4 && ctl.getInt(8) == Native.SOL_SOCKET && ctl.getInt(12) == Native.SCM_RIGHTS) {
            fd = ctl.getInt(CMSG_HDR);
        }
        if (n == 0 && fd < 0) {
            return new Received(null, -1, 0);
        }
        int[] words = new int[(int) (n / 4)];
        for (int i = 0; i < words.length; i++) {
            words[i] = body.getInt(4L * i);
        }
        return new Received(words, fd, 0);
    }
}
