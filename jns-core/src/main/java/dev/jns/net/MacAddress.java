package dev.jns.net;

import dev.jns.InvalidSpecException;

/**
 * A 48-bit Ethernet (MAC) address, written {@code 02:6a:6e:73:00:01}.
 *
 * @param value the address in the low 48 bits
 */
public record MacAddress(long value) {
    /** Checks that only 48 bits are used. */
    public MacAddress {
        if ((value & ~0xffff_ffff_ffffL) != 0) {
            throw new InvalidSpecException("mac", Long.toHexString(value) + " has more than 48 bits", null);
        }
    }

    /**
     * Parses six colon-separated pairs of hex digits.
     *
     * @throws InvalidSpecException naming the field {@code "mac"}
     */
    public static MacAddress parse(String text) {
        String hint = "six pairs of hex digits: 02:6a:6e:73:00:01 (02 in the first byte: locally administered)";
        if (text == null) {
            throw new InvalidSpecException("mac", "no address given", hint);
        }
        String[] parts = text.split(":", -1);
        if (parts.length != 6) {
            throw new InvalidSpecException("mac", "'" + text + "' has " + parts.length + " parts, not 6", hint);
        }
        long v = 0;
        for (String p : parts) {
            if (p.length() != 2 || Character.digit(p.charAt(0), 16) < 0 || Character.digit(p.charAt(1), 16) < 0) {
                throw new InvalidSpecException("mac", "'" + text + "': '" + p + "' is not two hex digits", hint);
            }
            v = (v << 8) | Integer.parseInt(p, 16);
        }
        return new MacAddress(v);
    }

    /** The six bytes, as the kernel takes them. */
    public static MacAddress of(byte[] bytes) {
        if (bytes.length != 6) {
            throw new InvalidSpecException("mac", bytes.length + " bytes, not 6", null);
        }
        long v = 0;
        for (byte b : bytes) {
            v = (v << 8) | (b & 0xff);
        }
        return new MacAddress(v);
    }

    /** The six bytes in network order. */
    public byte[] bytes() {
        byte[] b = new byte[6];
        for (int i = 0; i < 6; i++) {
            b[i] = (byte) (value >>> (8 * (5 - i)));
        }
        return b;
    }

    /** Whether the multicast bit (lowest bit of the first byte) is set: such an address is not a link's. */
    public boolean isMulticast() {
        return ((value >>> 40) & 1) != 0;
    }

    /** {@code 02:6a:6e:73:00:01}, lower case as {@code ip} prints it. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(17);
        for (byte b : bytes()) {
            if (sb.length() > 0) {
                sb.append(':');
            }
            sb.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return sb.toString();
    }
}
