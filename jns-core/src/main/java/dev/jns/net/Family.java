package dev.jns.net;

/** An IP address family. */
public enum Family {
    /** IPv4, {@code AF_INET}: 32-bit addresses. */
    IPV4(2, 32),
    /** IPv6, {@code AF_INET6}: 128-bit addresses. */
    IPV6(10, 128);

    private final int af;
    private final int bits;

    Family(int af, int bits) {
        this.af = af;
        this.bits = bits;
    }

    /** The {@code AF_*} number of the family on Linux (2 or 10). */
    public int af() {
        return af;
    }

    /** The length of an address in bits (32 or 128). */
    public int bits() {
        return bits;
    }

    /** The length of an address in bytes (4 or 16). */
    public int bytes() {
        return bits / 8;
    }

    /** The family of an {@code AF_*} number, or null when it is neither. */
    public static Family ofAf(int af) {
        return af == 2 ? IPV4 : af == 10 ? IPV6 : null;
    }

    /** The family of an address of {@code length} bytes (4 or 16). */
    static Family ofLength(int length) {
        if (length == 4) {
            return IPV4;
        }
        if (length == 16) {
            return IPV6;
        }
        throw new IllegalArgumentException("an IP address has 4 or 16 bytes, not " + length);
    }
}
