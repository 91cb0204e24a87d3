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
 * A run() ends before its launcher does (RunLoop): at its init's end when the init is PID 1 of a new pid namespace,
 * else at the launcher's last status record, its EXIT. Either way the result is still the command's, whole —
 * status, signal, output —, what the command left running is gone, and the launcher, reaped by the reaper a moment
 * later, leaves nothing behind.
 */
class RunEndsEarlyTest {
    /** An init in a new pid namespace; no namespace; a user and a network namespace (no pid namespace: no init). */
    private static final List<Supplier<Spawn>> SPAWNS = List.of(
            () -> Namespaces.spawn().newUser().mapRootUser().newPid().newMount().mountProc(),
            Namespaces::spawn,
            () -> Namespaces.spawn().newUser().mapRootUser().newNet());

    @Test
    void theCommandsStatusAndOutputAreWhole() {
        for (Supplier<Spawn> s : SPAWNS) {
            s.get().run("/bin/true"); // the JVM's first spawn of each kind, before the counts
        }
        LeakCheck leaks = LeakCheck.start();
        for (int i = 0; i < 30; i++) {
            SpawnResult r = SPAWNS.get(i % SPAWNS.size()).get()
                    .run("/bin/sh", "-c", "echo out" + i + "; echo err" + i + " >&2; exit " + (i % 7));
            assertThat(r.exitCode()).isEqualTo(i % 7);
            assertThat(r.stdout()).isEqualTo("out" + i + "\n");
            assertThat(r.stderr()).isEqualTo("err" + i + "\n");
        }
        leaks.assertNoLeaks();
    }

    /**
     * A command killed by SIGKILL is reported as such, not as a lost launcher or init: an init marks its report, so
     * a lone EXIT with SIGKILL from it is the command's (the launcher's own report of the init has not come).
     */
    @Test
    void aCommandKilledBySigkillIsReportedAsSuch() {
        for (Supplier<Spawn> s : SPAWNS) {
            SpawnResult r = s.get().run("/bin/sh", "-c", "kill -KILL $$");
            assertThat(r.outcome().kind()).as(r.outcome().describe()).isEqualTo(Outcome.Kind.SIGNALED);
            assertThat(r.outcome().signal()).isEqualTo(9);
        }
    }

    /**
     * What the command left running, even holding the run's stdout, dies with the init or is killed by the launcher
     * (its subreaper) before its last record: the run neither waits for it nor leaves it behind.
     */
    @Test
    @Timeout(60)
    void aBackgroundProcessIsGoneWhenTheRunReturns() {
        for (int k = 0; k < SPAWNS.size(); k++) {
            SpawnResult r = SPAWNS.get(k).get().run("/bin/sh", "-c", "sleep 1000 & echo $!; exit 3");
            assertThat(r.exitCode()).isEqualTo(3);
            if (k > 0) {
                // no pid namespace: $! is the background sleep's pid in the JVM's own
                long pid = Long.parseLong(r.stdout().trim());
                assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("sleep %d", pid)
                        .isFalse();
            }
        }
    }
}
