package dev.jns.linux.proc;

import dev.jns.NamespaceType;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Pure parsers of the /proc and /etc texts that jns reads: namespace links, {@code stat}, {@code cmdline},
 * {@code mountinfo} and {@code passwd} ({@code lsns}), and the fields of {@code /proc/PID/status}. No I/O here, so
 * that property tests can feed them anything.
 */
public final class ProcParsers {
    private ProcParsers() {
    }

    /** A namespace named by a link such as {@code net:[4026531840]}. */
    public record NsId(NamespaceType type, long inode) {
    }

    /**
     * Parses the target of a {@code /proc/PID/ns/*} or {@code /proc/PID/fd/*} link, or the root column of an
     * nsfs line in mountinfo: {@code TYPE:[INODE]}. Empty for anything else (files, sockets, pipes, unknown
     * types such as {@code pid_for_children}'s target is {@code pid:[..]} and is accepted).
     */
    public static Optional<NsId> nsLink(String link) {
        if (link == null) {
            return Optional.empty();
        }
        int colon = link.indexOf(":[");
        if (colon <= 0 || !link.endsWith("]") || link.length() - colon < 4) {
            return Optional.empty();
        }
        NamespaceType type;
        try {
            type = NamespaceType.ofProcName(link.substring(0, colon));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        String digits = link.substring(colon + 2, link.length() - 1);
        if (digits.isEmpty() || digits.length() > 20 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.empty();
        }
        try {
            return Optional.of(new NsId(type, Long.parseUnsignedLong(digits)));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** What {@code /proc/PID/stat} says that lsns uses: the command name (comm) and the parent pid. */
    public record Stat(String comm, long ppid) {
    }

    /**
     * Parses {@code /proc/PID/stat}. The comm field is in parentheses and may itself contain spaces and
     * parentheses, so the fields after it are found from the last ')'.
     */
    public static Optional<Stat> stat(String text) {
        if (text == null) {
            return Optional.empty();
        }
        int open = text.indexOf('(');
        int close = text.lastIndexOf(')');
        if (open < 0 || close < open || close + 2 > text.length()) {
            return Optional.empty();
        }
        String[] rest = text.substring(close + 2).trim().split(" ");
        if (rest.length < 2) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Stat(text.substring(open + 1, close), Long.parseLong(rest[1])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /**
     * The command line as lsns prints it: the NUL-separated arguments of {@code /proc/PID/cmdline} joined with
     * spaces (trailing NULs dropped). Empty for a kernel thread or a zombie.
     */
    public static String cmdline(byte[] raw) {
        int end = raw.length;
        while (end > 0 && raw[end - 1] == 0) {
            end--;
        }
        byte[] copy = new byte[end];
        for (int i = 0; i < end; i++) {
            copy[i] = raw[i] == 0 ? (byte) ' ' : raw[i];
        }
        return new String(copy, StandardCharsets.UTF_8);
    }

    /** An nsfs mount: a namespace kept by a bind mount at {@code mountPoint} (the NSFS column of lsns). */
    public record NsfsMount(NsId ns, String mountPoint) {
    }

    /**
     * The nsfs mounts of a {@code /proc/PID/mountinfo} text: lines whose file system type (after the
     * {@code -} separator) is {@code nsfs}; their root column is the namespace ({@code net:[4026532281]}) and
     * their mount point is unescaped ({@code \040} is a space).
     */
    public static List<NsfsMount> nsfsMounts(String mountinfo) {
        List<NsfsMount> out = new ArrayList<>();
        for (String line : mountinfo.split("\n")) {
            String[] f = line.split(" ");
            int sep = -1;
            for (int i = 6; i < f.length; i++) {
                if (f[i].equals("-")) {
                    sep = i;
                    break;
                }
            }
            if (sep < 0 || sep + 1 >= f.length || !f[sep + 1].equals("nsfs") || f.length < 5) {
                continue;
            }
            Optional<NsId> id = nsLink(f[3]);
            id.ifPresent(ns -> out.add(new NsfsMount(ns, unescape(f[4]))));
        }
        return out;
    }

    /** Undoes the octal escapes ({@code \040}, {@code \011}, {@code \012}, {@code \134}) of mountinfo. */
    public static String unescape(String s) {
        if (s.indexOf('\\') < 0) {
            return s;
        }
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] in = s.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '\\' && i + 3 < in.length + 0 && isOctal(in[i + 1]) && isOctal(in[i + 2]) && isOctal(in[i + 3])) {
                b.write(((in[i + 1] - '0') << 6) | ((in[i + 2] - '0') << 3) | (in[i + 3] - '0'));
                i += 3;
            } else {
                b.write(in[i]);
            }
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    /** Escapes as the kernel does for mountinfo (space, tab, newline, backslash); the inverse of {@link #unescape}. */
    public static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (c == ' ' || c == '\t' || c == '\n' || c == '\\') {
                sb.append('\\').append(String.format("%03o", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean isOctal(byte c) {
        return c >= '0' && c <= '7';
    }

    /** uid → user name from an {@code /etc/passwd} text; the first entry of a uid wins, as getpwuid. */
    public static Map<Long, String> passwd(String text) {
        Map<Long, String> users = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.split(":", -1);
            if (f.length < 3 || f[0].isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                users.putIfAbsent(Long.parseLong(f[2]), f[0]);
            } catch (NumberFormatException ignored) {
                // a malformed line: getpwuid skips it too
            }
        }
        return users;
    }
}
