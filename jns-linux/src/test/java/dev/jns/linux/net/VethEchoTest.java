package dev.jns.linux.net;

import dev.jns.Errno;
import dev.jns.InvalidSpecException;
import dev.jns.NamespaceException;
import dev.jns.Namespaces;
import dev.jns.NsHandle;
import dev.jns.NsProcess;
import dev.jns.SpawnResult;
import dev.jns.linux.testing.LeakCheck;
import dev.jns.net.AddressInfo;
import dev.jns.net.Cidr;
import dev.jns.net.LinkInfo;
import dev.jns.net.Net;
import dev.jns.net.Route;
import dev.jns.net.Veth;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Root: two fresh network namespaces joined by a veth pair; a TCP echo server process in one, Java code entered
 * into the other connects over IPv4 and IPv6. Everything happens inside namespaces the test made.
 */
class VethEchoTest {
    static final String A4 = "10.200.1.1/24";
    static final String B4 = "10.200.1.2/24";
    static final String A6 = "fd00:6a6e:73::1/64";
    static final String B6 = "fd00:6a6e:73::2/64";

    private LeakCheck leaks;
    private NetFixture fx;
    private NsHandle nsA;
    private NsHandle nsB;

    /** Starts the launcher and the JVM's netlink bindings once, so that their lasting fds are not counted as leaks. */
    @BeforeAll
    static void warmUp() throws Exception {
        if (dev.jns.linux.testing.Probe.root()) {
            try (NetFixture f = new NetFixture(); Net n = Net.of(f.newNetns())) {
                n.links();
            }
        }
    }

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(dev.jns.linux.testing.Probe.root(), "needs root (CAP_SYS_ADMIN and CAP_NET_ADMIN over the test's namespaces)");
        leaks = LeakCheck.start();
        fx = new NetFixture();
        nsA = fx.newNetns();
        nsB = fx.newNetns();
    }

    @AfterEach
    void tearDown() {
        if (fx != null) {
            fx.close();
            leaks.assertNoLeaks();
        }
    }

    /** Sets up the pair and returns it (in the caller's try-with-resources Nets). */
    private static Veth wire(Net a, Net b) {
        a.loopbackUp();
        b.loopbackUp();
        Veth v = a.veth("jnsa0", b, "jnsb0");
        v.end().mtu(1400).mac("02:6a:6e:73:00:01").addAddress(A4).addAddress(A6).up();
        v.peer().mtu(1400).addAddress(B4).addAddress(B6).up();
        b.addRoute(Route.defaultVia("10.200.1.1"));
        b.addRoute(Route.defaultVia("fd00:6a6e:73::1"));
        return v;
    }

    @Test
    void echoOverIpv4AndIpv6() throws Exception {
        long t0 = System.nanoTime();
        try (Net a = Net.of(nsA); Net b = Net.of(nsB)) {
            Veth v = wire(a, b);
            System.out.printf("root: opened two Nets and wired the pair (lo up, veth, mtu, mac, 4 addresses, 2 routes) in %.1f ms%n",
                    (System.nanoTime() - t0) / 1e6);
            NsProcess server = Namespaces.spawn().join(nsA).redirectErrorStream(true)
                    .start(NetFixture.java(), "-cp", NetFixture.classpath(), EchoServer.class.getName());
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
                String first = out.readLine();
                assertThat(first).as("echo server's first line").startsWith("port ");
                int port = Integer.parseInt(first.substring(5).trim());

                assertThat(nsB.call(() -> echo("10.200.1.1", port, "hello v4")))
                        .isEqualTo("echo: hello v4 from 10.200.1.1");
                assertThat(nsB.call(() -> echo("fd00:6a6e:73::1", port, "hello v6")))
                        .isEqualTo("echo: hello v6 from fd00:6a6e:73:0:0:0:0:1");
                // not reachable from outside: the JVM's own namespace has no such network
                assertThat(Net.class).isNotNull();
            } finally {
                server.destroy();
                server.waitFor(10, TimeUnit.SECONDS);
                server.close();
            }
            v.delete();
            assertThat(a.find("jnsa0")).isEmpty();
            assertThat(b.find("jnsb0")).as("deleting one end deletes the peer").isEmpty();
        }
    }

    static String echo(String host, int port, String text) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 5000);
            s.setSoTimeout(5000);
            OutputStream o = s.getOutputStream();
            o.write((text + "\n").getBytes(StandardCharsets.UTF_8));
            o.flush();
            return new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8)).readLine();
        }
    }

    @Test
    void listsBackWhatWasSet() {
        try (Net a = Net.of(nsA); Net b = Net.of(nsB)) {
            Veth v = wire(a, b);
            try {
                LinkInfo la = v.end().info();
                assertThat(la.kind()).isEqualTo("veth");
                assertThat(la.mtu()).isEqualTo(1400);
                assertThat(la.mac()).hasToString("02:6a:6e:73:00:01");
                assertThat(la.up()).isTrue();
                assertThat(a.find("lo")).get().extracting(LinkInfo::up).isEqualTo(true);
                assertThat(v.end().addresses()).contains(Cidr.parse(A4), Cidr.parse(A6));
                assertThat(v.peer().addresses()).contains(Cidr.parse(B4), Cidr.parse(B6));
                assertThat(a.addresses()).contains(new AddressInfo(la.index(), "jnsa0", Cidr.parse(A4), "global"));

                List<Route> routes = b.routes();
                assertThat(routes).anyMatch(r -> r.matches(Route.defaultVia("10.200.1.1").dev("jnsb0")));
                assertThat(routes).anyMatch(r -> r.matches(Route.defaultVia("fd00:6a6e:73::1").dev("jnsb0")));
                assertThat(routes).anyMatch(r -> r.matches(Route.to("10.200.1.0/24").dev("jnsb0")));

                Route extra = Route.to("10.201.0.0/16").via("10.200.1.1").metric(7);
                b.addRoute(extra);
                assertThat(b.routes()).contains(new Route(Cidr.parse("10.201.0.0/16"),
                        Cidr.parseAddress("gw", "10.200.1.1"), "jnsb0", 7));
                b.deleteRoute(extra);
                assertThat(b.routes()).noneMatch(r -> r.matches(extra));

                v.peer().deleteAddress(Cidr.parse(B6));
                assertThat(v.peer().addresses()).doesNotContain(Cidr.parse(B6));

                // rename needs the link down; then it is found by its new name
                var renamed = v.peer().down().rename("jnsb1");
                assertThat(b.find("jnsb1")).isPresent();
                assertThat(b.find("jnsb0")).isEmpty();
                renamed.up();
            } finally {
                v.deleteIfExists();
            }
            assertThat(a.links()).extracting(LinkInfo::name).containsExactly("lo");
            assertThat(b.links()).extracting(LinkInfo::name).containsExactly("lo");
        }
    }

    @Test
    void ipAgreesWithTheListing() throws InterruptedException {
        assumeTrue(Files.isExecutable(Path.of("/usr/sbin/ip")) || Files.isExecutable(Path.of("/sbin/ip")),
                "iproute2 is not installed");
        try (Net a = Net.of(nsA); Net b = Net.of(nsB)) {
            Veth v = wire(a, b);
            try {
                // the kernel adds the link-local address when the carrier comes up, asynchronously: wait for it
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (v.end().addresses().stream().noneMatch(c -> c.address().isLinkLocalAddress())
                        && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                SpawnResult r = Namespaces.spawn().join(nsA).run("ip", "-j", "addr");
                assertThat(r.success()).as(r.stderr()).isTrue();
                Set<String> fromIp = parseIpJson(r.stdout());
                Set<String> fromJns = new HashSet<>();
                for (AddressInfo ai : a.addresses()) {
                    fromJns.add(ai.link() + " " + ai.cidr());
                }
                assertThat(fromJns).isEqualTo(fromIp).contains("jnsa0 10.200.1.1/24", "jnsa0 fd00:6a6e:73::1/64");
            } finally {
                v.delete();
            }
        }
    }

    /** "ifname addr/prefix" of each address in {@code ip -j addr}'s output, without a JSON library. */
    static Set<String> parseIpJson(String json) {
        Set<String> out = new HashSet<>();
        Pattern iface = Pattern.compile("\"ifname\":\"([^\"]+)\"");
        Pattern addr = Pattern.compile("\"local\":\"([^\"]+)\",\"prefixlen\":(\\d+)");
        for (String chunk : json.split("\\{\"ifindex\":")) {
            Matcher n = iface.matcher(chunk);
            if (!n.find()) {
                continue;
            }
            Matcher m = addr.matcher(chunk);
            while (m.find()) {
                out.add(n.group(1) + " " + m.group(1) + "/" + m.group(2));
            }
        }
        return out;
    }

    @Test
    void kernelErrorsAreDecoded() {
        try (Net a = Net.of(nsA); Net b = Net.of(nsB)) {
            Veth v = a.veth("jnsa0", b, "jnsb0");
            try {
                assertThatThrownBy(() -> a.veth("jnsa0", "jnsx0"))
                        .isInstanceOfSatisfying(NamespaceException.class, e -> {
                            assertThat(e.errnoName()).isEqualTo("EEXIST");
                            assertThat(e.step()).isEqualTo("rtnetlink RTM_NEWLINK");
                            assertThat(e.hint()).contains("exists already");
                        });
                assertThatThrownBy(() -> a.link("nosuch0").up())
                        .isInstanceOfSatisfying(NamespaceException.class, e -> assertThat(e.errnoName()).isEqualTo("ENODEV"));
                assertThatThrownBy(() -> v.end().mtu(10))
                        .isInstanceOfSatisfying(NamespaceException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
                assertThatThrownBy(() -> b.addRoute(Route.defaultVia("10.9.9.9")))
                        .isInstanceOfSatisfying(NamespaceException.class, e -> assertThat(e.errnoName()).isEqualTo("ENETUNREACH"));
            } finally {
                v.delete();
            }
        }
    }

    @Test
    void badInputIsRejectedBeforeTheKernel() throws Exception {
        try (Net a = Net.of(nsA)) {
            assertThatThrownBy(() -> a.veth("a-name-of-16-byt", "x"))
                    .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo("name"));
            assertThatThrownBy(() -> a.veth("ok0", "bad/name"))
                    .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo("peer"));
            assertThatThrownBy(() -> a.link("lo").addAddress("10.200.1.300/24"))
                    .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo("cidr"));
            assertThatThrownBy(() -> a.addRoute(Route.to("10.201.0.0/16").via("fd00::1")))
                    .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo("gateway"));

            NsHandle gone = fx.newNetns();
            gone.close();
            Veth v = a.veth("jnsa0", "jnsa1");
            try {
                assertThatThrownBy(() -> v.peer().moveTo(gone))
                        .isInstanceOfSatisfying(NamespaceException.class, e -> assertThat(e.errnoName()).isEqualTo("EBADF"));
                assertThatThrownBy(() -> Net.of(gone))
                        .isInstanceOfSatisfying(NamespaceException.class, e -> assertThat(e.errnoName()).isEqualTo("EBADF"));
            } finally {
                v.delete();
            }
        }
    }

    @Test
    void moveALinkBetweenNamespaces() {
        try (Net a = Net.of(nsA); Net b = Net.of(nsB)) {
            Veth v = a.veth("jnsa0", "jnsa1");
            var moved = v.peer().moveTo(b);
            assertThat(a.find("jnsa1")).isEmpty();
            assertThat(moved.info().kind()).isEqualTo("veth");
            moved.delete();
            assertThat(a.find("jnsa0")).isEmpty();
        }
    }

    @SuppressWarnings("unused")
    private static List<String> names(List<LinkInfo> l) {
        List<String> n = new ArrayList<>();
        l.forEach(x -> n.add(x.name()));
        return n;
    }
}
