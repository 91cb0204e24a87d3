package dev.jns.testkit;

import dev.jns.testkit.fixtures.LeakingFixture;
import dev.jns.testkit.fixtures.SandboxParamsFixture;

import dev.jns.testkit.internal.ProcFs;
import dev.jns.testkit.internal.Support;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

@RequiresNamespaces({dev.jns.NamespaceType.USER, dev.jns.NamespaceType.NET, dev.jns.NamespaceType.PID})
class SandboxExtensionTest {
    @Test
    void resolvesSandboxesInConstructorLifecycleMethodsAndTests() {
        EngineExecutionResults r = EngineRuns.run(SandboxParamsFixture.class);
        r.testEvents().failed().stream().forEach(e -> e.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable).ifPresent(Throwable::printStackTrace));
        r.testEvents().assertStatistics(s -> s.started(3).succeeded(3).failed(0));
        r.containerEvents().assertStatistics(s -> s.failed(0));
    }

    @Test
    void sandboxesMadeAsAnUnprivilegedUserPassTheSameTests() {
        Assumptions.assumeTrue(ProcFs.euid() == 0, "the JVM is not root: its sandboxes are rootless already");
        Assumptions.assumeTrue(ProcFs.user("jnsci") != null, "no unprivileged user 'jnsci' to make sandboxes as");
        String saved = System.getProperty(Support.RUN_AS_USER);
        System.setProperty(Support.RUN_AS_USER, "jnsci");
        try {
            EngineExecutionResults r = EngineRuns.run(SandboxParamsFixture.class);
            r.testEvents().failed().stream().forEach(e -> e.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                    .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable).ifPresent(Throwable::printStackTrace));
            r.testEvents().assertStatistics(s -> s.started(3).succeeded(3).failed(0));
            try (Sandbox sandbox = SandboxExtension.builder(
                    SandboxParamsFixture.class.getAnnotation(SandboxConfig.class) != null
                            ? SandboxParamsFixture.class.getAnnotation(SandboxConfig.class)
                            : Defaults.class.getAnnotation(SandboxConfig.class)).open()) {
                // uid 0 inside is jnsci outside: the rootless path, for real
                assertThat(sandbox.run("cat", "/proc/self/uid_map").stdout().trim().split("\\s+"))
                        .containsExactly("0", Long.toString(ProcFs.user("jnsci")[0]), "1");
            }
        } finally {
            if (saved == null) {
                System.clearProperty(Support.RUN_AS_USER);
            } else {
                System.setProperty(Support.RUN_AS_USER, saved);
            }
        }
    }

    @SandboxConfig
    private static final class Defaults {
    }

    @Test
    void leakDetectionNamesTheProcessLeftBehind() {
        EngineExecutionResults r = EngineRuns.run(LeakingFixture.class);
        r.testEvents().assertStatistics(s -> s.started(2).succeeded(1).failed(1));
        r.testEvents().assertThatEvents().haveExactly(1, event(test("leavesAProcess"),
                finishedWithFailure(message(m -> m.contains("the sandbox left") && m.contains("'sleep 100'")))));
        Event failed = r.testEvents().failed().list().get(0);
        String msg = failed.getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
                .getThrowable().orElseThrow().getMessage();
        System.out.println("expected leak report (the fixture leaks on purpose): " + msg);
        // the leaked process's pipes and pidfd are named as fds of the JVM
        assertThat(msg).contains("process ").contains("fd ");
    }
}
