package dev.jns;

import dev.jns.spi.SpawnSpec;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Issue 13, item 12: a plain spawn inherits the JVM's environment as ProcessBuilder does; clearEnv() passes none. */
class EnvironmentTest {
    @Test
    void aPlainSpawnInheritsTheJvmsEnvironmentLikeProcessBuilder() {
        assertThat(SpawnSpec.of(Namespaces.spawn(), "true").environment())
                .isEqualTo(new ProcessBuilder().environment());
        assertThat(SpawnSpec.of(Namespaces.spawn().env("JNS_EXTRA", "1"), "true").environment())
                .containsAllEntriesOf(System.getenv()).containsEntry("JNS_EXTRA", "1");
    }

    @Test
    void clearEnvPassesOnlyWhatIsNamed() {
        assertThat(SpawnSpec.of(Namespaces.spawn().clearEnv().env("PATH", "/usr/bin"), "true").environment())
                .containsExactly(java.util.Map.entry("PATH", "/usr/bin"));
        assertThat(SpawnSpec.of(Namespaces.spawn().env("A", "1").clearEnv(), "true").environment()).isEmpty();
    }
}
