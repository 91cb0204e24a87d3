package dev.jns.linux.spawn;

import dev.jns.Namespaces;
import dev.jns.Outcome;
import dev.jns.Spawn;
import dev.jns.SpawnResult;
import dev.jns.linux.testing.LeakCheck;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run() without an init in a new pid namespace ends at the launcher's last status record, its EXIT, not at the
 * launcher's end (RunLoop): the result is still the command's, whole, what the command left running is gone by
 * then, and the launcher, reaped by the reaper a moment later, leaves nothing behind.
 */
class RunEndsAtLastRecordTest {
    /** No namespace; a user and a network namespace (no pid namespace, so no init). */
    private static final List<Supplier<Spawn>> SPAWNS = List.of(
            Namespaces::spawn,
            () -> Namespaces.spawn().newUser().mapRootUser().newNet());

    @Test
    void theCommandsStatusAndOutputAreWhole() {
        for (Supplier<Spawn> s : SPAWNS) {
            s.get().run("/bin/true"); // the JVM's first spawn of the kind, before the counts
        }
        LeakCheck leaks = LeakCheck.start();
        for (int i = 0; i < 20; i++) {
            SpawnResult r = SPAWNS.get(i % 2).get()
                    .run("/bin/sh", "-c", "echo out" + i + "; echo err" + i + " >&2; exit " + (i % 7));
            assertThat(r.exitCode()).isEqualTo(i % 7);
            assertThat(r.stdout()).isEqualTo("out" + i + "\n");
            assertThat(r.stderr()).isEqualTo("err" + i + "\n");
        }
        leaks.assertNoLeaks();
    }

    @Test
    void aCommandKilledBySignalIsReportedAsSuch() {
        for (Supplier<Spawn> s : SPAWNS) {
            SpawnResult r = s.get().run("/bin/sh", "-c", "kill -KILL $$");
            assertThat(r.outcome().kind()).as(r.outcome().describe()).isEqualTo(Outcome.Kind.SIGNALED);
            assertThat(r.outcome().signal()).isEqualTo(9);
        }
    }

    /**
     * What the command left running is killed by the launcher (its subreaper) before the launcher's last record:
     * the run neither waits for it nor leaves it behind, even when it holds the run's stdout.
     */
    @Test
    @Timeout(60)
    void aBackgroundProcessIsGoneWhenTheRunReturns() throws Exception {
        for (Supplier<Spawn> s : SPAWNS) {
            SpawnResult r = s.get().run("/bin/sh", "-c", "sleep 1000 & echo $!; exit 3");
            assertThat(r.exitCode()).isEqualTo(3);
            long pid = Long.parseLong(r.stdout().trim().lines().reduce((a, b) -> b).orElseThrow());
            // the pid is the background sleep's in the JVM's pid namespace (no new one here)
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("sleep %d", pid).isFalse();
        }
    }
}
