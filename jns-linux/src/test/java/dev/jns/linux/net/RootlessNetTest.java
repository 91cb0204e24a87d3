package dev.jns.linux.net;

import dev.jns.NamespaceException;
import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsHandle;
import dev.jns.NsProcess;
import dev.jns.SpawnResult;
import dev.jns.net.Cidr;
import dev.jns.net.Net;
import dev.jns.net.Route;
import dev.jns.net.Veth;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * Rootless (run as an unprivileged user with -Djns.rootlessUser=jnsci): two network namespaces owned by one
 * user namespace of the caller (a sandbox that maps the caller to root) are wired by jns through its netlink
 * helper; an echo server process in one answers a client process in the other.
 */
@Tag("rootless")
class RootlessNetTest {
    private static void assumeNotRoot() {
        assumeFalse(dev.jns.linux.testing.Probe.root(), "a rootless test: run with -Djns.rootlessUser=jnsci (as root it proves nothing)");
    }

    @Test
    void changingTheCallersOwnNamespaceIsEpermWithAHint() {
        assumeNotRoot();
        // nothing is created: the kernel refuses before anything changes
        try (Net host = Net.current()) {
            assertThatThrownBy(() -> host.veth("jnsx0", "jnsx1"))
                    .isInstanceOfSatisfying(NamespaceException.class, e -> {
                        assertThat(e.errnoName()).isEqualTo("EPERM");
                        assertThat(e.hint()).contains("CAP_NET_ADMIN");
                    });
        }
    }

    @Test
    void vethBetweenNamespacesOfTwoUserNamespacesSaysWhyAndWhatWorks() {
        assumeNotRoot();
        // two Namespaces.create(USER, NET): each network namespace is owned by a user namespace of its own
        java.util.List<NsHandle> first = Namespaces.create(NamespaceType.USER, NamespaceType.NET);
        java.util.List<NsHandle> second = Namespaces.create(NamespaceType.USER, NamespaceType.NET);
        try (Net a = Net.of(net(first)); Net b = Net.of(net(second))) {
            assertThatThrownBy(() -> a.veth("jnsu0", b, "jnsu1"))
                    .isInstanceOfSatisfying(NamespaceException.class, e -> {
                        assertThat(e.errnoName()).isEqualTo("EPERM");
                        assertThat(e.getMessage()).contains("belongs to user:[", "one user namespace");
                        assertThat(e.hint()).contains("join(userns).newNet()", "root");
                    });
            assertThat(a.find("jnsu0")).isEmpty();
        } finally {
            first.forEach(NsHandle::close);
            second.forEach(NsHandle::close);
        }
    }

    private static NsHandle net(java.util.List<NsHandle> handles) {
        return handles.stream().filter(h -> h.type() == NamespaceType.NET).findFirst().orElseThrow();
    }

    @Test
    void vethBetweenTwoSandboxNamespacesCarriesTcp() throws Exception {
        assumeNotRoot();
        try (NsProcess holderA = Namespaces.spawn().newUser().mapRootUser().newNet().start("sleep", "120");
             NsHandle userns = holderA.namespace(NamespaceType.USER);
             NsHandle nsA = holderA.namespace(NamespaceType.NET);
             NsProcess holderB = Namespaces.spawn().join(userns).newNet().start("sleep", "120");
             NsHandle nsB = holderB.namespace(NamespaceType.NET)) {
            long t0 = System.nanoTime();
            try (Net a = Net.of(nsA); Net b = Net.of(nsB)) {
                long opened = System.nanoTime();
                a.loopbackUp();
                b.loopbackUp();
                Veth v = a.veth("jnsa0", b, "jnsb0");
                v.end().addAddress("10.200.2.1/24").addAddress("fd00:6a6e:73:2::1/64").up();
                v.peer().addAddress("10.200.2.2/24").addAddress("fd00:6a6e:73:2::2/64").up();
                b.addRoute(Route.defaultVia("10.200.2.1"));
                assertThat(v.peer().addresses()).contains(Cidr.parse("10.200.2.2/24"), Cidr.parse("fd00:6a6e:73:2::2/64"));
                assertThat(b.routes()).anyMatch(r -> r.matches(Route.defaultVia("10.200.2.1").dev("jnsb0")));
                System.out.printf("rootless: two helpers up in %d ms, wiring %d ms%n", (opened - t0) / 1_000_000,
                        (System.nanoTime() - opened) / 1_000_000);

                NsProcess server = Namespaces.spawn().join(userns).join(nsA).redirectErrorStream(true)
                        .start(NetFixture.java(), "-cp", NetFixture.classpath(), EchoServer.class.getName());
                try {
                    BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
                    String first = out.readLine();
                    assertThat(first).startsWith("port ");
                    String port = first.substring(5).trim();
                    for (String[] c : new String[][] {{"10.200.2.1", "echo: v4 from 10.200.2.1"},
                            {"fd00:6a6e:73:2::1", "echo: v6 from fd00:6a6e:73:2:0:0:0:1"}}) {
                        SpawnResult r = Namespaces.spawn().join(userns).join(nsB).run(NetFixture.java(), "-cp",
                                NetFixture.classpath(), EchoClient.class.getName(), c[0], port,
                                c[1].substring(6, 8));
                        assertThat(r.stdout().strip()).as(r.stderr()).isEqualTo(c[1]);
                    }
                } finally {
                    server.destroy();
                    server.waitFor(10, TimeUnit.SECONDS);
                    server.close();
                }
                v.delete();
                assertThat(b.find("jnsb0")).isEmpty();
            }
            holderA.destroy();
            holderB.destroy();
            holderA.waitFor(10, TimeUnit.SECONDS);
            holderB.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
