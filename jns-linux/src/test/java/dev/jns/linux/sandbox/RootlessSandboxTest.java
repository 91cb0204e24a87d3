package dev.jns.linux.sandbox;

import dev.jns.linux.testing.Probe;
import dev.jns.linux.testing.SandboxSupport;
import dev.jns.sandbox.MountPlan;

import dev.jns.NamespaceException;
import dev.jns.Outcome;
import dev.jns.SpawnResult;
import dev.jns.linux.testing.SandboxSupport.As;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The sandbox from a JVM that runs as an unprivileged user (Maven: -Djns.rootlessUser=jnsci). */
@Tag("rootless")
class RootlessSandboxTest {
    @BeforeAll
    static void notRoot() {
        Assumptions.assumeFalse(Probe.root(), "runs only in a JVM of an unprivileged user "
                + "(mvn -Djns.rootlessUser=jnsci ...); as root see SandboxEscapeTest's JNSCI cases");
    }

    @Test
    void buildStepSandboxContainsTheStep() throws Exception {
        Path out = Files.createTempDirectory("jns-rootless-");
        try {
            SpawnResult r = SandboxSupport.inMinimalRoot(SandboxSupport.spawn(As.ROOT),
                            new MountPlan().bind(out, Path.of("/out")).remountReadOnly(Path.of("/")))
                    .timeout(Duration.ofSeconds(20))
                    .run("sh", "-c", "echo built > /out/a; touch /usr/x 2>/dev/null && echo ESCAPED; "
                            + "mount -o remount,bind,rw /usr 2>/dev/null && echo ESCAPED; "
                            + "grep CapEff /proc/self/status; ls / | tr '\\n' ' '");
            assertThat(r.stdout()).doesNotContain("ESCAPED").contains("CapEff:\t0000000000000000");
            assertThat(Files.readString(out.resolve("a"))).isEqualTo("built\n");
            assertThat(r.outcome().kind()).isEqualTo(Outcome.Kind.EXITED);
        } finally {
            SandboxSupport.deleteTree(out);
        }
    }

    @Test
    void timeoutEndsTheSandbox() {
        SpawnResult r = SandboxSupport.spawn(As.ROOT).timeout(Duration.ofMillis(200), Duration.ZERO)
                .run("sleep", "30");
        assertThat(r.outcome().kind()).isEqualTo(Outcome.Kind.TIMED_OUT);
        assertThat(r.outcome().signal()).isEqualTo(9);
    }

    @Test
    void badEntryIsNamed() {
        assertThatThrownBy(() -> SandboxSupport.spawn(As.ROOT)
                .mounts(new MountPlan().emptyRoot().devBind(Path.of("/no/such-jns"), Path.of("/d"))).run("true"))
                .isInstanceOfSatisfying(NamespaceException.class, e ->
                        assertThat(e.step()).isEqualTo("mount plan entry 0 (devBind /no/such-jns -> /d)"));
    }
}
