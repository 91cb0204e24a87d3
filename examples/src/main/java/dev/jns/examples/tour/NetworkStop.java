package dev.jns.examples.tour;

import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.net.NetNs;
import dev.jns.NsHandle;
import dev.jns.NsProcess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import dev.jns.net.Net;
import dev.jns.net.Veth;
import java.util.Set;

/**
 * Network namespace: an own network stack with only a loopback device; a veth pair made inside stays
 * inside (the walkthrough's {@code ip link add veth0 type veth peer name veth1} in {@code netns2}); and a
 * named namespace in {@code /run/netns} that {@code ip netns} sees, made the walkthrough's second way
 * ({@code unshare --net=/run/netns/NAME}: a handle persisted there).
 */
public final class NetworkStop implements TourStop {
    /** The name of the named network namespace the stop makes and deletes. */
    public static final String NAME = "jns-tour";

    @Override
    public String title() {
        return "network namespace: an own network stack, a named netns";
    }

    @Override
    public String shell() {
        return "unshare --net --map-root-user sh -c 'ip link add veth0 type veth peer name veth1; ip -o link'\n"
                + "  ip link add jns0 netns A type veth peer jns1 netns B; ip -n A addr add 10.200.1.1/24 dev jns0; ...\n"
                + "  ip netns add " + NAME + "; ip netns; ip netns exec " + NAME + " ip -o link; ip netns delete " + NAME;
    }

    @Override
    public Set<NamespaceType> needs() {
        return Set.of(NamespaceType.NET);
    }

    @Override
    public void show(View v) throws Exception {
        String inside = Host.ok(Namespaces.spawn().mapRootUser().newNet()
                .run("sh", "-c", "ip -o link | awk -F': ' '{print $2}'; ip link add veth0 type veth peer name veth1"
                        + " && ip -o link | awk -F': ' '{print $2}' | tr '\\n' ' '"));
        String[] lines = inside.split("\n");
        v.row("interfaces", links(), lines[0]);
        v.row("after ip link add", links(), lines[lines.length - 1]);
        veth(v);
        named(v);
    }

    /** The named part: needs root, as {@code ip netns add} does. */
    private static void named(View v) throws Exception {
        if (!Host.root()) {
            v.skip("named netns", "/run/netns and its bind mounts need root, as ip netns add does");
            return;
        }
        try (NsHandle h = NetNs.create(NAME)) {
            String viaIp = Host.ok(Namespaces.spawn().run("ip", "netns", "exec", NAME, "sh", "-c",
                    "ip -o link | awk -F': ' '{print $2}' | tr '\\n' ' '"));
            v.row("ip netns", String.join(" ", NetNs.list()), h + " (" + NetNs.DIR.resolve(NAME) + ", no process in it)");
            v.row("ip netns exec", links(), viaIp);
        } finally {
            NetNs.unpersist(NAME);
        }
        v.note("deleted: " + NAME + (NetNs.list().contains(NAME) ? " still listed!" : " no longer in ip netns"));
    }

    /** Two namespaces of one user namespace, a veth pair between them, and a TCP echo across it. */
    private static void veth(View v) throws Exception {
        if (!Files.isExecutable(Path.of("/bin/bash"))) {
            v.skip("veth", "the client uses bash's /dev/tcp, and /bin/bash is missing");
            return;
        }
        try (NsProcess a = Namespaces.spawn().mapRootUser().newNet().start("sh", "-c", "read x");
             NsHandle user = a.namespace(NamespaceType.USER);
             NsHandle netA = a.namespace(NamespaceType.NET);
             NsProcess b = Namespaces.spawn().join(user).newNet().start("sh", "-c", "read x");
             NsHandle netB = b.namespace(NamespaceType.NET);
             Net na = Net.of(netA);
             Net nb = Net.of(netB)) {
            Veth pair = na.veth("jns0", nb, "jns1");
            pair.end().addAddress("10.200.1.1/24").up();
            pair.peer().addAddress("10.200.1.2/24").up();
            v.row("veth jns0 | jns1", netA + " 10.200.1.1/24", netB + " 10.200.1.2/24");
            String java = ProcessHandle.current().info().command().orElse("java");
            try (NsProcess server = Namespaces.spawn().join(user).join(netB).redirectErrorStream(true)
                    .start(java, "-cp", System.getProperty("java.class.path"), EchoOnce.class.getName(), "10.200.1.2", "7007")) {
                BufferedReader r = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
                String ready = r.readLine();
                if (!"ready".equals(ready)) {
                    throw new IllegalStateException("echo server: " + ready);
                }
                String reply = Host.ok(Namespaces.spawn().join(user).join(netA).run("bash", "-c",
                        "exec 3<>/dev/tcp/10.200.1.2/7007 && echo hello >&3 && head -n 1 <&3"));
                v.row("tcp 10.200.1.2:7007", "(unreachable from the host)", reply);
                server.waitFor();
            }
            a.getOutputStream().close();
            b.getOutputStream().close();
        }
    }

    private static long hostNet() {
        try (NsHandle h = Namespaces.current(NamespaceType.NET)) {
            return h.inode();
        }
    }

    /** The host's interfaces, as {@code ip -o link} names them. */
    private static String links() {
        StringBuilder sb = new StringBuilder();
        try (var s = Files.list(Path.of("/sys/class/net"))) {
            s.map(p -> p.getFileName().toString()).sorted().forEach(n -> sb.append(n).append(' '));
        } catch (IOException e) {
            return "?";
        }
        return sb.toString().strip();
    }
}
