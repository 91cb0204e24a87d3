package dev.jns.linux.net;

import dev.jns.Errno;
import dev.jns.NamespaceException;
import dev.jns.NsHandle;
import dev.jns.linux.spawn.Spawner;
import dev.jns.net.AddressInfo;
import dev.jns.net.Cidr;
import dev.jns.net.LinkInfo;
import dev.jns.net.Route;
import dev.jns.spi.NetSession;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@link NetSession} over a {@link Transport}: encodes with {@link Rtnl}, decodes answers, turns refusals into exceptions. */
final class NetlinkSession implements NetSession {
    static final int ENODEV = 19;
    static final int EOPNOTSUPP = 95;
    static final int EADDRNOTAVAIL = 99;
    static final int ENETUNREACH = 101;
    private final Transport transport;
    private final String ns;
    /** How a namespace fd of this JVM is named to the kernel through the transport. */
    private final FdMapper fds;

    /** Maps a handle to the fd number valid where the transport sends from. */
    interface FdMapper {
        int fd(String what, NsHandle h);
    }

    NetlinkSession(Transport transport, String ns, FdMapper fds) {
        this.transport = transport;
        this.ns = ns;
        this.fds = fds;
    }

    static int jvmFd(String what, NsHandle h) {
        if (h instanceof Spawner.FdHolder f) {
            return f.fd(what);
        }
        throw NamespaceException.builder(what).step("use " + h).errno(Errno.EINVAL)
                .detail("the handle is not a jns-linux handle").hint("open handles with dev.jns.Namespaces").build();
    }

    private List<NlMessage> call(String what, byte[] request, Hints hints) {
        List<NlMessage> answers = transport.exchange(what, request);
        NlMessage last = answers.get(answers.size() - 1);
        if (last.type() == Nl.NLMSG_ERROR) {
            NlError e = NlError.decode(last);
            if (e.errno() != 0) {
                String step = "rtnetlink " + Nl.typeName(e.origType());
                throw NamespaceException.builder(what).step(step).errno(e.errno()).detail(e.message())
                        .hint(hints.hint(e.errno())).build();
            }
        }
        return answers.subList(0, answers.size() - 1);
    }

    private List<NlMessage> dump(String what, int type) {
        List<NlMessage> out = new ArrayList<>();
        for (NlMessage m : call(what, Rtnl.dump(type, transport.nextSeq()), e -> permissionHint(e, false))) {
            if (m.type() != Nl.NLMSG_NOOP) {
                out.add(m);
            }
        }
        return out;
    }

    @Override
    public List<LinkInfo> links() {
        String what = "list links of " + ns;
        List<LinkInfo> out = new ArrayList<>();
        for (NlMessage m : dump(what, Nl.RTM_GETLINK)) {
            if (m.type() == Nl.RTM_NEWLINK) {
                out.add(decode(what, () -> Rtnl.link(m)));
            }
        }
        return out;
    }

    private Map<Integer, String> names() {
        Map<Integer, String> names = new HashMap<>();
        for (LinkInfo l : links()) {
            names.put(l.index(), l.name());
        }
        return names;
    }

    @Override
    public List<AddressInfo> addresses() {
        String what = "list addresses of " + ns;
        Map<Integer, String> names = names();
        List<AddressInfo> out = new ArrayList<>();
        for (NlMessage m : dump(what, Nl.RTM_GETADDR)) {
            if (m.type() == Nl.RTM_NEWADDR) {
                AddressInfo a = decode(what, () -> Rtnl.address(m, names));
                if (a != null) {
                    out.add(a);
                }
            }
        }
        return out;
    }

    @Override
    public List<Route> routes() {
        String what = "list routes of " + ns;
        Map<Integer, String> names = names();
        List<Route> out = new ArrayList<>();
        for (NlMessage m : dump(what, Nl.RTM_GETROUTE)) {
            if (m.type() == Nl.RTM_NEWROUTE) {
                Route r = decode(what, () -> Rtnl.route(m, names));
                if (r != null) {
                    out.add(r);
                }
            }
        }
        return out;
    }

    private int index(String what, String name) {
        List<NlMessage> a = call(what, Rtnl.getLink(transport.nextSeq(), name), e -> e == ENODEV
                ? "no link named '" + name + "' in " + ns + " (a link moved into another namespace is gone from this one)"
                : permissionHint(e, false));
        for (NlMessage m : a) {
            if (m.type() == Nl.RTM_NEWLINK) {
                return decode(what, () -> Rtnl.link(m)).index();
            }
        }
        throw NamespaceException.builder(what).step("rtnetlink RTM_GETLINK").errno(ENODEV)
                .detail("no answer for " + name).build();
    }

    @Override
    public java.util.OptionalInt idOf(NsHandle other) {
        String what = "get the id " + ns + " gives " + other;
        int fd = fds.fd(what, other);
        for (NlMessage m : call(what, Rtnl.getNsid(transport.nextSeq(), fd), e -> permissionHint(e, false))) {
            if (m.type() == Nl.RTM_NEWNSID) {
                int id = decode(what, () -> Rtnl.nsid(m));
                return id < 0 ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(id);
            }
        }
        throw NamespaceException.builder(what).step("rtnetlink RTM_GETNSID").errno(Errno.number("EPROTO"))
                .detail("no RTM_NEWNSID in the answer").build();
    }

