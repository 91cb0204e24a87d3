package dev.jns;

import java.time.Duration;

/**
 * What {@link Spawn#run(String...)} returns once the command has ended.
 *
 * @param exitCode the exit code, or 128 + the signal that ended the command
 * @param stdout   what the command wrote to stdout (UTF-8), or "" when stdout was redirected
 * @param stderr   what it wrote to stderr, or "" when redirected
 * @param elapsed  from the start of the launcher to the end of the command
 * @param outcome  how it ended (exited, signaled, timed out), its resource use and namespaces; null when
 *                 made with the four-argument constructor
 */
public record SpawnResult(int exitCode, String stdout, String stderr, Duration elapsed, Outcome outcome) {
    /** A result without an {@link Outcome}. */
    public SpawnResult(int exitCode, String stdout, String stderr, Duration elapsed) {
        this(exitCode, stdout, stderr, elapsed, null);
    }

    /** Whether the exit code is 0. */
    public boolean success() {
        return exitCode == 0;
    }

    /** Whether the {@link Spawn#timeout(Duration) timeout} ended the command. */
    public boolean timedOut() {
        return outcome != null && outcome.timedOut();
    }
}
