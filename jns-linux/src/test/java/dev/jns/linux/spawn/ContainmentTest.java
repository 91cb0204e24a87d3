package dev.jns.linux.spawn;

import dev.jns.Namespaces;
import dev.jns.Spawn;
import dev.jns.linux.testing.NoLeaks;
import dev.jns.linux.testing.Probe;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Assumptions;

/** {@link ContainmentContract} as root: no namespaces, or a new pid namespace (without a user namespace). */
@org.junit.jupiter.api.extension.ExtendWith(NoLeaks.class)
class ContainmentTest extends ContainmentContract {
    @BeforeAll
    static void root() {
        Assumptions.assumeTrue(Probe.root(), "a pid namespace without a user namespace needs root");
    }

    @Override
    Spawn spawn(boolean pidns) {
        return pidns ? Namespaces.spawn().newPid() : Namespaces.spawn();
    }
}
