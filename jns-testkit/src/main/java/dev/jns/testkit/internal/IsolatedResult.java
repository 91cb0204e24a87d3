package dev.jns.testkit.internal;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The outcome of a test run in an isolated child JVM, written by the child to a file and read by the parent:
 * status, reason, the exception (Java-serialized) and, in case it cannot be read back, its class, message and
 * stack trace as text. Not API.
 *
 * @param status    SUCCESSFUL, FAILED, ABORTED or SKIPPED
 * @param reason    the skip reason, or ""
 * @param className the exception's class, or ""
 * @param message   the exception's message, or ""
 * @param stack     the exception's stack trace as printed, or ""
 * @param thrown    the serialized exception, or an empty array
 */
public record IsolatedResult(String status, String reason, String className, String message, String stack,
                             byte[] thrown) {

    /** A result with the given exception, or none. */
    public static IsolatedResult of(String status, String reason, Throwable t) {
        if (t == null) {
            return new IsolatedResult(status, reason == null ? "" : reason, "", "", "", new byte[0]);
        }
        StringWriter sw = new StringWriter();
        t.printStackTrace(new PrintWriter(sw));
        byte[] bytes;
        try {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(buf)) {
                out.writeObject(t);
            }
            bytes = buf.toByteArray();
        } catch (IOException | RuntimeException notSerializable) {
            bytes = new byte[0];
        }
        return new IsolatedResult(status, reason == null ? "" : reason, t.getClass().getName(),
                t.getMessage() == null ? "" : t.getMessage(), sw.toString(), bytes);
    }

    /** Writes it to {@code file}. */
    public void write(Path file) throws IOException {
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(file))) {
            for (String s : new String[] {status, reason, className, message, stack}) {
                byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                out.writeInt(b.length);
                out.write(b);
            }
            out.writeInt(thrown.length);
            out.write(thrown);
        }
    }

    /** Reads what {@link #write} wrote. */
    public static IsolatedResult read(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            String[] s = new String[5];
            for (int i = 0; i < s.length; i++) {
                byte[] b = new byte[in.readInt()];
                in.readFully(b);
                s[i] = new String(b, java.nio.charset.StandardCharsets.UTF_8);
            }
            byte[] t = new byte[in.readInt()];
            in.readFully(t);
            return new IsolatedResult(s[0], s[1], s[2], s[3], s[4], t);
        }
    }

    /**
     * The exception as thrown in the child, read back with {@code loader}; or, when that fails, an
     * {@link AssertionError} carrying its class, message and stack trace as text. Null when there was none.
     */
    public Throwable exception(ClassLoader loader) {
        if (thrown.length > 0) {
            try (ObjectInputStream in = new LoaderObjectInputStream(new ByteArrayInputStream(thrown), loader)) {
                return (Throwable) in.readObject();
            } catch (IOException | ClassNotFoundException | ClassCastException e) {
                // fall through to the text
            }
        }
        if (className.isEmpty()) {
            return null;
        }
        return new AssertionError(className + ": " + message + "\n(in the isolated JVM)\n" + stack);
    }

    private static final class LoaderObjectInputStream extends ObjectInputStream {
        private final ClassLoader loader;

        LoaderObjectInputStream(InputStream in, ClassLoader loader) throws IOException {
            super(in);
            this.loader = loader;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            try {
                return Class.forName(desc.getName(), false, loader);
            } catch (ClassNotFoundException e) {
                return super.resolveClass(desc);
            }
        }
    }
}
