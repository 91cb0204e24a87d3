package dev.jns.linux.net;

import java.nio.ByteBuffer;

/** struct ifaddrmsg (8 bytes): the fixed header of address messages. */
record IfAddrMsg(int family, int prefixLen, int flags, int scope, int index) {
    static final int SIZE = 8;

    void write(NlWriter w) {
        w.raw(SIZE).put((byte) family).put((byte) prefixLen).put((byte) flags).put((byte) scope).putInt(index);
    }

    static IfAddrMsg read(ByteBuffer b) {
        if (b.remaining() < SIZE) {
            throw new IllegalArgumentException("ifaddrmsg needs " + SIZE + " bytes, has " + b.remaining());
        }
        int p = b.position();
        return new IfAddrMsg(b.get(p) & 0xff, b.get(p + 1) & 0xff, b.get(p + 2) & 0xff, b.get(p + 3) & 0xff, b.getInt(p + 4));
    }
}
