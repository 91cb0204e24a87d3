package dev.jns.linux.spawn;

import dev.jns.linux.ffi.Sys;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The fork server's messages: a few 32-bit words (native byte order) with file descriptors (SCM_RIGHTS) on its
 * SOCK_SEQPACKET socket, over {@link Sys#sendWithFds} and {@link Sys#receiveWithFd}.
 */
final class FdMessage {
    private FdMessage() {
    }

    /** Sends {@code words} and {@code fds} with {@code flags} (MSG_NOSIGNAL added); returns 0 or the errno. */
    static int send(int sock, int[] words, int[] fds, int flags) {
        ByteBuffer b = ByteBuffer.allocate(words.length * 4).order(ByteOrder.nativeOrder());
        b.asIntBuffer().put(words);
        return Sys.sendWithFds(sock, b.array(), fds, flags);
    }

    /** What {@link #receive} got: the words (null at EOF) and at most one fd (-1 when none). */
    record Received(int[] words, int fd, int errno) {
    }

    /** Receives up to {@code nWords} words and at most one fd (made close-on-exec). */
    static Received receive(int sock, int nWords) {
        Sys.Received r = Sys.receiveWithFd(sock, nWords * 4);
        if (r.data() == null) {
            return new Received(null, r.fd(), r.errno());
        }
        int[] words = new int[r.data().length / 4];
        ByteBuffer.wrap(r.data()).order(ByteOrder.nativeOrder()).asIntBuffer().get(words);
        return new Received(words, r.fd(), 0);
    }
}
