package dev.jns.examples.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Compiles one of the benchmark's small C programs (a resource next to this class) with the system's cc. */
final class CProgram {
    private CProgram() {
    }

    /**
     * The compiled program (deleted when the JVM exits), or empty with the reason on stderr when there is no C
     * compiler or it fails.
     */
    static Optional<Path> compile(String name) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("jns-bench-" + name);
        Path src = dir.resolve(name + ".c");
        Path bin = dir.resolve(name);
        try (InputStream in = CProgram.class.getResourceAsStream(name + ".c")) {
            if (in == null) {
                throw new IllegalStateException(name + ".c is missing from the class path");
            }
            Files.copy(in, src);
        }
        // deleteOnExit deletes in reverse order: the directory, registered first, goes last, once empty
        dir.toFile().deleteOnExit();
        src.toFile().deleteOnExit();
        Process cc;
        try {
            cc = new ProcessBuilder("cc", "-std=c11", "-O2", "-o", bin.toString(), src.toString())
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            System.err.println(name + " skipped: no C compiler (cc) on PATH: " + e.getMessage());
            return Optional.empty();
        }
        String out = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (cc.waitFor() != 0) {
            System.err.println(name + " skipped: cc failed:\n" + out);
            return Optional.empty();
        }
        bin.toFile().deleteOnExit();
        // the benchmark may run it as another user (in a user namespace that maps root to the caller)
        dir.toFile().setExecutable(true, false);
        bin.toFile().setExecutable(true, false);
        return Optional.of(bin);
    }
}
