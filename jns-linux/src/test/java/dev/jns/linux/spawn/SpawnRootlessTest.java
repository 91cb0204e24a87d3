package dev.jns.linux.spawn;

import dev.jns.Namespaces;
import dev.jns.Spawn;
import dev.jns.linux.testing.Probe;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;

/** The namespace contract in a JVM that really runs as an unprivileged user (CI: user jnsci). */
@Tag("rootless")
class SpawnRootlessTest extends NamespaceBehaviourContract {
    @BeforeEach
    void notRoot() {
        Assumptions.assumeFalse(Probe.root(), "runs as a non-root user (mvn -Djns.rootlessUser=USER as root does that)");
    }

    @Override
    Spawn base() {
        return Namespaces.spawn().mapRootUser();
    }

    @Override
    long outsideRoot() {
        return Probe.uid();
    }
}
