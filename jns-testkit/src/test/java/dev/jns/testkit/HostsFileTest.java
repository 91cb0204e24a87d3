package dev.jns.testkit;

import dev.jns.NamespaceType;
import dev.jns.testkit.fixtures.HostsFileFixture;
import dev.jns.testkit.fixtures.ResolveFixture;
import dev.jns.testkit.internal.EtcHosts;

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
    void theFileNamesTheHostAsDebianDoes() {
        assertThat(EtcHosts.hosts("web-1.example.test")).contains("127.0.0.1\tlocalhost\n",
                "127.0.1.1\tweb-1.example.test web-1\n", "::1\tlocalhost ip6-localhost ip6-loopback web-1.example.test web-1\n");
        assertThatThrownBy(() -> EtcHosts.hosts("two words")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'two words'");
        assertThatThrownBy(() -> Sandbox.builder().hostname("a#b").open()).isInstanceOf(IllegalArgumentException.class);
    }

    static void assertAllPass(EngineExecutionResults r, int tests) {
        r.testEvents().failed().stream().forEach(e -> e.getPayload(TestExecutionResult.class)
                .flatMap(TestExecutionResult::getThrowable).ifPresent(Throwable::printStackTrace));
        r.testEvents().assertStatistics(s -> s.started(tests).succeeded(tests));
    }
}
