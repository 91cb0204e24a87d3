package dev.jns;

import java.time.Duration;

/**
 * What {@link Spawn#run(String...)} returns once the command has ended.
 *
 * @param exitCode the exit code, or 128 + the signal that ended the command
 * @param stdout   what the command wrote to stdout (UTF-8), or "" when stdout was redirected
 * @param stderr   what it wrote to stderr, or "" when redirected
 * @param elapsed  from the start of the launcher to the end of the command
 */
public record SpawnResult(int exitCode, String stdout, String stderr, Duration elapsed) {
    /** Whether the exit code is 0. */
    public boolean success() {
        return exitCode == 0;
    }
}
