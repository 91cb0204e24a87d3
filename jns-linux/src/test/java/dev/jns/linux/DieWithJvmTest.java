package dev.jns.linux;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A JVM killed with SIGKILL takes its sandboxes with it within a second, whichever thread spawned them. */
class DieWithJvmTest {
    @Test
    void sandboxesDieWithAKilledJvm() throws Exception {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        Process jvm = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), DieWithJvmMain.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            assertThat(line).as("pids printed by the child JVM").isNotNull();
            long[] pids = Arrays.stream(line.split(" ")).mapToLong(Long::parseLong).toArray();
            assertThat(pids).hasSize(2);
            for (long pid : pids) {
                assertThat(Probe.alive(pid)).as("sandbox %d runs before the kill", pid).isTrue();
            }
            // the spawning threads have ended by now; SIGKILL gives the JVM no chance to clean up
            long killedAt = System.nanoTime();
            jvm.destroyForcibly();
            assertThat(jvm.waitFor(5, TimeUnit.SECONDS)).isTrue();
            for (long pid : pids) {
                while (Probe.alive(pid) && System.nanoTime() - killedAt < 1_000_000_000L) {
                    Probe.sleep(10);
                }
                assertThat(Probe.alive(pid)).as("sandbox %d one second after the JVM was killed", pid).isFalse();
            }
        } finally {
            jvm.destroyForcibly();
        }
    }

}
