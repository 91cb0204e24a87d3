package dev.jns.linux.spawn;

import dev.jns.Namespaces;
import dev.jns.spi.SpawnSpec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The launcher steps a plan expects (what the DEBUG log reports as each status record comes). */
class LaunchPlanStepsTest {
    private static LaunchPlan plan(dev.jns.Spawn s) {
        return LaunchPlan.of(SpawnSpec.of(s, "true"), Privileges.unprivileged(1000, 1000));
    }

    @Test
    void aRootlessPidNamespaceWithAHostnameMapsIdsBeforeReleasingTheChildAndForksAnInit() {
        LaunchPlan p = plan(Namespaces.spawn().newUser().newPid().newUts().mapRootUser().hostname("box").mountProc()
                .newMount());
        assertThat(p.steps()).startsWith(Step.READ_SPEC, Step.PARSE_SPEC, Step.PRCTL, Step.CLOSE_FDS, Step.SIGNALS,
                Step.CLONE).endsWith(Step.EXEC);
        // the proc alone is mounted while S writes the maps (the launcher's child.c)
        assertThat(p.steps()).containsSubsequence(Step.CLONE, Step.MOUNT_PROC, Step.WRITE_SETGROUPS,
                Step.WRITE_UID_MAP, Step.WRITE_GID_MAP, Step.WAIT_FOR_PARENT, Step.SETHOSTNAME, Step.FORK, Step.EXEC);
        assertThat(p.steps()).doesNotContain(Step.JOIN_NAMESPACE, Step.DROP_TO_UID, Step.UNSHARE_TIME);
    }

    @Test
    void aProcWithAMountPlanIsMountedOnceTheMapsAreWritten() {
        LaunchPlan p = plan(Namespaces.spawn().newUser().newPid().mapRootUser().mountProc()
                .mounts(new dev.jns.sandbox.MountPlan().tmpfs(java.nio.file.Path.of("/tmp"))));
        assertThat(p.steps()).containsSubsequence(Step.CLONE, Step.WRITE_UID_MAP, Step.WAIT_FOR_PARENT,
                Step.MOUNT_PROC, Step.MOUNT_PLAN, Step.FORK, Step.EXEC);
    }

    @Test
    void withoutANewPidOrTimeNamespaceThereIsNoFork() {
        assertThat(plan(Namespaces.spawn().newUser().newNet()).steps()).doesNotContain(Step.FORK)
                .contains(Step.LOOPBACK);
    }
}
