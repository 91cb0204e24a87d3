package dev.jns.examples.tour;

import dev.jns.SpawnResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small helpers of the tour: what the host (this JVM) sees, and checks of what a command printed. */
final class Host {
    private Host() {
    }

    /** The content of a file, stripped; "" when it cannot be read. */
    static String read(String path) {
        try {
            return Files.readString(Path.of(path)).strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** The value of a field ({@code "Uid"}) of {@code /proc/PID/status}, first number only. */
    static String status(String pid, String field) {
        for (String line : read("/proc/" + pid + "/status").split("\n")) {
            if (line.startsWith(field + ":")) {
                return line.substring(field.length() + 1).strip().split("\\s+")[0];
            }
        }
        return "";
    }

    /** This JVM's real uid. */
    static long uid() {
        return Long.parseLong(status("self", "Uid"));
    }

    /** Whether this JVM runs as root. */
    static boolean root() {
        return uid() == 0;
    }

    /** The command's stdout, or an exception with its exit code and stderr when it failed. */
    static String ok(SpawnResult r) {
        if (!r.success()) {
            throw new IllegalStateException("the command exited with " + r.exitCode() + ": " + r.stderr().strip());
        }
        return r.stdout().strip();
    }

    /** How many processes this JVM can see in /proc. */
    static long processes() {
        try (var s = Files.list(Path.of("/proc"))) {
            return s.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
