package dev.jns.internal;

import dev.jns.InvalidSpecException;

import java.nio.charset.StandardCharsets;

/**
 * The checks jns makes on text before it reaches the kernel (issue 13, item 11): each throws an
 * {@link InvalidSpecException} that names the field, before any process exists. Internal (see {@link Checks});
 * {@link dev.jns.Spawn}, {@link dev.jns.net.NetNs} and the other builders call them.
 */
public final class TextChecks {
    /** The kernel's limit for a hostname or NIS domain name, in bytes ({@code __NEW_UTS_LEN}). */
    public static final int UTS_NAME_MAX = 64;
    /** The longest label of a host name (RFC 1123, RFC 1035). */
    public static final int LABEL_MAX = 63;
    /** The longest file name, in bytes ({@code NAME_MAX}): the limit of a named network namespace. */
    public static final int NETNS_NAME_MAX = 255;

    private TextChecks() {
    }

    /**
     * Text the kernel takes as a C string in UTF-8: no NUL byte and no unpaired surrogate (which has no UTF-8
     * form: Java's encoder would silently send {@code '?'} in its place).
     *
     * @return {@code s}
     */
    public static String text(String field, String s) {
        int nul = s.indexOf('\0');
        if (nul >= 0) {
            throw new InvalidSpecException(field, "contains a NUL byte at index " + nul, "the kernel takes C strings");
        }
        int bad = unpairedSurrogate(s);
        if (bad >= 0) {
            throw new InvalidSpecException(field, String.format("contains an unpaired surrogate (U+%04X) at index %d",
                    (int) s.charAt(bad), bad), "it has no UTF-8 form; pass text that is valid Unicode");
        }
        return s;
    }

    /** The index of the first unpaired surrogate in {@code s}, or -1. */
    public static int unpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    return i;
                }
            } else if (Character.isLowSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /** The UTF-8 length of {@code s} (valid text: see {@link #text}). */
    public static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    /**
     * A host name or NIS domain name as {@code sethostname(2)} should get it: at most {@value #UTS_NAME_MAX}
     * bytes (the kernel's limit), dot-separated labels of 1 to {@value #LABEL_MAX} letters, digits and hyphens
     * that neither start nor end with a hyphen (RFC 1123). No spaces, newlines, slashes or other characters
     * that turn into trouble in prompts, logs, {@code /etc/hosts} or shell scripts.
     *
     * @return {@code name}
     */
    public static String hostname(String field, String name) {
        text(field, name);
        int bytes = utf8Length(name);
        if (bytes == 0 || bytes > UTS_NAME_MAX) {
            throw new InvalidSpecException(field, "'" + printable(name) + "' is " + bytes + " bytes; 1.."
                    + UTS_NAME_MAX + " are allowed", null);
        }
        String hint = "a host name is dot-separated labels of letters, digits and '-' (RFC 1123)";
        int start = 0;
        while (true) {
            int dot = name.indexOf('.', start);
            int end = dot < 0 ? name.length() : dot;
            String label = name.substring(start, end);
            if (label.isEmpty()) {
                throw new InvalidSpecException(field, "'" + printable(name) + "' has an empty label", hint);
            }
            if (label.length() > LABEL_MAX) {
                throw new InvalidSpecException(field, "'" + printable(name) + "' has a label of " + label.length()
                        + " characters; at most " + LABEL_MAX, hint);
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-';
                if (!ok) {
                    throw new InvalidSpecException(field, "'" + printable(name) + "' contains "
                            + describe(c) + " at index " + (start + i), hint);
                }
            }
            if (label.charAt(0) == '-' || label.charAt(label.length() - 1) == '-') {
                throw new InvalidSpecException(field, "'" + printable(name) + "': label '" + label
                        + "' starts or ends with '-'", hint);
            }
            if (dot < 0) {
                return name;
            }
            start = dot + 1;
        }
    }

    /**
     * The name of a named network namespace, as {@code ip netns} accepts it (a file in {@code /run/netns}): not
     * empty, not {@code .} or {@code ..}, no {@code '/'}, at most {@value #NETNS_NAME_MAX} bytes, and (jns's
     * rule beyond iproute2's) no control characters, which would corrupt listings and logs.
     *
     * @return {@code name}
     */
    public static String netnsName(String field, String name) {
        if (name == null) {
            throw new InvalidSpecException(field, "is null", null);
        }
        text(field, name);
        String hint = "a file name: no '/', not '.' or '..', no control characters, 1.." + NETNS_NAME_MAX + " bytes";
        int bytes = utf8Length(name);
        if (bytes == 0 || bytes > NETNS_NAME_MAX) {
            throw new InvalidSpecException(field, "is " + bytes + " bytes", hint);
        }
        if (name.equals(".") || name.equals("..")) {
            throw new InvalidSpecException(field, "'" + name + "' is not a name", hint);
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || Character.isISOControl(c)) {
                throw new InvalidSpecException(field, "'" + printable(name) + "' contains " + describe(c)
                        + " at index " + i, hint);
            }
        }
        return name;
    }

    /** {@code '/'}, or {@code U+000A} for what would not print. */
    static String describe(char c) {
        return c > 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
    }

    /** {@code s} with control characters shown as {@code \\uXXXX}, for messages. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            sb.append(Character.isISOControl(c) || Character.isSurrogate(c) ? String.format("\\u%04x", (int) c) : c);
        }
        return sb.toString();
    }
}
