package dev.jns.linux.net;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One received netlink message: the header's fields and the payload after it.
 *
 * @param type    nlmsg_type
 * @param flags   nlmsg_flags
 * @param seq     nlmsg_seq
 * @param pid     nlmsg_pid (port id)
 * @param payload the bytes after the 16-byte header, up to nlmsg_len
 */
record NlMessage(int type, int flags, int seq, int pid, byte[] payload) {
    /** The payload in native byte order. */
    ByteBuffer buffer() {
        return ByteBuffer.wrap(payload).order(ByteOrder.nativeOrder());
    }

    /**
     * Splits a datagram into messages.
     *
     * @throws IllegalArgumentException when a length is out of bounds (a truncated or corrupt datagram)
     */
    static List<NlMessage> parseAll(byte[] data, int length) {
        ByteBuffer b = ByteBuffer.wrap(data, 0, length).order(ByteOrder.nativeOrder());
        List<NlMessage> out = new ArrayList<>();
        int off = 0;
        while (length - off >= Nl.HDRLEN) {
            int len = b.getInt(off);
            if (len < Nl.HDRLEN || len > length - off) {
                throw new IllegalArgumentException("netlink message at " + off + " has length " + len
                        + " of " + (length - off) + " bytes left");
            }
            int type = Short.toUnsignedInt(b.getShort(off + 4));
            int flags = Short.toUnsignedInt(b.getShort(off + 6));
            int seq = b.getInt(off + 8);
            int pid = b.getInt(off + 12);
            out.add(new NlMessage(type, flags, seq, pid, Arrays.copyOfRange(data, off + Nl.HDRLEN, off + len)));
            off += Nl.align(len);
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NlMessage m && m.type == type && m.flags == flags && m.seq == seq && m.pid == pid
                && Arrays.equals(m.payload, payload);
    }

    @Override
    public int hashCode() {
        return ((type * 31 + flags) * 31 + seq) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return Nl.typeName(type) + " flags=0x" + Integer.toHexString(flags) + " seq=" + seq + " len=" + payload.length;
    }
}
