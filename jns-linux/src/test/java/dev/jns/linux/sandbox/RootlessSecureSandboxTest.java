package dev.jns.linux.sandbox;

import dev.jns.Namespaces;
import dev.jns.Spawn;

import org.junit.jupiter.api.Tag;

/** {@link SecureSandboxContract} from a JVM running as an unprivileged user (CI: jnsci). */
@Tag("rootless")
class RootlessSecureSandboxTest extends SecureSandboxContract {
    @Override
    Spawn base() {
        return Namespaces.spawn().newUser().mapRootUser().newPid().newMount().newNet().newIpc().newUts();
    }
}
