package dev.jns.linux.net;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Builds one netlink message in native (little-endian on x86-64 and arm64) byte order: the header, a fixed
 * family header ({@link IfInfoMsg}, {@link IfAddrMsg}, {@link RtMsg}), then attributes, nested ones too. Lengths
 * are filled in by {@link #end(int)} and {@link #finish()}.
 */
final class NlWriter {
    private ByteBuffer buf = ByteBuffer.allocate(256).order(ByteOrder.nativeOrder());

    /** Starts a message: nlmsghdr with the length left to {@link #finish()}. */
    NlWriter(int type, int flags, int seq) {
        buf.putInt(0).putShort((short) type).putShort((short) flags).putInt(seq).putInt(0);
    }

    private void room(int n) {
        if (buf.remaining() < n) {
            ByteBuffer b = ByteBuffer.allocate(Math.max(buf.capacity() * 2, buf.position() + n)).order(ByteOrder.nativeOrder());
            buf.flip();
            b.put(buf);
            buf = b;
        }
    }

    ByteBuffer raw(int n) {
        room(n);
        return buf;
    }

    /** Appends raw bytes, padded to 4. */
    NlWriter bytes(byte[] b) {
        room(Nl.align(b.length));
        buf.put(b);
        pad();
        return this;
    }

    private void pad() {
        while ((buf.position() & 3) != 0) {
            buf.put((byte) 0);
        }
    }

    /** An attribute with a payload. */
    NlWriter attr(int type, byte[] value) {
        room(4 + Nl.align(value.length));
        buf.putShort((short) (4 + value.length)).putShort((short) type).put(value);
        pad();
        return this;
    }

    /** A u32 attribute. */
    NlWriter u32(int type, int value) {
        room(8);
        buf.putShort((short) 8).putShort((short) type).putInt(value);
        return this;
    }

    /** A u8 attribute. */
    NlWriter u8(int type, int value) {
        return attr(type, new byte[] {(byte) value});
    }

    /** A NUL-terminated string attribute. */
    NlWriter string(int type, String value) {
        byte[] s = value.getBytes(StandardCharsets.UTF_8);
        return attr(type, Arrays.copyOf(s, s.length + 1));
    }

    /** Opens a nested attribute; returns its position for {@link #end(int)}. */
    int nest(int type) {
        room(4);
        int at = buf.position();
        buf.putShort((short) 0).putShort((short) (type | Nl.NLA_F_NESTED));
        return at;
    }

    /** Closes a nested attribute opened at {@code at}. */
    NlWriter end(int at) {
        buf.putShort(at, (short) (buf.position() - at));
        return this;
    }

    /** The finished message, with its length. */
    byte[] finish() {
        buf.putInt(0, buf.position());
        return Arrays.copyOf(buf.array(), buf.position());
    }
}
