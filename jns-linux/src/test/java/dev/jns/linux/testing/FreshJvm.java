package dev.jns.linux.testing;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/** For tests that start a fresh JVM (a first spawn, a JVM killed mid-spawn, the module path): its java. */
public final class FreshJvm {
    private FreshJvm() {
    }

    /** The java launcher of this JVM (the same JDK, whichever stage of CI runs the tests). */
    public static String java() {
        return ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
    }

    /**
     * This JVM's class path with each class directory of jns's main code ({@code target/classes}) made into a jar
     * in {@code dir}, as users have jns: from a class directory, the spawn path loads more than it does from a jar
     * ({@code Hints.preload}). Test classes stay a directory.
     */
    public static String classPathWithJars(Path dir) throws IOException {
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(e);
            if (Files.isDirectory(p) && p.getFileName().toString().equals("classes")) {
                Path jar = dir.resolve("main-" + n++ + ".jar");
                jar(p, jar);
                entries.add(jar.toString());
            } else {
                entries.add(e);
            }
        }
        return String.join(File.pathSeparator, entries);
    }

    private static void jar(Path classes, Path jar) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out);
             Stream<Path> files = Files.walk(classes)) {
            for (Path f : (Iterable<Path>) files.sorted()::iterator) {
                if (Files.isRegularFile(f)) {
                    j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace(File.separatorChar, '/')));
                    Files.copy(f, j);
                    j.closeEntry();
                }
            }
        }
    }
}
