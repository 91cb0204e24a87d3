package dev.jns.linux.spawn;

import dev.jns.Namespaces;
import dev.jns.Spawn;
import dev.jns.linux.testing.NoLeaks;
import dev.jns.linux.testing.Probe;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/** {@link ContainmentContract} in a JVM of an unprivileged user: no namespaces, or user + pid namespaces. */
@Tag("rootless")
@org.junit.jupiter.api.extension.ExtendWith(NoLeaks.class)
class RootlessContainmentTest extends ContainmentContract {
    @BeforeAll
    static void unprivileged() {
        Assumptions.assumeFalse(Probe.root(), "runs only in a JVM of an unprivileged user (-Djns.rootlessUser=jnsci)");
    }

    @Override
    Spawn spawn(boolean pidns) {
        return pidns ? Namespaces.spawn().newUser().mapRootUser().newPid() : Namespaces.spawn();
    }
}
