package dev.jns.linux.net;

import java.nio.ByteBuffer;

/** struct rtmsg (12 bytes): the fixed header of route messages. */
record RtMsg(int family, int dstLen, int srcLen, int tos, int table, int protocol, int scope, int type, int flags) {
    static final int SIZE = 12;

    void write(NlWriter w) {
        w.raw(SIZE).put((byte) family).put((byte) dstLen).put((byte) srcLen).put((byte) tos).put((byte) table)
                .put((byte) protocol).put((byte) scope).put((byte) type).putInt(flags);
    }

    static RtMsg read(ByteBuffer b) {
        if (b.remaining() < SIZE) {
            throw new IllegalArgumentException("rtmsg needs " + SIZE + " bytes, has " + b.remaining());
        }
        int p = b.position();
        return new RtMsg(b.get(p) & 0xff, b.get(p + 1) & 0xff, b.get(p + 2) & 0xff, b.get(p + 3) & 0xff,
                b.get(p + 4) & 0xff, b.get(p + 5) & 0xff, b.get(p + 6) & 0xff, b.get(p + 7) & 0xff, b.getInt(p + 8));
    }
}
