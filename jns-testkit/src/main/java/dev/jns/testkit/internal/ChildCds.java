package dev.jns.testkit.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

/**
 * A class-data-sharing archive for the isolated child JVMs: the classes of the JUnit Platform and Jupiter (and of
 * the child's main) as the child's warm-up loads them, dumped once per JDK and set of jars with
 * {@code -XX:ArchiveClassesAtExit} and mapped by every later child ({@code -XX:SharedArchiveFile}), which halves
 * the CPU a child needs to get ready. A dynamic archive may only be made from jars (the JVM refuses a class path
 * with non-empty directories), and must be a prefix of the class path that uses it: so those jars (and a small
 * jar of the child's own classes) go first on the child's class path, before the test's class path as it is.
 * The archive lives in a directory of the user's own ({@code java.io.tmpdir/jns-testkit-cds-USER}, mode 0700,
 * checked: an archive is code). Made in the background: children started before it exists go without.
 * {@code -Djns.testkit.isolated.cds=false} turns it off. Not API.
 */
public final class ChildCds {
    /** The system property that turns the archive off ({@code false}). */
    public static final String PROPERTY = "jns.testkit.isolated.cds";
    private static final String[] PLATFORM_CLASSES = {
        "org.junit.platform.launcher.Launcher", "org.junit.platform.engine.TestEngine",
        "org.junit.platform.commons.JUnitException", "org.junit.jupiter.api.Test",
        "org.junit.jupiter.engine.JupiterTestEngine", "org.opentest4j.AssertionFailedError",
        "org.apiguardian.api.API"};
    private static final String[] OWN_CLASSES = {"IsolatedMain", "IsolatedMain$Capture", "IsolatedMain$1",
        "IsolatedResult", "IsolatedResult$LoaderObjectInputStream", "IsolatedWarmUp"};
    private static ChildCds instance;

    private final Path archive;
    private final String classPathPrefix;
    private volatile boolean ready;

    private ChildCds(Path archive, String classPathPrefix, boolean ready) {
        this.archive = archive;
        this.classPathPrefix = classPathPrefix;
        this.ready = ready;
    }

    /**
     * The archive of this JVM's JDK and jars, once it is there: empty while it is being made (the first call
     * starts that), when it is turned off, or when it cannot be made here.
     */
    public static synchronized Optional<ChildCds> ready(List<String> jvmOptions) {
        if (instance == null) {
            instance = prepare(jvmOptions);
        }
        return instance != null && instance.ready ? Optional.of(instance) : Optional.empty();
    }

    /** The JVM options and class path prefix that use it. */
    public List<String> options() {
        return List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds*=off");
    }

    /** The jars to put first on the child's class path, with a trailing path separator. */
    public String classPathPrefix() {
        return classPathPrefix + java.io.File.pathSeparator;
    }

