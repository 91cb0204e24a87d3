package dev.jns.net;

import dev.jns.Errno;
import dev.jns.InvalidSpecException;
import dev.jns.NamespaceException;
import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsHandle;
import dev.jns.spi.NamespaceProvider;
import dev.jns.spi.NetSession;
import dev.jns.spi.NetworkProvider;

import java.util.List;
import java.util.Optional;
import java.util.ServiceLoader;

/**
 * The network of one network namespace: its links, addresses and routes, changed through rtnetlink (no
 * {@code ip} binary needed). Open one with {@link #of(NsHandle)} or {@link #current()} and close it when done:
 * it holds a netlink socket bound to the namespace (usable from any thread; the methods are thread-safe).
 *
 * <pre>{@code
 * try (Net a = Net.of(nsA); Net b = Net.of(nsB)) {
 *     Veth veth = a.veth("jns0", b, "jns1");
 *     veth.end().addAddress("10.200.1.1/24").up();
 *     veth.peer().addAddress("10.200.1.2/24").up();
 *     b.addRoute(Route.defaultVia("10.200.1.1"));
 * }
 * }</pre>
 *
 * <p><b>Loopback.</b> A new network namespace starts with {@code lo} down; {@link #loopbackUp()} brings it up.
 *
 * <p><b>Privileges.</b> Changes need {@code CAP_NET_ADMIN} over the namespace (and, to move a link, over the
 * target namespace too); refusals come back as {@link NamespaceException} with {@code EPERM}.
 * {@link #of(NsHandle)} enters the namespace on a short-lived thread to open the socket, which needs
 * {@code CAP_SYS_ADMIN} over it: root has both everywhere, so as root this works between any namespaces.
 *
 * <p><b>Rootless.</b> The namespaces of a sandbox are owned by the sandbox's user namespace, over which the JVM
 * (outside it) holds no capability, and a JVM cannot join a user namespace; the kernel checks the capabilities of
 * the task that sends each netlink message. So when {@link #of(NsHandle)} cannot enter the namespace, jns-linux
 * starts a small helper process inside the owning user namespace and the network namespace (one extra JVM start,
 * some 0.3 to 0.7 s, ended by {@link #close()}) and relays the same messages through it. This works when:
 * <ul>
 *   <li>the sandbox's user namespace maps the caller to root ({@code Spawn.mapRootUser()}); a process that
 *       execs as another uid there has no capabilities;</li>
 *   <li>both namespaces of a veth pair or of a move belong to that one user namespace (for example two sandboxes
 *       started with {@code Namespaces.spawn().join(userns).newNet()}), and the target is open as a {@code Net}
 *       too ({@link #veth(String, Net, String)}, {@link Link#moveTo(Net)}): its helper is how the kernel is told
 *       which namespace is meant. Namespaces of two user namespaces (two {@code Namespaces.create(USER, NET)},
 *       say) cannot be linked rootless: that is an {@code EPERM} naming both user namespaces.
 *       {@link Link#moveTo(NsHandle)} is for root only;</li>
 *   <li>the caller's own namespace is never changed: rootless, {@code Net.current()} can list, and its changes
 *       fail with {@code EPERM} (a veth between the host and a sandbox needs root, as with {@code ip}).</li>
 * </ul>
 * Code entered with {@link NsHandle#call} cannot reach a sandbox's network rootless (it cannot enter it); run
 * the client or server as a process with {@code Namespaces.spawn().join(userns).join(netns)}.
 */
public final class Net implements AutoCloseable {
    private final NetSession session;
    private final NsHandle handle;
    private final boolean ownsHandle;
    private final String name;

    private Net(NetSession session, NsHandle handle, boolean ownsHandle) {
        this.session = session;
        this.handle = handle;
        this.ownsHandle = ownsHandle;
        this.name = handle.toString();
    }

    /**
     * Opens the network of a network namespace. The handle must stay open while links are moved into it or veth
     * ends are put there; this {@code Net} itself does not need it after opening.
     *
     * @throws InvalidSpecException when the handle is not a network namespace's
     * @throws NamespaceException   when the handle is closed (EBADF) or the namespace cannot be entered (EPERM)
     */
    public static Net of(NsHandle netns) {
        checkNet("netns", netns);
        return new Net(provider().open(netns), netns, false);
    }

    /** Opens the network namespace of the calling thread (the JVM's, unless called inside {@link NsHandle#call}). */
    public static Net current() {
        NsHandle h = Namespaces.current(NamespaceType.NET);
        try {
            return new Net(provider().open(null), h, true);
        } catch (RuntimeException e) {
            h.close();
            throw e;
        }
    }

