package dev.jns.linux.reliability;

import dev.jns.linux.testing.FreshJvm;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A spawn without namespaces starts its command's process in the supervisor's address space (CLONE_VM |
 * CLONE_VFORK), and the supervisor sleeps until that process execs, reading neither its lifeline nor its signalfd.
 * Should the JVM die in that window, the supervisor's PR_SET_PDEATHSIG is SIGKILL, and the first process dies with
 * the supervisor: nothing may be left. The window is held open with the test aid that stops the command's process
 * right before its exec ({@link StuckBeforeExecMain}, in a child JVM that is then SIGKILLed).
 */
class JvmKillBeforeExecTest {

    @Test
    void aJvmKilledWhileTheSupervisorSleepsUntilTheExecLeavesNothing() throws Exception {
        String java = FreshJvm.java();
        Process jvm = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                StuckBeforeExecMain.class.getName()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            String line = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8)).readLine();
            assertThat(line).as("supervisor and first process, from the child JVM").isNotNull().isNotEqualTo("none");
            String[] pids = line.split(" ");
            long supervisor = Long.parseLong(pids[0]);
            long first = Long.parseLong(pids[1]);
            assertThat(Gauges.state(first)).as("the first process, stopped before its exec").isEqualTo("T");
            jvm.destroyForcibly();
            assertThat(jvm.waitFor(10, TimeUnit.SECONDS)).isTrue();
            for (long pid : new long[] {supervisor, first}) {
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (Gauges.running(pid) && System.nanoTime() < deadline) {
                    Thread.sleep(5);
                }
                assertThat(Gauges.running(pid)).as("process %d 5 s after the JVM was killed (state %s)", pid, Gauges.state(pid))
                        .isFalse();
            }
        } finally {
            jvm.destroyForcibly();
        }
    }

}
