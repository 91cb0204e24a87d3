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
 * @param cgroup       what the whole sandbox used, read from its cgroup when it ended; null when it had none
 *                     (no cgroup limit in {@link dev.jns.sandbox.Limits}) or setup failed
 */
public record Outcome(Kind kind, int exitCode, int signal, String failedStep, int errno, Duration userCpu,
                      Duration systemCpu, long maxRssKb, Map<NamespaceType, Long> namespaceIds,
                      CgroupUsage cgroup) {
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
        LAUNCHER_LOST,
        /**
         * The kernel's OOM killer ended the command (SIGKILL) because the sandbox reached its memory limit
         * ({@link dev.jns.sandbox.Limits.Builder#memory}); {@link #cgroup()} has the limit and the peak.
         */
        OOM_KILLED
    }

    /**
     * What a sandbox with a cgroup used, as the cgroup counted it: every process of the sandbox, for its whole
     * life. A figure the host's cgroups do not offer is -1 ({@code memory.peak} needs Linux 5.19 on cgroup v2,
     * and a figure of a controller the sandbox had no limit for may be missing on cgroup v1).
     *
     * @param memoryPeak  the most memory the sandbox used at once, in bytes ({@code memory.peak}, v1
     *                    {@code memory.max_usage_in_bytes}), page cache and tmpfs included; -1 if unknown
     * @param memoryLimit the memory limit it ran under, in bytes; -1 if none
     * @param oomKills    how many of its processes the OOM killer killed ({@code memory.events oom_kill}, v1
     *                    {@code memory.oom_control}); -1 if unknown
     * @param cpu         the CPU time all its processes used ({@code cpu.stat usage_usec}, v1
     *                    {@code cpuacct.usage}); null if unknown
     * @param pidsPeak    the most processes and threads it had at once ({@code pids.peak}); -1 if unknown
     */
    public record CgroupUsage(long memoryPeak, long memoryLimit, long oomKills, Duration cpu, long pidsPeak) {
        /** Whether the OOM killer killed a process of the sandbox. */
        public boolean oomKilled() {
            return oomKills > 0;
        }
    }

    /** An outcome without cgroup figures (a sandbox without a cgroup). */
    public Outcome(Kind kind, int exitCode, int signal, String failedStep, int errno, Duration userCpu,
                   Duration systemCpu, long maxRssKb, Map<NamespaceType, Long> namespaceIds) {
        this(kind, exitCode, signal, failedStep, errno, userCpu, systemCpu, maxRssKb, namespaceIds, null);
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

    /**
     * How the command ended, in words: {@code "exited with code 0"}, {@code "killed by signal 9"},
     * {@code "killed by the OOM killer (memory limit 64 MiB)"}, {@code "timed out (signal 15)"}, ...
     */
    public String describe() {
        return switch (kind) {
            case EXITED -> "exited with code " + exitCode;
            case SIGNALED -> "killed by signal " + signal;
            case TIMED_OUT -> "timed out (ended by signal " + signal + ")";
            case SETUP_FAILED -> "setup failed at " + failedStep + " (" + Errno.name(errno) + ")";
            case LAUNCHER_LOST -> "unknown: " + failedStep;
            case OOM_KILLED -> "killed by the OOM killer" + (cgroup != null && cgroup.memoryLimit() >= 0
                    ? " (memory limit " + dev.jns.sandbox.Limits.formatBytes(cgroup.memoryLimit()) + ")" : "");
        };
    }
}
