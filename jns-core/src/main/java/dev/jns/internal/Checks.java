package dev.jns.internal;

import dev.jns.InvalidSpecException;

import java.nio.charset.StandardCharsets;

/**
 * Argument checks shared by the API's builders. Internal: not exported by the {@code dev.jns} module, and not
 * part of the API on the class path either.
 */
public final class Checks {
    private Checks() {
    }

    /**
     * Throws when {@code s} has a NUL byte (the kernel takes C strings) or an unpaired surrogate (no UTF-8 form:
     * it would reach the kernel as '?'). See {@link TextChecks#text}.
     */
    public static void checkNoNul(String field, String s) {
        TextChecks.text(field, s);
    }

    /** An absolute path without '.', '..' or empty components (a trailing '/' is allowed), no NUL, < 4000 bytes. */
    public static void checkPath(String field, String path) {
        checkNoNul(field, path);
        if (!path.startsWith("/")) {
            throw new InvalidSpecException(field, "'" + path + "' is not an absolute path", "start it with '/'");
        }
        if (path.getBytes(StandardCharsets.UTF_8).length >= 4000) {
            throw new InvalidSpecException(field, "is longer than 4000 bytes", null);
        }
        String[] parts = path.substring(1).split("/", -1);
        for (int k = 0; k < parts.length; k++) {
            String c = parts[k];
            if (c.equals("..") || c.equals(".") || (c.isEmpty() && k < parts.length - 1)) {
                throw new InvalidSpecException(field, "'" + path + "' has a '" + c + "' component",
                        "give a normalized absolute path (no '.', '..' or '//')");
            }
        }
    }
}
