package dev.jns.linux.sandbox;

import dev.jns.Spawn;
import dev.jns.linux.testing.SandboxSupport;

/** {@link SecureSandboxContract} from a root JVM with {@code runAs(jnsci)}: the rootless path, for real. */
class SecureSandboxRunAsTest extends SecureSandboxContract {
    @Override
    Spawn base() {
        return SandboxSupport.spawn(SandboxSupport.As.JNSCI);
    }
}
