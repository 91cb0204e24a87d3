package dev.jns.linux.spawn;

import dev.jns.Namespaces;
import dev.jns.NsProcess;
import dev.jns.Spawn;
import dev.jns.linux.testing.NoLeaks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link NsProcess#signal}: each signal reaches the command itself (a shell that traps it and says which), with and
 * without an init between (a new pid namespace: the supervisor sends it to the init, which forwards it), so the
 * enum's numbers are the ones the launcher forwards.
 */
@ExtendWith(NoLeaks.class)
class SignalTest {
    /** Traps every signal of NsProcess.Signal, prints its name when it comes, and runs until killed. */
    private static final String TRAPS = "for s in HUP INT QUIT USR1 USR2 TERM; do trap \"echo $s\" $s; done; "
            + "echo ready; while :; do sleep 0.02; done";

    private static Spawn sandbox(boolean init) {
        return init ? Namespaces.spawn().newUser().mapRootUser().newPid().mountProc() : Namespaces.spawn();
    }

    @ParameterizedTest(name = "with an init: {0}")
    @ValueSource(booleans = {false, true})
    @Timeout(60)
    void eachSignalReachesTheCommand(boolean init) throws Exception {
        try (NsProcess p = sandbox(init).start("sh", "-c", TRAPS)) {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("ready");
            for (NsProcess.Signal s : NsProcess.Signal.values()) {
                p.signal(s);
                assertThat(out.readLine()).as("what the command got after signal(%s)", s).isEqualTo(s.name());
            }
            assertThat(p.isAlive()).as("every signal was trapped").isTrue();
        }
    }

    @Test
    void aSignalAfterTheEndDoesNothingAndNullIsRefusedByName() throws Exception {
        try (NsProcess p = Namespaces.spawn().start("true")) {
            assertThat(p.waitFor()).isZero();
            p.signal(NsProcess.Signal.TERM);
            assertThat(p.exitValue()).isZero();
            assertThatThrownBy(() -> p.signal(null)).isInstanceOf(NullPointerException.class).hasMessage("signal");
        }
    }

    @Test
    void anUntrappedSignalEndsTheCommandWithIt() throws Exception {
        try (NsProcess p = sandbox(true).start("sleep", "30")) {
            p.signal(NsProcess.Signal.HUP);
            assertThat(p.waitFor()).isEqualTo(128 + 1);
        }
    }
}
