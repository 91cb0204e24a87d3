package dev.jns.linux.sandbox;

import dev.jns.linux.testing.Probe;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/**
 * {@link SandboxFilesTest} from a JVM that runs as an unprivileged user (Maven: -Djns.rootlessUser=jnsci): the
 * {@code As.ROOT} cases run as that user with a user namespace.
 */
@Tag("rootless")
class RootlessSandboxFilesTest extends SandboxFilesTest {
    @BeforeAll
    static void notRoot() {
        Assumptions.assumeFalse(Probe.root(), "runs only in a JVM of an unprivileged user "
                + "(mvn -Djns.rootlessUser=jnsci ...); as root see SandboxFilesTest's JNSCI cases");
    }
}
