package dev.jns.linux.spawn;

import dev.jns.NamespaceType;

import java.util.Map;

/**
 * The launcher's NSIDS records ({@code "net=4026532008 uts=4026532009 ..."}): the inodes of the namespaces
 * the command runs in, read by the launcher while its child could not have ended, for the command's
 * {@link dev.jns.Outcome}.
 */
final class NamespaceIds {
    private NamespaceIds() {
    }

    private static final NamespaceType[] TYPES = NamespaceType.values();
    private static final String FOR_CHILDREN = "_for_children";

    /**
     * Adds the {@code name=inode} pairs of {@code detail} to {@code ids}; unknown names and malformed pairs are
     * skipped. Parsed in place (no split, no substrings): it runs once or twice per spawn.
     */
    static void parse(String detail, Map<NamespaceType, Long> ids) {
        int n = detail.length();
        int i = 0;
        while (i < n) {
            while (i < n && detail.charAt(i) == ' ') {
                i++;
            }
            int start = i;
            while (i < n && detail.charAt(i) != ' ') {
                i++;
            }
            add(detail, start, i, ids);
        }
    }

    /** One pair, detail[from, to). */
    private static void add(String detail, int from, int to, Map<NamespaceType, Long> ids) {
        int eq = detail.indexOf('=', from);
        if (eq <= from || eq >= to - 1) {
            return;
        }
        NamespaceType type = typeOf(detail, from, eq);
        long inode = 0;
        for (int k = eq + 1; k < to; k++) {
            int digit = detail.charAt(k) - '0';
            if (digit < 0 || digit > 9 || inode > (Long.MAX_VALUE - digit) / 10) {
                return; // not a number, or more than a long holds (Long.parseLong's refusals)
            }
            inode = inode * 10 + digit;
        }
        if (type != null) {
            ids.put(type, inode);
        }
    }

    /** The type whose /proc name (or that name with "_for_children") is detail[from, to), or null. */
    private static NamespaceType typeOf(String detail, int from, int to) {
        int len = to - from;
        if (len > FOR_CHILDREN.length() && detail.startsWith(FOR_CHILDREN, to - FOR_CHILDREN.length())) {
            len -= FOR_CHILDREN.length();
        }
        for (NamespaceType t : TYPES) {
            String name = t.procName();
            if (name.length() == len && detail.regionMatches(from, name, 0, len)) {
                return t;
            }
        }
        return null;
    }
}
