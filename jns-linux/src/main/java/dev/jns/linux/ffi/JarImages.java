package dev.jns.linux.ffi;

import dev.jns.Errno;
import dev.jns.NamespaceException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/** The native binaries jns-linux ships in its jar (the launcher, the JNI library), read from it. */
public final class JarImages {
    private JarImages() {
    }

    /**
     * Copies {@code resource} (an absolute resource name next to {@code owner}'s classes) to {@code sink} in
     * chunks: no array of the whole image (the launcher is about 1 MiB, and a fresh JVM's first spawn paid about
     * 10 ms to gather it in one). {@code kind} names what it is in the error when this jar has none for this
     * machine's architecture. An IOException of the sink comes out as an {@link UncheckedIOException}.
     */
    public static void copy(Class<?> owner, String what, String resource, String kind, Sink sink) {
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) {
                throw NamespaceException.builder(what).step("find resource " + resource).errno(Errno.ENOENT)
                        .detail("this jns-linux jar has no " + kind + " for " + System.getProperty("os.arch"))
                        .hint("build jns-linux from source on this architecture (it needs a C compiler and a JDK)")
                        .build();
            }
            byte[] chunk = new byte[64 * 1024];
            for (int n; (n = in.readNBytes(chunk, 0, chunk.length)) > 0; ) {
                try {
                    sink.write(chunk, n);
                } catch (IOException e) {
                    throw new UncheckedIOException(e); // the sink's, not the resource's: its caller names it
                }
            }
        } catch (IOException e) {
            throw NamespaceException.builder(what).step("read resource " + resource).errno(Errno.EIO)
                    .detail(e.getMessage()).cause(e).build();
        }
    }

    /** Where {@link #copy} writes each chunk. */
    @FunctionalInterface
    public interface Sink {
        /** Writes {@code chunk[0..n)}. */
        void write(byte[] chunk, int n) throws IOException;
    }
}
