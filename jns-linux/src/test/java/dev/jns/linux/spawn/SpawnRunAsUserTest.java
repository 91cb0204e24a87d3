package dev.jns.linux.spawn;

import dev.jns.Namespaces;
import dev.jns.Spawn;
import dev.jns.linux.testing.Probe;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;

/**
 * The namespace contract as an unprivileged user, from a root JVM: the launcher drops to the user
 * ({@code runAs}) before it creates anything, so the kernel applies its rootless rules for real.
 */
class SpawnRunAsUserTest extends NamespaceBehaviourContract {
    private final long[] user = Probe.unprivileged();

    @BeforeEach
    void root() {
        Assumptions.assumeTrue(Probe.root(), "runAs needs a root JVM (runs in CI as root)");
    }

    @Override
    Spawn base() {
        return Namespaces.spawn().runAs(user[0], user[1]).mapRootUser();
    }

    @Override
    long outsideRoot() {
        return user[0];
    }
}
