package dev.jns.linux.net;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** The attributes (rtattr/nlattr) of a message or of a nested attribute, by type (the last of a type wins). */
final class NlAttrs {
    private final Map<Integer, byte[]> byType = new LinkedHashMap<>();

    private NlAttrs() {
    }

    /**
     * Parses the attributes in {@code data[off..off+len)}.
     *
     * @throws IllegalArgumentException when an attribute's length runs out of bounds
     */
    static NlAttrs parse(byte[] data, int off, int len) {
        NlAttrs a = new NlAttrs();
        ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.nativeOrder());
        int p = off;
        int end = off + len;
        while (end - p >= 4) {
            int alen = Short.toUnsignedInt(b.getShort(p));
            int type = Short.toUnsignedInt(b.getShort(p + 2)) & Nl.NLA_TYPE_MASK;
            if (alen < 4 || alen > end - p) {
                throw new IllegalArgumentException("attribute at " + p + " has length " + alen + " of " + (end - p));
            }
            a.byType.put(type, Arrays.copyOfRange(data, p + 4, p + alen));
            p += Nl.align(alen);
        }
        return a;
    }

    /** The attributes of a nested attribute's payload. */
    static NlAttrs nested(byte[] payload) {
        return parse(payload, 0, payload.length);
    }

    Map<Integer, byte[]> all() {
        return byType;
    }

    boolean has(int type) {
        return byType.containsKey(type);
    }

    byte[] get(int type) {
        return byType.get(type);
    }

    /** A NUL-terminated (or not) string, or null. */
    String string(int type) {
        byte[] v = byType.get(type);
        if (v == null) {
            return null;
        }
        int n = 0;
        while (n < v.length && v[n] != 0) {
            n++;
        }
        return new String(v, 0, n, StandardCharsets.UTF_8);
    }

    /** A u32 (native order), or {@code dflt}. */
    int u32(int type, int dflt) {
        byte[] v = byType.get(type);
        return v == null || v.length < 4 ? dflt : ByteBuffer.wrap(v).order(ByteOrder.nativeOrder()).getInt();
    }

    /** A u8, or {@code dflt}. */
    int u8(int type, int dflt) {
        byte[] v = byType.get(type);
        return v == null || v.length < 1 ? dflt : v[0] & 0xff;
    }
}
