package dev.jns.linux.net;

import dev.jns.Errno;
import dev.jns.NamespaceException;
import dev.jns.NsHandle;
import dev.jns.spi.NetSession;

/** Rootless: rtnetlink through a helper process inside the namespace's owning user namespace. */
final class HelperTransport {
    private HelperTransport() {
    }

    static NetSession session(String what, NsHandle netns, NamespaceException cause) {
        throw new NamespaceException(what, cause.step(), Errno.EPERM, cause.detail(),
                "the JVM has no CAP_SYS_ADMIN over " + netns + ": as root this works for any namespace; rootless, "
                + "run the network setup in a process of the sandbox (inside its user namespace)", cause);
    }
}
