package dev.jns.linux.ffi;

import dev.jns.Errno;
import dev.jns.NamespaceException;

import java.io.IOException;
import java.io.InputStream;

/** The native binaries jns-linux ships in its jar (the launcher, the JNI library), read from it. */
public final class JarImages {
    private JarImages() {
    }

    /**
     * The bytes of {@code resource} (an absolute resource name next to {@code owner}'s classes); {@code kind} names
     * what it is in the error when this jar has none for this machine's architecture.
     */
    public static byte[] read(Class<?> owner, String what, String resource, String kind) {
        try (InputStream in = owner.getResourceAsStream(resource)) {
            if (in == null) {
                throw NamespaceException.builder(what).step("find resource " + resource).errno(Errno.ENOENT)
                        .detail("this jns-linux jar has no " + kind + " for " + System.getProperty("os.arch"))
                        .hint("build jns-linux from source on this architecture (it needs a C compiler and a JDK)")
                        .build();
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw NamespaceException.builder(what).step("read resource " + resource).errno(Errno.EIO)
                    .detail(e.getMessage()).cause(e).build();
        }
    }
}
