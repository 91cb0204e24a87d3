package dev.jns.linux.reliability;

import dev.jns.Namespaces;
import dev.jns.NsProcess;
import dev.jns.Spawn;
import dev.jns.linux.testing.LeakCheck;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A command that ignores SIGTERM: destroy() does not end it, destroyForcibly() does, with and without an
 * init (new pid namespace). The timeout path (SIGTERM ignored, SIGKILL after the grace) is
 * OutcomeTest.timedOutWithSigkillAfterTheGrace; destroyForcibly of a whole pid namespace with TERM-proof
 * grandchildren is SpawnLifecycleTest.destroyForciblyEndsTheWholePidNamespace.
 */
class IgnoresSigtermTest {

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void destroyDoesNotEndItDestroyForciblyDoes(boolean pidNamespace) throws Exception {
        LeakCheck leaks = LeakCheck.start();
        Spawn s = Namespaces.spawn();
        if (pidNamespace) {
            s.newUser().mapRootUser().newPid();
        }
        try (NsProcess p = s.start("/bin/sh", "-c", "trap 'echo term-ignored' TERM; echo ready; "
                + "while :; do sleep 0.05; done")) {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("ready");
            p.destroy();
            assertThat(out.readLine()).as("the trap ran").isEqualTo("term-ignored");
            assertThat(p.waitFor(500, TimeUnit.MILLISECONDS)).as("still running after destroy()").isFalse();
            assertThat(p.isAlive()).isTrue();
            long t0 = System.nanoTime();
            p.destroyForcibly();
            assertThat(p.waitFor(5, TimeUnit.SECONDS)).as("ended by destroyForcibly()").isTrue();
            System.out.printf("ignores SIGTERM (pid ns %s): destroyForcibly ended it in %d ms%n", pidNamespace,
                    (System.nanoTime() - t0) / 1_000_000);
            assertThat(p.exitValue()).isEqualTo(137);
        }
        leaks.assertNoLeaks();
    }
}
