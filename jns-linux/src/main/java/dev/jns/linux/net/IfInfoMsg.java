package dev.jns.linux.net;

import java.nio.ByteBuffer;

/** struct ifinfomsg (16 bytes): the fixed header of link messages. */
record IfInfoMsg(int family, int type, int index, int flags, int change) {
    static final int SIZE = 16;

    void write(NlWriter w) {
        w.raw(SIZE).put((byte) family).put((byte) 0).putShort((short) type).putInt(index).putInt(flags).putInt(change);
    }

    static IfInfoMsg read(ByteBuffer b) {
        if (b.remaining() < SIZE) {
            throw new IllegalArgumentException("ifinfomsg needs " + SIZE + " bytes, has " + b.remaining());
        }
        int p = b.position();
        return new IfInfoMsg(b.get(p) & 0xff, Short.toUnsignedInt(b.getShort(p + 2)), b.getInt(p + 4), b.getInt(p + 8),
                b.getInt(p + 12));
    }
}
