package dev.jns.linux.proc;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reading the small text files of /proc and /proc/sys. */
public final class ProcFiles {
    private ProcFiles() {
    }

    /**
     * The whole content of a small /proc or /proc/sys file, trimmed, or null when it cannot be read. Reads
     * with large buffers until EOF: a sysctl file answers only its first read(2), so a reader that starts
     * with a short read (as {@code Files.readString} may for size-0 files) sees a truncated value.
     */
    public static String read(String path) {
        // java.io, not Files.newInputStream: a JVM's first spawn reads /proc through here, and NIO's channels cost it
        // some 20 classes more
        try (InputStream in = new FileInputStream(path)) {
            byte[] buf = new byte[65536];
            int n = 0;
            int r;
            while (n < buf.length && (r = in.read(buf, n, buf.length - n)) > 0) {
                n += r;
            }
            return new String(buf, 0, n, StandardCharsets.UTF_8).trim();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * The {@code index}th whitespace-separated word of a {@code /proc/PID/status} line (0: the "Name:" itself), as
     * {@code Uid:\t0\t1000\t1000\t1000} gives "1000" for 2, the effective uid. No regular expression: the JVM's
     * first spawn reads its ids through here (here, not in ProcParsers, which that spawn then does not load), and a
     * Pattern costs a fresh JVM its class loading.
     *
     * @throws IllegalArgumentException when the line has no such word
     */
    public static String statusField(String line, int index) {
        int i = 0;
        int n = line.length();
        for (int word = 0; ; word++) {
            while (i < n && Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            int start = i;
            while (i < n && !Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            if (start == i) {
                throw new IllegalArgumentException("no word " + index + " in '" + line + "'");
            }
            if (word == index) {
                return line.substring(start, i);
            }
        }
    }
}
