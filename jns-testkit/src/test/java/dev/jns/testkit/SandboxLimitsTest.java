package dev.jns.testkit;

import dev.jns.InvalidSpecException;
import dev.jns.Namespaces;
import dev.jns.NamespaceType;
import dev.jns.doctor.CgroupFacts;
import dev.jns.testkit.fixtures.LimitsFixture;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code @SandboxConfig(memory, pids, cpus)}: through the engine, and bad values naming the attribute. */
@RequiresNamespaces({NamespaceType.USER, NamespaceType.PID})
class SandboxLimitsTest {
    @Test
    void sandboxConfigLimitsHoldForEachCommand() {
        CgroupFacts c = Namespaces.doctor().facts().cgroups();
        Assumptions.assumeTrue(c.delegated() && c.available("memory") && c.available("pids") && c.available("cpu"),
                "cgroup limits are not available to this user here: " + c.describe());
        EngineExecutionResults r = EngineRuns.run(LimitsFixture.class);
        r.testEvents().failed().stream().forEach(e -> e.getPayload(org.junit.platform.engine.TestExecutionResult.class)
                .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable).ifPresent(Throwable::printStackTrace));
        r.testEvents().assertStatistics(s -> s.started(2).succeeded(2).failed(0));
    }

    @SandboxConfig(memory = "lots")
    private static final class NotASize {
    }

    @SandboxConfig(memory = "0")
    private static final class ZeroMemory {
    }

    @SandboxConfig(pids = -1)
    private static final class NegativePids {
    }

    @SandboxConfig(cpus = -0.5)
    private static final class NegativeCpus {
    }

    @Test
    void badValuesAreInvalidNamingTheAttribute() {
        assertThatThrownBy(() -> SandboxExtension.builder(NotASize.class.getAnnotation(SandboxConfig.class)))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> {
                    assertThat(e.field()).isEqualTo("@SandboxConfig.memory");
                    assertThat(e.getMessage()).contains("\"lots\" is not a size");
                });
        assertThatThrownBy(() -> SandboxExtension.builder(ZeroMemory.class.getAnnotation(SandboxConfig.class)))
                .isInstanceOfSatisfying(InvalidSpecException.class,
                        e -> assertThat(e.field()).isEqualTo("@SandboxConfig.memory"));
        assertThatThrownBy(() -> SandboxExtension.builder(NegativePids.class.getAnnotation(SandboxConfig.class)))
                .isInstanceOfSatisfying(InvalidSpecException.class,
                        e -> assertThat(e.field()).isEqualTo("@SandboxConfig.pids"));
        assertThatThrownBy(() -> SandboxExtension.builder(NegativeCpus.class.getAnnotation(SandboxConfig.class)))
                .isInstanceOfSatisfying(InvalidSpecException.class,
                        e -> assertThat(e.field()).isEqualTo("@SandboxConfig.cpus"));
    }
}
