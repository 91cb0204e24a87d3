package dev.jns.linux.sandbox;

import dev.jns.Spawn;
import dev.jns.linux.testing.SandboxSupport;

/** {@link SecureSandboxContract} from this JVM (root in CI), with a user namespace mapping root. */
class SecureSandboxTest extends SecureSandboxContract {
    @Override
    Spawn base() {
        return SandboxSupport.spawn(SandboxSupport.As.ROOT);
    }
}
