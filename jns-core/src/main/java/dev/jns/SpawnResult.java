package dev.jns;

import java.time.Duration;
import java.util.Objects;

/**
 * What {@link Spawn#run(String...)} returns once the command has ended: what it wrote, how long it took, and
 * how it ended ({@link #outcome()}; {@link #exitCode()} and {@link #success()} are the outcome's).
 *
 * @param stdout  what the command wrote to stdout (UTF-8), or "" when stdout was redirected
 * @param stderr  what it wrote to stderr, or "" when redirected
 * @param elapsed from the start of the launcher to the end of the command
 * @param outcome         how it ended (exited, signaled, timed out), its resource use and namespaces
 * @param outputTruncated whether stdout or stderr went past {@link Spawn#captureLimit(long)}: then it holds the
 *                        first that many bytes, and the rest was read and dropped
 */
public record SpawnResult(String stdout, String stderr, Duration elapsed, Outcome outcome, boolean outputTruncated) {
    /** Checks that nothing is null. */
    public SpawnResult {
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
        Objects.requireNonNull(elapsed, "elapsed");
        Objects.requireNonNull(outcome, "outcome");
    }

    /** A result whose output was captured whole. */
    public SpawnResult(String stdout, String stderr, Duration elapsed, Outcome outcome) {
        this(stdout, stderr, elapsed, outcome, false);
    }

    /** The exit code, or 128 + the signal that ended the command: {@link Outcome#exitCode()}. */
    public int exitCode() {
        return outcome.exitCode();
    }

    /** Whether the command exited with code 0: {@link Outcome#success()}. */
    public boolean success() {
        return outcome.success();
    }
}
