package dev.jns.linux;

import dev.jns.Spawn;

/** {@link SecureSandboxContract} from a root JVM with {@code runAs(jnsci)}: the rootless path, for real. */
class SecureSandboxRunAsTest extends SecureSandboxContract {
    @Override
    Spawn base() {
        return SandboxSupport.spawn(SandboxSupport.As.JNSCI);
    }
}
