package dev.jns.linux.ffi;

import dev.jns.Errno;
import dev.jns.NamespaceException;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * libjns-calls, the JNI library of {@link Calls}, shipped in the jar and loaded once per class loader. The JVM
 * loads native code only from a file: the library is written into a fresh private directory (made with mode 0700
 * by one mkdir that fails if the name exists, so no other user can swap the file between the write and the
 * load), loaded, and both are deleted at once (the mapping stays). The directory is made in
 * {@code java.io.tmpdir}, or in the directory the system property {@value #DIR_PROPERTY} names where that is
 * mounted noexec.
 */
final class NativeLibrary {
    /** The system property that names where the library is written before it is loaded. */
    static final String DIR_PROPERTY = "jns.native.dir";
    private static final String RESOURCE = "/dev/jns/linux/ffi/libjns-calls-" + System.getProperty("os.arch") + ".so";

    /** Why the library could not be loaded in this JVM; null while it has not failed. */
    private static volatile NamespaceException failure;

    private NativeLibrary() {
    }

    /**
     * {@link #load} for {@link Calls}' class initializer, which must not throw: a class whose initializer failed
     * stays unusable for the JVM's life, and every later use of it gets a NoClassDefFoundError that no longer
     * says why. A failure is kept for {@link #check} instead.
     */
    static void loadForCalls() {
        try {
            load();
        } catch (NamespaceException e) {
            failure = e;
        }
    }

    /** Throws the failure of the load, if it failed, as a new exception with the same step, errno and hint. */
    static void check() {
        NamespaceException f = failure;
        if (f != null) {
            throw NamespaceException.builder(f.what()).step(f.step()).errno(f.errno()).detail(f.detail())
                    .hint(f.hint()).cause(f).build();
        }
    }

    /** Loads the library; a failure is a {@link NamespaceException} that says why. */
    static void load() {
        String what = "load the jns native library";
        String base = System.getProperty(DIR_PROPERTY, System.getProperty("java.io.tmpdir"));
        Path dir = null;
        Path file = null;
        try {
            dir = privateDirectory(Path.of(base));
            file = dir.resolve("libjns-calls.so");
            // java.io, not Files.newOutputStream: that one loads some 20 classes of NIO's channels in a fresh JVM
            // (about 4 ms of its first spawn). CREATE_NEW is not needed: the directory is this call's own, 0700.
            try (OutputStream out = new FileOutputStream(file.toFile())) {
                // a class, not a lambda: the first spawn's path (see Sys.Hint)
                JarImages.copy(NativeLibrary.class, what, RESOURCE, "native library", new JarImages.Sink() {
                    @Override
                    public void write(byte[] chunk, int n) throws IOException {
                        out.write(chunk, 0, n);
                    }
                });
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
            System.load(file.toString());
        } catch (IOException e) {
            throw NamespaceException.builder(what).step("write " + (file != null ? file : base)).errno(Errno.EIO)
                    .detail(e.getMessage()).cause(e)
                    .hint("set -D" + DIR_PROPERTY + "=DIR to a writable directory of this user").build();
        } catch (UnsatisfiedLinkError e) {
            throw NamespaceException.builder(what).step("load " + file).errno(Errno.EACCES).detail(e.getMessage())
                    .hint("if " + base + " is mounted noexec, set -D" + DIR_PROPERTY
                            + "=DIR to a directory on a file system that allows executables").build();
        } finally {
            deleteQuietly(file);
            deleteQuietly(dir);
        }
    }

    /**
     * A new directory of mode 0700 in {@code base}. Not {@link Files#createTempDirectory}: its names come from a
     * SecureRandom, whose providers cost a fresh JVM tens of milliseconds. The name need not be secret: the mkdir
     * fails on any name that exists (a symlink included), and another is tried.
     */
    private static Path privateDirectory(Path base) throws IOException {
        FileAttribute<Set<PosixFilePermission>> owner = PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------"));
        for (int attempt = 0; ; attempt++) {
            // 63 bits: Long.toUnsignedString of a negative number goes through BigInteger (about 1 ms of a fresh JVM)
            long bits = ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE;
            Path dir = base.resolve("jns-native-" + Long.toString(bits, 36));
            try {
                return Files.createDirectory(dir, owner);
            } catch (FileAlreadyExistsException e) {
                if (attempt == 16) {
                    throw e;
                }
            }
        }
    }

    private static void deleteQuietly(Path p) {
        if (p != null) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // a leftover file in a private temporary directory: harmless
            }
        }
    }
}
