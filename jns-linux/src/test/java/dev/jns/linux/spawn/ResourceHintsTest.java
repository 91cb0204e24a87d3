package dev.jns.linux.spawn;

import dev.jns.Errno;
import dev.jns.Namespaces;
import dev.jns.spi.SpawnSpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exhausted resources get a hint at every step (issue 14 item 8): a process limit at clone or at the init's fork
 * names RLIMIT_NPROC and the pids cgroup; a full fd table names RLIMIT_NOFILE. (EMFILE end to end, in a JVM that
 * ran out of fds: {@code ContainmentContract.runningOutOfFdsIsReportedWithTheLimitAsHint}.)
 */
class ResourceHintsTest {
    private static LaunchPlan plan() {
        return LaunchPlan.of(SpawnSpec.of(Namespaces.spawn().newUser().mapRootUser().newPid(), "/bin/true"),
                Privileges.current());
    }

    @Test
    void processLimitAtCloneAndAtTheInitsFork() {
        for (Step step : new Step[] {Step.CLONE, Step.FORK, Step.NEWUIDMAP, Step.EXEC}) {
            assertThat(SetupFailure.of(plan(), step.code(), Errno.EAGAIN, "").getMessage()).as(step.label())
                    .contains("EAGAIN").contains("RLIMIT_NPROC").contains("pids.max");
        }
    }

    @Test
    void fdLimitAtAnyStep() {
        for (Step step : new Step[] {Step.CLONE, Step.INTERNAL, Step.NEWGIDMAP}) {
            assertThat(SetupFailure.of(plan(), step.code(), Errno.EMFILE, "").getMessage()).as(step.label())
                    .contains("RLIMIT_NOFILE");
        }
        assertThat(Hints.forErrno(Errno.EINVAL)).isNull();
    }
}
