package dev.jns.linux.spawn;

import dev.jns.linux.ffi.Sys;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The fork server's messages: a few 32-bit words with file descriptors (SCM_RIGHTS) on a unix socket. */
final class FdMessage {
    private FdMessage() {
    }

    /** Sends {@code words} and {@code fds}; returns 0 or the errno. */
    static int send(int sock, int[] words, int[] fds) {
        ByteBuffer body = ByteBuffer.allocate(words.length * 4).order(ByteOrder.nativeOrder());
        for (int w : words) {
            body.putInt(w);
        }
        return Sys.sendWithFds(sock, body.array(), fds);
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
        ByteBuffer b = ByteBuffer.wrap(r.data()).order(ByteOrder.nativeOrder());
        int[] words = new int[r.data().length / 4];
        for (int i = 0; i < words.length; i++) {
            words[i] = b.getInt();
        }
        return new Received(words, r.fd(), 0);
    }
}
