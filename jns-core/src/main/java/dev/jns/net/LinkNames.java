package dev.jns.net;

import dev.jns.InvalidSpecException;

import java.nio.charset.StandardCharsets;

/** Interface names as the kernel accepts them ({@code dev_valid_name}). */
final class LinkNames {
    /** The longest name in bytes: IFNAMSIZ (16) less the terminating NUL. */
    static final int MAX_BYTES = 15;

    private LinkNames() {
    }

    static String check(String field, String name) {
        String hint = "1 to 15 bytes, not '.' or '..', without '/', ':', NUL or white space";
        if (name == null || name.isEmpty()) {
            throw new InvalidSpecException(field, "no interface name given", hint);
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            throw new InvalidSpecException(field, "'" + name + "' is " + bytes + " bytes, over the kernel's 15 (IFNAMSIZ)", hint);
        }
        if (name.equals(".") || name.equals("..")) {
            throw new InvalidSpecException(field, "'" + name + "' is not an interface name", hint);
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == ':' || c == 0 || Character.isWhitespace(c)) {
                throw new InvalidSpecException(field, "'" + name + "' contains '" + (c == 0 ? "\\0" : String.valueOf(c))
                        + "'", hint);
            }
        }
        return name;
    }
}
