package dev.jns;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * How a sandboxed command ended, as one value: exited, killed by a signal, ended by its
 * {@link Spawn#timeout(Duration, Duration) timeout}, or never started because a setup step failed; with the
 * resources it used and the namespaces it ran in. See {@link NsProcess#outcome()} and
 * {@link SpawnResult#outcome()}.
 *
 * @param kind         how it ended
 * @param exitCode     the exit code, or 128 + the signal; 127 for {@link Kind#SETUP_FAILED}; -1 for
 *                     {@link Kind#LAUNCHER_LOST} (the command's status is unknown)
 * @param signal       the signal that ended it, 0 if none
 * @param failedStep   the setup step that failed ({@code "mount plan entry 3 (roBind /src -> /work)"}); for
 *                     {@link Kind#LAUNCHER_LOST}, which jns process ended and how; else null
 * @param errno        the errno of the failed step, 0 otherwise
 * @param userCpu      user CPU time of the command (with an init: the command's process and what it waited for)
 * @param systemCpu    system CPU time
 * @param maxRssKb     the largest resident set size, in KiB
 * @param namespaceIds inode numbers ({@code lsns}'s NS column) of the namespaces the command ran in, by type;
 *                     empty when not known (setup failed, or the command ended before they were read)
 */
public record Outcome(Kind kind, int exitCode, int signal, String failedStep, int errno, Duration userCpu,
                      Duration systemCpu, long maxRssKb, Map<NamespaceType, Long> namespaceIds) {
    /** How the command ended. */
    public enum Kind {
        /** It exited by itself ({@link #exitCode()}). */
        EXITED,
        /** A signal ended it ({@link #signal()}), not the timeout. */
        SIGNALED,
        /** The timeout ended it (SIGTERM, then SIGKILL after the grace period); {@link #signal()} says which. */
        TIMED_OUT,
        /** A setup step failed before the command ran ({@link #failedStep()}, {@link #errno()}). */
        SETUP_FAILED,
        /**
         * A process of jns itself (the sandbox's supervisor, "jns-launcher", or its init, "jns-init") died while
         * the command ran, killed from outside or failed, so the command's own end is unknown; the sandbox was
         * ended with it. {@link #failedStep()} names the process and how it ended; {@link #exitCode()} is -1.
         */
        LAUNCHER_LOST
    }

    /** Checks the values and copies the map. */
    public Outcome {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(userCpu, "userCpu");
        Objects.requireNonNull(systemCpu, "systemCpu");
        namespaceIds = Map.copyOf(namespaceIds);
    }

    /** The outcome of a spawn that {@code failure} stopped before the command ran. */
    public static Outcome setupFailed(NamespaceException failure) {
        return new Outcome(Kind.SETUP_FAILED, 127, 0, failure.step(), failure.errno(), Duration.ZERO, Duration.ZERO,
                0, Map.of());
    }

    /** Whether the command exited with code 0. */
    public boolean success() {
        return kind == Kind.EXITED && exitCode == 0;
    }

    /** Whether the timeout ended the command. */
    public boolean timedOut() {
        return kind == Kind.TIMED_OUT;
    }
}
