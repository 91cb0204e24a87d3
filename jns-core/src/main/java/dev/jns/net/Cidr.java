package dev.jns.net;

import dev.jns.InvalidSpecException;

import java.net.InetAddress;
import java.util.Objects;

/**
 * An IP address with a prefix length, as {@code ip} writes it: {@code 10.200.1.1/24}, {@code fd00:6a6e::1/64}.
 * The address keeps its host bits (an interface address); {@link #network()} clears them (a route destination).
 * Parsing never consults a resolver: only literals are accepted.
 *
 * @param address the address (an {@link java.net.Inet4Address} or {@link java.net.Inet6Address})
 * @param prefix  the prefix length, 0 to 32 for IPv4 and 0 to 128 for IPv6
 */
public record Cidr(InetAddress address, int prefix) {
    /** Checks the prefix against the family. */
    public Cidr {
        Objects.requireNonNull(address, "address");
        int bits = address.getAddress().length * 8;
        if (prefix < 0 || prefix > bits) {
            throw new InvalidSpecException("prefix", prefix + " is not a prefix length of an "
                    + (bits == 32 ? "IPv4" : "IPv6") + " address", "0 to " + bits);
        }
    }

    /**
     * Parses {@code ADDRESS/PREFIX} (IPv4 or IPv6); without {@code /PREFIX} the prefix is the whole address
     * (32 or 128), as {@code ip addr add} takes it.
     *
     * @throws InvalidSpecException naming the field {@code "cidr"} when the text is not one
     */
    public static Cidr parse(String text) {
        return parse("cidr", text);
    }

    /** As {@link #parse(String)}, naming {@code field} in the exception. */
    public static Cidr parse(String field, String text) {
        if (text == null || text.isBlank()) {
            throw new InvalidSpecException(field, "no address given", "write it as 10.200.1.1/24 or fd00::1/64");
        }
        int slash = text.indexOf('/');
        String addr = slash < 0 ? text : text.substring(0, slash);
        byte[] bytes = IpText.parse(field, addr);
        int bits = bytes.length * 8;
        int prefix = bits;
        if (slash >= 0) {
            String p = text.substring(slash + 1);
            boolean digits = !p.isEmpty() && p.length() <= 3 && p.chars().allMatch(c -> c >= '0' && c <= '9');
            prefix = digits ? Integer.parseInt(p) : -1;
            if (prefix < 0 || prefix > bits || (p.length() > 1 && p.charAt(0) == '0')) {
                throw new InvalidSpecException(field, "'" + text + "': the prefix length '" + p + "' is not 0 to " + bits,
                        "write it as 10.200.1.1/24 or fd00::1/64");
            }
        }
        return new Cidr(IpText.inet(bytes), prefix);
    }

    /** An address literal (IPv4 or IPv6, no prefix), parsed without a resolver; errors name {@code field}. */
    public static InetAddress parseAddress(String field, String text) {
        return IpText.inet(IpText.parse(field, text));
    }

    /** The address with the whole length as prefix (/32 or /128). */
    public static Cidr host(InetAddress address) {
        return new Cidr(address, address.getAddress().length * 8);
    }

    /** The default route's destination of a family: {@code 0.0.0.0/0} or {@code ::/0}. */
    public static Cidr any(Family family) {
        return new Cidr(IpText.inet(new byte[family.bytes()]), 0);
    }

    /** The address family. */
    public Family family() {
        return Family.ofLength(address.getAddress().length);
    }

    /** The address bytes (4 or 16, network order). */
    public byte[] bytes() {
        return address.getAddress();
    }

    /** The network: the address with its host bits cleared ({@code 10.200.1.0/24} of {@code 10.200.1.1/24}). */
    public Cidr network() {
        byte[] b = address.getAddress();
        for (int i = 0; i < b.length; i++) {
            int keep = Math.max(0, Math.min(8, prefix - 8 * i));
            b[i] &= (byte) (0xff00 >>> keep);
        }
        return new Cidr(IpText.inet(b), prefix);
    }

    /** Whether this is a default destination ({@code /0}). */
    public boolean isDefault() {
        return prefix == 0;
    }

    /** Whether {@code other} lies inside this network. */
    public boolean contains(InetAddress other) {
        if (other.getAddress().length != address.getAddress().length) {
            return false;
        }
        return new Cidr(other, prefix).network().equals(network());
    }

    /** {@code 10.200.1.1/24}, {@code fd00::1/64}: the form {@link #parse} takes and {@code ip} prints. */
    @Override
    public String toString() {
        return IpText.format(address.getAddress()) + "/" + prefix;
    }

    /** The address without prefix, as {@code ip} prints it ({@code fd00::1}). */
    public static String format(InetAddress address) {
        return IpText.format(address.getAddress());
    }
}
