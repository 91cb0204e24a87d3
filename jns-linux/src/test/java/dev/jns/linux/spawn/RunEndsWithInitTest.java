package dev.jns.linux.spawn;

import dev.jns.Namespaces;
import dev.jns.Spawn;
import dev.jns.SpawnResult;
import dev.jns.linux.testing.LeakCheck;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A run() with an init in a new pid namespace ends at the init's end, not the launcher's (RunLoop): the result
 * is still the command's, whole — status, signal, output — and the launcher, reaped by the reaper a moment
 * later, leaves nothing behind.
 */
class RunEndsWithInitTest {
    private static Spawn sandbox() {
        return Namespaces.spawn().newUser().mapRootUser().newPid().newMount().mountProc();
    }

    @Test
    void theCommandsStatusAndOutputAreWhole() {
        sandbox().run("/bin/true"); // the JVM's first spawn, before the counts
        LeakCheck leaks = LeakCheck.start();
        for (int i = 0; i < 20; i++) {
            SpawnResult r = sandbox().run("/bin/sh", "-c", "echo out" + i + "; echo err" + i + " >&2; exit " + (i % 7));
            assertThat(r.exitCode()).isEqualTo(i % 7);
            assertThat(r.stdout()).isEqualTo("out" + i + "\n");
            assertThat(r.stderr()).isEqualTo("err" + i + "\n");
        }
        leaks.assertNoLeaks();
    }

    /**
     * A command killed by SIGKILL is reported as such, not as an init that died: the init marks its report, so
     * a lone EXIT with SIGKILL from it is the command's (the launcher's own report of the init has not come).
     */
    @Test
    void aCommandKilledBySigkillIsNotALostInit() {
        SpawnResult r = sandbox().run("/bin/sh", "-c", "kill -KILL $$");
        assertThat(r.outcome().kind()).as(r.outcome().describe()).isEqualTo(dev.jns.Outcome.Kind.SIGNALED);
        assertThat(r.outcome().signal()).isEqualTo(9);
    }

    /** What the command left running in its pid namespace dies with the init: the run does not wait for it. */
    @Test
    @Timeout(60)
    void aBackgroundProcessDoesNotHoldTheRunUp() {
        SpawnResult r = sandbox().run("/bin/sh", "-c", "sleep 1000 >/dev/null 2>&1 & exit 3");
        assertThat(r.exitCode()).isEqualTo(3);
    }
}
