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
}
