package dev.jns.linux;

import dev.jns.Spawn;

/** {@link SecureSandboxContract} from this JVM (root in CI), with a user namespace mapping root. */
class SecureSandboxTest extends SecureSandboxContract {
    @Override
    Spawn base() {
        return SandboxSupport.spawn(SandboxSupport.As.ROOT);
    }
}
