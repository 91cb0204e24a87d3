package dev.jns.net;

import dev.jns.InvalidSpecException;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Parses and prints IP address literals without ever asking a resolver (unlike {@link InetAddress#getByName}):
 * IPv4 dotted quads as {@code inet_pton} takes them, IPv6 in every RFC 4291 text form, printed back in the
 * RFC 5952 canonical form that iproute2 prints.
 */
final class IpText {
    static final String HINT = "write an IPv4 address as 10.200.1.1 or an IPv6 address as fd00::1";

    private IpText() {
    }

    /** The bytes of an IPv4 or IPv6 literal (4 or 16), or an InvalidSpecException naming {@code field}. */
    static byte[] parse(String field, String text) {
        if (text == null || text.isEmpty()) {
            throw new InvalidSpecException(field, "no address given", HINT);
        }
        String problem = text.indexOf(':') >= 0 ? parse6(text, null) : parse4(text, 0, null);
        if (problem != null) {
            throw new InvalidSpecException(field, "'" + text + "' is not an IP address: " + problem, HINT);
        }
        byte[] out = new byte[text.indexOf(':') >= 0 ? 16 : 4];
        if (out.length == 16) {
            parse6(text, out);
        } else {
            parse4(text, 0, out);
        }
        return out;
    }

    /** Parses a dotted quad into out[off..off+4) (when out is not null); returns a problem or null. */
    private static String parse4(String s, int off, byte[] out) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return "an IPv4 address has 4 dot-separated numbers, this has " + parts.length;
        }
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3) {
                return "number " + (i + 1) + " ('" + p + "') is not 0 to 255";
            }
            for (int k = 0; k < p.length(); k++) {
                if (p.charAt(k) < '0' || p.charAt(k) > '9') {
                    return "number " + (i + 1) + " ('" + p + "') is not a decimal number";
                }
            }
            if (p.length() > 1 && p.charAt(0) == '0') {
                return "number " + (i + 1) + " ('" + p + "') has a leading zero (octal is ambiguous)";
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return "number " + (i + 1) + " (" + v + ") is over 255";
            }
            if (out != null) {
                out[off + i] = (byte) v;
            }
        }
        return null;
    }

    /** Parses an IPv6 literal into out (when not null); returns a problem or null. */
    private static String parse6(String s, byte[] out) {
        if (s.indexOf('%') >= 0) {
            return "zone ids (%...) are not addresses of a namespace's interface";
        }
        int dc = s.indexOf("::");
        if (dc >= 0 && s.indexOf("::", dc + 1) >= 0) {
            return "'::' may appear only once";
        }
        String head = dc >= 0 ? s.substring(0, dc) : s;
        String tail = dc >= 0 ? s.substring(dc + 2) : "";
        int[] headGroups = new int[10];
        int[] tailGroups = new int[10];
        byte[] v4 = new byte[4];
        boolean[] sawV4 = new boolean[1];
        int nh;
        int nt = 0;
        String p;
        if (dc >= 0) {
            nh = groups(head, headGroups, false, v4, sawV4);
            if (nh < 0) {
                return problem(head, false);
            }
            nt = groups(tail, tailGroups, true, v4, sawV4);
            if (nt < 0) {
                return problem(tail, true);
            }
            if (nh + nt > 7) {
                return "'::' stands for at least one group, but there are already " + (nh + nt) + " groups";
            }
        } else {
            nh = groups(head, headGroups, true, v4, sawV4);
            if (nh < 0) {
                return problem(head, true);
            }
            if (nh != 8) {
                return "an IPv6 address has 8 groups (or '::'), this has " + nh;
            }
        }
        if (out != null) {
            int[] all = new int[8];
            System.arraycopy(headGroups, 0, all, 0, nh);
            System.arraycopy(tailGroups, 0, all, 8 - nt, nt);
            for (int i = 0; i < 8; i++) {
                out[2 * i] = (byte) (all[i] >>> 8);
                out[2 * i + 1] = (byte) all[i];
            }
            if (sawV4[0]) {
                System.arraycopy(v4, 0, out, 12, 4);
            }
        }
        return null;
    }

    private static String problem(String part, boolean v4Allowed) {
        String[] gs = part.split(":", -1);
        for (int i = 0; i < gs.length; i++) {
            String g = gs[i];
            if (g.isEmpty()) {
                return "an empty group (a single ':' at the start or end, or ':::')";
            }
            if (g.indexOf('.') >= 0) {
                if (!v4Allowed || i != gs.length - 1) {
                    return "an IPv4 part ('" + g + "') may only end the address";
                }
                String p4 = parse4(g, 0, null);
                return p4 != null ? "in the IPv4 part: " + p4 : "the IPv4 part does not fit";
            }
            if (g.length() > 4) {
                return "group '" + g + "' has more than 4 hex digits";
            }
            for (int k = 0; k < g.length(); k++) {
                if (Character.digit(g.charAt(k), 16) < 0) {
                    return "group '" + g + "' is not hexadecimal";
                }
            }
        }
        return "malformed";
    }

    /**
     * Parses colon-separated hex groups into gs; an IPv4 tail counts two groups (when allowed). Returns the count
     * or -1 when malformed.
     */
    private static int groups(String part, int[] gs, boolean v4Allowed, byte[] v4, boolean[] sawV4) {
        if (part.isEmpty()) {
            return 0;
        }
        String[] tokens = part.split(":", -1);
        int n = 0;
        for (int i = 0; i < tokens.length; i++) {
            String t = tokens[i];
            if (t.indexOf('.') >= 0) {
                if (!v4Allowed || i != tokens.length - 1 || parse4(t, 0, v4) != null || n + 2 > 8) {
                    return -1;
                }
                sawV4[0] = true;
                gs[n] = ((v4[0] & 0xff) << 8) | (v4[1] & 0xff);
                gs[n + 1] = ((v4[2] & 0xff) << 8) | (v4[3] & 0xff);
                n += 2;
                continue;
            }
            if (t.isEmpty() || t.length() > 4 || n >= 8) {
                return -1;
            }
            int v = 0;
            for (int k = 0; k < t.length(); k++) {
                int d = Character.digit(t.charAt(k), 16);
                if (d < 0) {
                    return -1;
                }
                v = v * 16 + d;
            }
            gs[n++] = v;
        }
        return n;
    }

    /** The text of 4 or 16 address bytes: dotted quad, or RFC 5952 (lower case, longest zero run as '::'). */
    static String format(byte[] a) {
        if (a.length == 4) {
            return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff);
        }
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestLen < 2) {
            bestStart = -1;
        }
        StringBuilder sb = new StringBuilder();
        // as glibc's inet_ntop (and so iproute2): IPv4-mapped and IPv4-compatible addresses end in dotted form
        if (bestStart == 0 && (bestLen == 6 || (bestLen == 7 && g[7] != 1) || (bestLen == 5 && g[5] == 0xffff))) {
            sb.append(bestLen == 5 ? "::ffff:" : "::");
            return sb.append(a[12] & 0xff).append('.').append(a[13] & 0xff).append('.').append(a[14] & 0xff)
                    .append('.').append(a[15] & 0xff).toString();
        }
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    /** An InetAddress of exactly these bytes (an IPv4-mapped IPv6 address stays an Inet6Address). */
    static InetAddress inet(byte[] a) {
        try {
            return a.length == 4 ? (Inet4Address) InetAddress.getByAddress(a)
                    : Inet6Address.getByAddress(null, a, null);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
