package dev.jns.linux.net;

import dev.jns.Errno;
import dev.jns.NamespaceException;
import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsHandle;
import dev.jns.spi.NetSession;
import dev.jns.spi.NetworkProvider;

/**
 * rtnetlink sessions for {@link dev.jns.net.Net}. For a namespace handle, the NETLINK_ROUTE socket is opened on a
 * thread that entered the namespace ({@link NsHandle#call}), so it belongs to that namespace for its whole life.
 * When the JVM may not enter it (EPERM: rootless, the namespace belongs to a user namespace the JVM is not in
 * with privilege), the session is carried by a {@link HelperTransport helper process} started inside the owning
 * user namespace, when there is one the caller can join.
 */
public final class LinuxNetworkProvider implements NetworkProvider {
    /** For {@code LinuxNamespaceProvider.network()}. */
    public LinuxNetworkProvider() {
    }

    @Override
    public NetSession open(NsHandle netns) {
        dev.jns.linux.ffi.Sys.requireLibrary();
        if (netns == null) {
            String what = "open the network of the current thread";
            return new NetlinkSession(NlSocket.open(what), currentName(), NetlinkSession::jvmFd);
        }
        String what = "open the network of " + netns;
        NetlinkSession.jvmFd(what, netns); // EBADF when closed
        try {
            NlSocket s = netns.call(() -> NlSocket.open(what));
            return new NetlinkSession(s, netns.toString(), NetlinkSession::jvmFd);
        } catch (NamespaceException e) {
            if (e.errno() != Errno.EPERM || !e.step().startsWith("setns")) {
                throw e;
            }
            return HelperTransport.session(what, netns, e);
        }
    }

    private static String currentName() {
        try (NsHandle h = Namespaces.current(NamespaceType.NET)) {
            return h.toString();
        }
    }
}
