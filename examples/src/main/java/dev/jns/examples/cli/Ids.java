package dev.jns.examples.cli;

import dev.jns.IdMap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The caller's uid and gid, and util-linux's id range syntax. */
final class Ids {
    private Ids() {
    }

    static long uid() {
        return status("Uid");
    }

    static long gid() {
        return status("Gid");
    }

    private static long status(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).strip().split("\\s+")[1]);
                }
            }
        } catch (IOException e) {
            throw new CliException("cannot read /proc/self/status: " + e.getMessage());
        }
        throw new CliException("no " + field + " in /proc/self/status");
    }

    /**
     * A range as util-linux 2.38 writes it, {@code outer,inner,count}, or as 2.39 and later do,
     * {@code inner:outer:count}.
     */
    static IdMap parseRange(String option, String value) {
        boolean colon = value.indexOf(':') >= 0;
        String[] f = value.split(colon ? ":" : ",");
        if (f.length != 3) {
            throw new CliException(option + ": '" + value + "' is not <outer>,<inner>,<count> or <inner>:<outer>:<count>");
        }
        try {
            long a = Long.parseLong(f[0].strip());
            long b = Long.parseLong(f[1].strip());
            long n = Long.parseLong(f[2].strip());
            return colon ? IdMap.of(a, b, n) : IdMap.of(b, a, n);
        } catch (NumberFormatException e) {
            throw new CliException(option + ": '" + value + "' has a field that is not a number");
        }
    }
}