    /** The namespace this is the network of. */
    public NsHandle namespace() {
        return handle;
    }

    /**
     * The id this network namespace gives {@code other} (its NSID: {@code ip netns list-id}, the NETNSID column of
     * {@code lsns -t net}), or empty when it gives none. The kernel assigns one when a link of this namespace
     * refers to {@code other} (a veth pair across the two) or on {@code ip netns set}.
     *
     * @param other a network namespace
     * @return the id, empty when unassigned
     * @throws InvalidSpecException when {@code other} is not a network namespace's handle
     * @throws NamespaceException   when a handle is closed
     */
    public java.util.OptionalInt idOf(NsHandle other) {
        checkNet("other", other);
        return session.idOf(other);
    }

    /** The links ({@code ip link}). */
    public List<LinkInfo> links() {
        return session.links();
    }

    /** The link named {@code name}, if there is one. */
    public Optional<LinkInfo> find(String name) {
        LinkNames.check("name", name);
        return links().stream().filter(l -> l.name().equals(name)).findFirst();
    }

    /** The link named {@code name}, to change it (nothing is checked until a change is made). */
    public Link link(String name) {
        return new Link(this, LinkNames.check("name", name));
    }

    /** Brings {@code lo} up, which a new network namespace has down; returns it. */
    public Link loopbackUp() {
        return link("lo").up();
    }

    /** The addresses of every link ({@code ip addr}). */
    public List<AddressInfo> addresses() {
        return session.addresses();
    }

    /** The routes of the main table, IPv4 and IPv6 ({@code ip route; ip -6 route}). */
    public List<Route> routes() {
        return session.routes();
    }

    /** Creates a veth pair with both ends in this namespace ({@code ip link add NAME type veth peer name PEER}). */
    public Veth veth(String name, String peer) {
        LinkNames.check("name", name);
        LinkNames.check("peer", peer);
        session.addVeth(name, peer, null);
        return new Veth(link(name), link(peer));
    }

    /**
     * Creates a veth pair: {@code name} in this namespace, {@code peer} in {@code peerNet}'s. Both come up down and
     * without addresses.
     */
    public Veth veth(String name, Net peerNet, String peer) {
        LinkNames.check("name", name);
        LinkNames.check("peer", peer);
        if (peerNet == this) {
            return veth(name, peer);
        }
        session.addVeth(name, peer, liveHandle("peerNet", peerNet));
        return new Veth(link(name), peerNet.link(peer));
    }

    /** Adds a route ({@code ip route add}); EEXIST when there is one to that destination already. */
    public void addRoute(Route route) {
        session.addRoute(route);
    }

    /** Deletes a route ({@code ip route del}); ESRCH when there is none such. */
    public void deleteRoute(Route route) {
        session.deleteRoute(route);
    }

    NetSession session() {
        return session;
    }

    /** Closes the netlink socket (and the handle of {@link #current()}). Idempotent. */
    @Override
    public void close() {
        session.close();
        if (ownsHandle) {
            handle.close();
        }
    }

    /** {@code net net:[4026532xxx]}. */
    @Override
    public String toString() {
        return "net " + name;
    }

    static NsHandle liveHandle(String field, Net net) {
        if (net == null) {
            throw new InvalidSpecException(field, "no namespace given", null);
        }
        return net.handle;
    }

    static void checkNet(String field, NsHandle h) {
        if (h == null) {
            throw new InvalidSpecException(field, "no namespace given", "open one with Namespaces.open or NetNs.open");
        }
        if (!h.isOpen()) {
            throw NamespaceException.builder("use " + h).step("check the handle").errno(Errno.EBADF)
                    .detail("the handle is closed").hint("keep the namespace's handle open while it is in use").build();
        }
        if (h.type() != NamespaceType.NET) {
            throw new InvalidSpecException(field, h + " is a " + h.type().procName() + " namespace, not a net namespace",
                    null);
        }
    }

    private static NetworkProvider provider() {
        return Holder.NETWORK;
    }

    private static final class Holder {
        static final NetworkProvider NETWORK = load();

        private static NetworkProvider load() {
            for (NamespaceProvider p : ServiceLoader.load(NamespaceProvider.class, Net.class.getClassLoader())) {
                if (p.isAvailable()) {
                    return p.network();
                }
            }
            return netns -> {
                throw NamespaceException.builder("jns networking").step("find an implementation").detail("none found")
                        .hint("add dev.jns:jns-linux to the runtime class path (jns works on Linux only)").build();
            };
        }
    }
}
