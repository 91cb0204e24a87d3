package dev.jns.linux.ffi;

import dev.jns.Errno;
import dev.jns.NamespaceException;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.security.CodeSource;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

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
        try (ZipFile jar = jarOf(owner);
                InputStream in = jar != null ? entry(jar, resource) : owner.getResourceAsStream(resource)) {
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

    /**
     * The jar {@code owner}'s classes come from, opened anew (the JDK shares one open file among a jar's ZipFiles);
     * null when they do not come from a jar file (a directory of classes, a jar inside a jar): then the class
     * loader finds the resource. Read directly because {@link Class#getResourceAsStream} first asks the JDK's own
     * modules (opening their image) and then reads through a {@code jar:} URL connection: some 20 classes that a
     * fresh JVM loads for it alone, about 5 ms of its first spawn.
     */
    private static ZipFile jarOf(Class<?> owner) {
        File file = origin(owner);
        try {
            return file != null && file.isFile() ? new ZipFile(file) : null;
        } catch (IOException | SecurityException e) {
            return null; // the class loader's way, then
        }
    }

    /**
     * The file or directory {@code owner}'s class was loaded from (its code source), or null when that is not a
     * local file (a jar inside a jar, a class made at run time). Unlike {@link Class#getResource}, it does not
     * look among the JDK's own modules first.
     */
    public static File origin(Class<?> owner) {
        try {
            CodeSource source = owner.getProtectionDomain().getCodeSource();
            URL location = source == null ? null : source.getLocation();
            return location != null && "file".equals(location.getProtocol()) ? new File(location.toURI()) : null;
        } catch (URISyntaxException | IllegalArgumentException | SecurityException e) {
            return null;
        }
    }

    /** The entry of an absolute resource name in {@code jar}, or null. */
    private static InputStream entry(ZipFile jar, String resource) throws IOException {
        ZipEntry e = jar.getEntry(resource.substring(1));
        return e == null ? null : jar.getInputStream(e);
    }

    /** Where {@link #copy} writes each chunk. */
    @FunctionalInterface
    public interface Sink {
        /** Writes {@code chunk[0..n)}. */
        void write(byte[] chunk, int n) throws IOException;
    }
}
