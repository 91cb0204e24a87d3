package dev.jns.linux.net;

import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsHandle;
import dev.jns.NsProcess;
import dev.jns.net.Net;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Net#idOf}: RTM_GETNSID, in network namespaces the test creates (the tour's veth setup), as whoever runs:
 * as root directly, without root through the netlink helpers.
 */
class NetIdTest {
    @Test
    void aVethPeersNamespaceGetsAnIdAndAStrangerNone() throws Exception {
        try (NsProcess a = Namespaces.spawn().mapRootUser().newNet().start("sh", "-c", "read x");
             NsHandle user = a.namespace(NamespaceType.USER);
             NsHandle netA = a.namespace(NamespaceType.NET);
             NsProcess b = Namespaces.spawn().join(user).newNet().start("sh", "-c", "read x");
             NsHandle netB = b.namespace(NamespaceType.NET);
             NsProcess c = Namespaces.spawn().join(user).newNet().start("sh", "-c", "read x");
             NsHandle netC = c.namespace(NamespaceType.NET);
             Net na = Net.of(netA);
             Net nb = Net.of(netB);
             Net nc = Net.of(netC)) { // rootless, a helper names only namespaces with a helper (an open Net)
            assertThat(na.idOf(netB)).isEmpty();
            na.veth("jnsid0", nb, "jnsid1");
            // the veth's peer lives in B: listing A's links (the peer's IFLA_LINK_NETNSID) makes A's kernel side
            // name B by an id, as ip link does; B's listing names A
            na.links();
            nb.links();
            assertThat(na.idOf(netB)).isPresent();
            assertThat(nb.idOf(netA)).isPresent();
            assertThat(na.idOf(netC)).isEmpty();
            assertThat(na.idOf(netA)).isEmpty(); // a namespace gives itself no id
            for (NsProcess p : new NsProcess[] {a, b, c}) {
                p.getOutputStream().close();
                p.waitFor();
            }
        }
    }
}
