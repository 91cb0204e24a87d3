package dev.jns.examples.tour;

import dev.jns.NamespaceException;
import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NetNs;
import dev.jns.NsHandle;
import dev.jns.NsProcess;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
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
                + "  touch /run/netns/" + NAME + "; unshare --net=/run/netns/" + NAME + " true; ip netns; ip netns exec "
                + NAME + " ip -o link";
    }

    @Override
    public Set<NamespaceType> needs() {
        return Set.of(NamespaceType.NET);
    }

    @Override
    public View run(PrintStream out) throws Exception {
        View v = new View(out);
        String inside = Host.ok(Namespaces.spawn().mapRootUser().newNet()
                .run("sh", "-c", "ip -o link | awk -F': ' '{print $2}'; ip link add veth0 type veth peer name veth1"
                        + " && ip -o link | awk -F': ' '{print $2}' | tr '\\n' ' '"));
        String[] lines = inside.split("\n");
        v.row("interfaces", links(), lines[0]);
        v.row("after ip link add", links(), lines[lines.length - 1]);
        named(v);
        return v;
    }

    /** The named part: needs root, as {@code ip netns add} does. */
    private static void named(View v) throws IOException, InterruptedException {
        Path file = NetNs.DIR.resolve(NAME);
        try {
            Files.createDirectories(NetNs.DIR);
            if (!Files.exists(file)) {
                Files.createFile(file);
            }
        } catch (IOException e) {
            v.note("named netns: skipped: cannot create " + file + " (" + e.getClass().getSimpleName()
                    + "): ip netns add needs root too");
            return;
        }
        try (NsProcess p = Namespaces.spawn().newNet().start("sh", "-c", "read x");
             NsHandle net = p.namespace(NamespaceType.NET)) {
            net.persist(file);
            p.getOutputStream().close();
            p.waitFor();
        } catch (NamespaceException e) {
            Files.deleteIfExists(file);
            v.note("named netns: skipped: " + TourSkip.reason(e));
            return;
        }
        try {
            // the process is gone; the bind mount keeps the namespace, and iproute2 can use it
            String viaIp = Host.ok(Namespaces.spawn().run("ip", "netns", "exec", NAME, "sh", "-c",
                    "ip -o link | awk -F': ' '{print $2}' | tr '\\n' ' '"));
            try (NsHandle h = NetNs.open(NAME)) {
                v.row("ip netns", String.join(" ", NetNs.list()), h + " (" + file + ", no process in it)");
            }
            v.row("ip netns exec", links(), viaIp);
        } finally {
            Namespaces.unpersist(file);
            Files.deleteIfExists(file);
        }
        v.note("deleted: " + NAME + (NetNs.list().contains(NAME) ? " still listed!" : " no longer in ip netns"));
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
