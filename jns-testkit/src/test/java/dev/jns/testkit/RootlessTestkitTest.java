package dev.jns.testkit;

import dev.jns.NamespaceType;
import dev.jns.testkit.fixtures.HostsFileFixture;
import dev.jns.testkit.fixtures.IsolatedFixture;
import dev.jns.testkit.fixtures.ResolveFixture;
import dev.jns.testkit.fixtures.LeakingFixture;
import dev.jns.testkit.fixtures.RootlessMountsFixture;
import dev.jns.testkit.fixtures.SandboxParamsFixture;
import dev.jns.testkit.internal.ProcFs;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;

/**
 * The fixtures in a JVM that is not root (the rootless-as-user profile runs this class as such a user):
 * sandboxes and isolated tests through the caller's own user namespaces, joined without any privilege.
 */
@Tag("rootless")
@RequiresNamespaces({NamespaceType.USER, NamespaceType.NET, NamespaceType.PID})
class RootlessTestkitTest {
    @BeforeEach
    void notRoot() {
        Assumptions.assumeFalse(ProcFs.euid() == 0,
                "runs as root; -Djns.rootlessUser=jnsci runs this class as a plain user");
    }

    @Test
    void sandboxParameters() {
        EngineExecutionResults r = EngineRuns.run(SandboxParamsFixture.class);
        r.testEvents().failed().stream().forEach(e -> e.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable).ifPresent(Throwable::printStackTrace));
        r.testEvents().assertStatistics(s -> s.started(3).succeeded(3));
    }

    @Test
    void leakDetection() {
        EngineRuns.run(LeakingFixture.class).testEvents().assertStatistics(s -> s.started(2).succeeded(1).failed(1));
    }

    @Test
    void extraMounts() throws Exception {
        java.nio.file.Path base = java.nio.file.Path.of(RootlessMountsFixture.BASE);
        MountLayout.prepare(base, -1, -1);
        try {
            MountLayout.runAndCheck(RootlessMountsFixture.class, base);
        } finally {
            MountLayout.delete(base);
        }
    }

    @Test
    void hostsFileAndResolution() {
        HostsFileTest.assertAllPass(EngineRuns.run(HostsFileFixture.class), 5);
        HostsFileTest.assertAllPass(EngineRuns.run(ResolveFixture.class), 3);
    }

    @Test
    void isolated() {
        EngineRuns.run(IsolatedFixture.class).testEvents()
                .assertStatistics(s -> s.started(3).succeeded(1).failed(1).aborted(1));
    }
}