    @Override
    public void addVeth(String name, String peer, NsHandle peerNetns) {
        String where = peerNetns == null ? "" : " (peer in " + peerNetns + ")";
        String what = "add veth " + name + "/" + peer + " in " + ns + where;
        int fd = peerNetns == null ? -1 : fds.fd(what, peerNetns);
        call(what, Rtnl.newVeth(transport.nextSeq(), name, peer, fd), e -> switch (e) {
            case Errno.EEXIST -> "a link named '" + name + "' or '" + peer + "' exists already in its namespace: "
                    + "pick other names or delete the old link";
            case EOPNOTSUPP -> "the kernel has no veth driver (module veth)";
            default -> permissionHint(e, peerNetns != null);
        });
    }

    @Override
    public void changeLink(String name, LinkChange c) {
        StringBuilder sb = new StringBuilder("set link ").append(name).append(" in ").append(ns);
        if (c.up() != null) {
            sb.append(c.up() ? " up" : " down");
        }
        if (c.mtu() != null) {
            sb.append(" mtu ").append(c.mtu());
        }
        if (c.mac() != null) {
            sb.append(" address ").append(c.mac());
        }
        if (c.newName() != null) {
            sb.append(" name ").append(c.newName());
        }
        if (c.netns() != null) {
            sb.append(" netns ").append(c.netns());
        }
        String what = sb.toString();
        int fd = c.netns() == null ? -1 : fds.fd(what, c.netns());
        int index = index(what, name);
        call(what, Rtnl.setLink(transport.nextSeq(), index, c.up(), c.mtu(), c.mac(), c.newName(), fd), e -> switch (e) {
            case Errno.EEXIST -> "a link named '" + (c.newName() != null ? c.newName() : name)
                    + "' exists already in the target namespace";
            case Errno.EBUSY -> "bring the link down before renaming it";
            case Errno.EINVAL -> c.mtu() != null ? "the MTU is outside the device's range (veth: 68 to 65535)" : null;
            case EADDRNOTAVAIL -> "the kernel refused the address: use a unicast address (first byte even)";
            default -> permissionHint(e, c.netns() != null);
        });
    }

    @Override
    public void deleteLink(String name) {
        String what = "delete link " + name + " in " + ns;
        int index = index(what, name);
        call(what, Rtnl.delLink(transport.nextSeq(), index), e -> e == EOPNOTSUPP
                ? "this kind of link cannot be deleted (lo cannot)" : permissionHint(e, false));
    }

    @Override
    public void addAddress(String link, Cidr cidr) {
        String what = "add address " + cidr + " to " + link + " in " + ns;
        int index = index(what, link);
        call(what, Rtnl.address(transport.nextSeq(), true, index, cidr), e -> e == Errno.EEXIST
                ? "the link has that address already" : permissionHint(e, false));
    }

    @Override
    public void deleteAddress(String link, Cidr cidr) {
        String what = "delete address " + cidr + " of " + link + " in " + ns;
        int index = index(what, link);
        call(what, Rtnl.address(transport.nextSeq(), false, index, cidr), e -> e == EADDRNOTAVAIL
                ? "the link has no such address (list them with Link.addresses())" : permissionHint(e, false));
    }

    @Override
    public void addRoute(Route route) {
        String what = "add route " + route + " in " + ns;
        int oif = route.device() == null ? 0 : index(what, route.device());
        call(what, Rtnl.route(transport.nextSeq(), true, route, oif), e -> switch (e) {
            case Errno.EEXIST -> "a route to " + route.destination() + " exists already: delete it first";
            case ENETUNREACH -> "the gateway is on no connected network: first give a link that is up an "
                    + "address in the gateway's network";
            case Errno.EINVAL -> route.gateway() == null && route.device() == null
                    ? "give a gateway (via) or a device (dev)" : null;
            default -> permissionHint(e, false);
        });
    }

    @Override
    public void deleteRoute(Route route) {
        String what = "delete route " + route + " in " + ns;
        int oif = route.device() == null ? 0 : index(what, route.device());
        call(what, Rtnl.route(transport.nextSeq(), false, route, oif), e -> e == Errno.ESRCH
                ? "there is no such route (list them with Net.routes())" : permissionHint(e, false));
    }

    @Override
    public void close() {
        transport.close();
    }

    private String permissionHint(int errno, boolean twoNamespaces) {
        if (errno != Errno.EPERM) {
            return null;
        }
        return "changing a network namespace needs CAP_NET_ADMIN in the user namespace that owns it"
                + (twoNamespaces ? " (and in the one owning the target namespace)" : "")
                + ": run as root, or, rootless, between namespaces of one user namespace the caller owns "
                + "(see dev.jns.net.Net)";
    }

    private interface Hints {
        String hint(int errno);
    }

    private interface Decoder<T> {
        T get();
    }

    private static <T> T decode(String what, Decoder<T> d) {
        try {
            return d.get();
        } catch (IllegalArgumentException e) {
            throw NamespaceException.builder(what).step("decode the kernel's answer").errno(Errno.number("EPROTO"))
                    .detail(e.getMessage()).cause(e).build();
        }
    }
}
