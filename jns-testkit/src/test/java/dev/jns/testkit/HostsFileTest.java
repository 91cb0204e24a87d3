package dev.jns.testkit;

import dev.jns.InvalidSpecException;
import dev.jns.NamespaceType;
import dev.jns.testkit.fixtures.HostsFileFixture;
import dev.jns.testkit.fixtures.ResolveFixture;

import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The hostname of a Sandbox and of an @Isolated JVM resolves to loopback inside; outside names fail. */
@RequiresNamespaces({NamespaceType.USER, NamespaceType.NET, NamespaceType.PID, NamespaceType.UTS, NamespaceType.MOUNT})
class HostsFileTest {
    @Test
    void inASandbox() {
        assertAllPass(EngineRuns.run(HostsFileFixture.class), 5);
    }

    @Test
    void inAnIsolatedJvm() {
        assertAllPass(EngineRuns.run(ResolveFixture.class), 3);
    }

    @Test
    void aHostnameAHostsFileCannotHoldFailsBeforeAnythingIsMade() {
        assertThatThrownBy(() -> Sandbox.builder().hostname("a#b").open()).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("hostsFile").hasMessageContaining("'a#b'");
    }

    static void assertAllPass(EngineExecutionResults r, int tests) {
        r.testEvents().failed().stream().forEach(e -> e.getPayload(TestExecutionResult.class)
                .flatMap(TestExecutionResult::getThrowable).ifPresent(Throwable::printStackTrace));
        r.testEvents().assertStatistics(s -> s.started(tests).succeeded(tests));
    }
}
