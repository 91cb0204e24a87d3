package dev.jns.linux.spawn;

import dev.jns.linux.testing.Probe;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/** {@link ForkServerTest} in a JVM of an unprivileged user. */
@Tag("rootless")
class RootlessForkServerTest extends ForkServerTest {
    @BeforeAll
    static void unprivileged() {
        Assumptions.assumeFalse(Probe.root(), "runs only in a JVM of an unprivileged user (-Djns.rootlessUser=jnsci)");
    }
}