    private static ChildCds prepare(List<String> jvmOptions) {
        if ("false".equalsIgnoreCase(System.getProperty(PROPERTY, "true")) || Runtime.version().feature() < 13) {
            return null;
        }
        try {
            Set<String> jars = new LinkedHashSet<>();
            for (String name : PLATFORM_CLASSES) {
                jar(name).ifPresent(jars::add);
            }
            if (jars.isEmpty()) {
                return null;
            }
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update((System.getProperty("java.home") + "\n" + System.getProperty("java.vm.version") + "\n"
                    + jvmOptions + "\n").getBytes(StandardCharsets.UTF_8));
            for (String j : jars) {
                Path p = Path.of(j);
                d.update((j + ":" + Files.size(p) + ":" + Files.getLastModifiedTime(p).toMillis() + "\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            List<byte[]> own = new ArrayList<>();
            for (String c : OWN_CLASSES) {
                try (InputStream in = ChildCds.class.getResourceAsStream(c + ".class")) {
                    byte[] b = in == null ? new byte[0] : in.readAllBytes();
                    own.add(b);
                    d.update(b);
                }
            }
            Path dir = privateDir().resolve(HexFormat.of().formatHex(d.digest()).substring(0, 24));
            Files.createDirectories(dir);
            Path ownJar = dir.resolve("jns-testkit-child.jar");
            Path archive = dir.resolve("classes.jsa");
            String prefix = String.join(java.io.File.pathSeparator, jars) + java.io.File.pathSeparator + ownJar;
            if (Files.isRegularFile(archive) && Files.isRegularFile(ownJar)) {
                return new ChildCds(archive, prefix, true);
            }
            if (!Files.isRegularFile(ownJar)) {
                writeJar(ownJar, own); // its name is the hash of its content: never rewritten once there
            }
            ChildCds cds = new ChildCds(archive, prefix, false);
            Thread t = new Thread(() -> cds.dump(jvmOptions), "jns-isolated-cds");
            t.setDaemon(true);
            t.start();
            return cds;
        } catch (IOException | NoSuchAlgorithmException | RuntimeException e) {
            return null; // children start without an archive, as before
        }
    }

    /** Runs the child's main with no test to give (its warm-up only) and keeps the archive it dumps at exit. */
    private void dump(List<String> jvmOptions) {
        Path tmp = archive.resolveSibling("classes.jsa." + ProcessHandle.current().pid() + ".tmp");
        try {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(jvmOptions);
            cmd.add("-XX:ArchiveClassesAtExit=" + tmp);
            cmd.add("-Xlog:cds*=off");
            cmd.add("-D" + IsolatedMain.CHILD + "=true");
            // jns-linux loads its JNI library: JDK 24+ warn unless native access is enabled (17+ accept it)
            cmd.add("--enable-native-access=ALL-UNNAMED");
            cmd.add("-cp");
            cmd.add(classPathPrefix);
            cmd.add(IsolatedMain.class.getName());
            cmd.add(archive.resolveSibling("no-result").toString());
            Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
            if (p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0 && Files.size(tmp) > 0) {
                Files.move(tmp, archive, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                ready = true;
            } else {
                p.destroyForcibly();
            }
        } catch (IOException | RuntimeException e) {
            // no archive: children start without one
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                // best effort
            }
        }
    }

    /** The jar a class comes from, when it is a jar. */
    private static Optional<String> jar(String className) {
        try {
            Class<?> c = Class.forName(className, false, ChildCds.class.getClassLoader());
            var src = c.getProtectionDomain().getCodeSource();
            if (src == null || src.getLocation() == null) {
                return Optional.empty();
            }
            Path p = Path.of(src.getLocation().toURI());
            return Files.isRegularFile(p) && p.toString().endsWith(".jar") ? Optional.of(p.toString()) : Optional.empty();
        } catch (ClassNotFoundException | LinkageError | URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** {@code java.io.tmpdir/jns-testkit-cds-USER}, mode 0700 and owned by this user, or an exception. */
    private static Path privateDir() throws IOException {
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "jns-testkit-cds-" + System.getProperty("user.name"));
        Set<PosixFilePermission> owner = PosixFilePermissions.fromString("rwx------");
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(owner));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            // checked below
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
                || !Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS).getName().equals(System.getProperty("user.name"))
                || !Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS).equals(EnumSet.copyOf(owner))) {
            throw new IOException(dir + " is not a directory of this user's alone (0700): no archive is used");
        }
        return dir;
    }

    private static void writeJar(Path jar, List<byte[]> classes) throws IOException {
        Path tmp = jar.resolveSibling(jar.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp); JarOutputStream j = new JarOutputStream(out)) {
            for (int i = 0; i < OWN_CLASSES.length; i++) {
                if (classes.get(i).length == 0) {
                    continue;
                }
                JarEntry e = new JarEntry("dev/jns/testkit/internal/" + OWN_CLASSES[i] + ".class");
                e.setTime(0);
                j.putNextEntry(e);
                j.write(classes.get(i));
                j.closeEntry();
            }
        }
        Files.move(tmp, jar, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
