package dev.jns.linux.cgroup;

import dev.jns.NamespaceException;
import dev.jns.Namespaces;
import dev.jns.Outcome;
import dev.jns.SpawnResult;
import dev.jns.sandbox.Limits;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Cgroup limits from a JVM of an unprivileged user (Maven: -Djns.rootlessUser=jnsci): with a cgroup v2 subtree
 * delegated to the user they work; without one, start() says what to enable.
 */
@Tag("rootless")
class RootlessCgroupTest {
    private static final long MIB = 1L << 20;
    private static CgroupHost host;

    @BeforeAll
    static void notRoot() {
        assumeFalse(ProcessHandle.current().info().user().orElse("").equals("root"),
                "runs only in a JVM of an unprivileged user (mvn -Djns.rootlessUser=jnsci ...)");
        host = CgroupHost.current();
    }

    /** Whether this JVM's own v2 cgroup is delegated to it with the memory controller for its children. */
    private static boolean delegated() {
        return host.v2() != null && host.v2().own() != null && Files.isWritable(host.v2().own())
                && CgroupHost.words(CgroupHost.read(host.v2().own().resolve("cgroup.subtree_control")))
                .contains("memory");
    }

    @Test
    void withoutADelegatedCgroupStartSaysWhatToEnable() {
        assumeFalse(delegated(), "this user has a delegated cgroup v2 subtree here: see withDelegation...");
        assertThatThrownBy(() -> Namespaces.spawn().newUser().limits(Limits.builder().memory(64 * MIB).build())
                .run("true"))
                .isInstanceOfSatisfying(NamespaceException.class, e -> {
                    assertThat(e.getMessage()).contains("delegated");
                    assertThat(e.hint()).contains("Delegate=yes", "Limits.builder().cgroup(dir)");
                });
    }

    @Test
    void withDelegationAMemoryHogIsOomKilled() {
        assumeTrue(delegated(), "no cgroup v2 subtree with the memory controller is delegated to this user here ("
                + "cgroup " + host.version() + ", own v2 cgroup " + (host.v2() == null ? "none" : host.v2().own()) + ")");
        SpawnResult r = Namespaces.spawn().newUser().newPid().limits(Limits.builder().memory(64 * MIB).build())
                .run("tail", "/dev/zero");
        assertThat(r.outcome().kind()).isEqualTo(Outcome.Kind.OOM_KILLED);
    }
}
