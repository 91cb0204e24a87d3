package dev.jns.linux.net;

import dev.jns.net.AddressInfo;
import dev.jns.net.Cidr;
import dev.jns.net.Family;
import dev.jns.net.LinkInfo;
import dev.jns.net.MacAddress;
import dev.jns.net.Route;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Map;

/**
 * The rtnetlink requests jns sends and the decoding of what the kernel answers, as pure functions of bytes
 * (the socket is elsewhere). Requests carry {@code NLM_F_REQUEST|NLM_F_ACK}; creations add
 * {@code NLM_F_CREATE|NLM_F_EXCL} so that a taken name or an existing address is EEXIST, as with {@code ip}.
 */
final class Rtnl {
    private static final int ACK = Nl.NLM_F_REQUEST | Nl.NLM_F_ACK;
    private static final int NEW = ACK | Nl.NLM_F_CREATE | Nl.NLM_F_EXCL;
    static final int AF_UNSPEC = 0;

    private Rtnl() {
    }

    // ---- requests ----

    static byte[] dump(int type, int seq) {
        NlWriter w = new NlWriter(type, Nl.NLM_F_REQUEST | Nl.NLM_F_DUMP, seq);
        switch (type) {
            case Nl.RTM_GETLINK -> new IfInfoMsg(AF_UNSPEC, 0, 0, 0, 0).write(w);
            case Nl.RTM_GETADDR -> new IfAddrMsg(AF_UNSPEC, 0, 0, 0, 0).write(w);
            case Nl.RTM_GETROUTE -> new RtMsg(AF_UNSPEC, 0, 0, 0, 0, 0, 0, 0, 0).write(w);
            default -> throw new IllegalArgumentException(Nl.typeName(type));
        }
        return w.finish();
    }

    /** RTM_GETNSID: the id the socket's namespace gives the network namespace open as {@code nsFd}. */
    static byte[] getNsid(int seq, int nsFd) {
        NlWriter w = new NlWriter(Nl.RTM_GETNSID, ACK, seq);
        w.bytes(new byte[] {(byte) AF_UNSPEC}); // struct rtgenmsg, padded to 4
        return w.u32(Nl.NETNSA_FD, nsFd).finish();
    }

    /** NETNSA_NSID of an RTM_NEWNSID answer ({@link Nl#NETNSA_NSID_NOT_ASSIGNED} when none is assigned). */
    static int nsid(NlMessage m) {
        NlAttrs a = NlAttrs.parse(m.payload(), 4, m.payload().length - 4);
        byte[] v = a.get(Nl.NETNSA_NSID);
        if (v == null || v.length < 4) {
            throw new IllegalArgumentException("RTM_NEWNSID without NETNSA_NSID");
        }
        return java.nio.ByteBuffer.wrap(v).order(java.nio.ByteOrder.nativeOrder()).getInt();
    }

    /** RTM_GETLINK of one link by name: the answer is one RTM_NEWLINK, or ENODEV. */
    static byte[] getLink(int seq, String name) {
        NlWriter w = new NlWriter(Nl.RTM_GETLINK, ACK, seq);
        new IfInfoMsg(AF_UNSPEC, 0, 0, 0, 0).write(w);
        return w.string(Nl.IFLA_IFNAME, name).finish();
    }

    /** RTM_NEWLINK of a veth pair; {@code peerNsFd < 0}: the peer stays in the socket's namespace. */
    static byte[] newVeth(int seq, String name, String peer, int peerNsFd) {
        NlWriter w = new NlWriter(Nl.RTM_NEWLINK, NEW, seq);
        new IfInfoMsg(AF_UNSPEC, 0, 0, 0, 0).write(w);
        w.string(Nl.IFLA_IFNAME, name);
        int info = w.nest(Nl.IFLA_LINKINFO);
        w.string(Nl.IFLA_INFO_KIND, "veth");
        int data = w.nest(Nl.IFLA_INFO_DATA);
        int p = w.nest(Nl.VETH_INFO_PEER);
        new IfInfoMsg(AF_UNSPEC, 0, 0, 0, 0).write(w);
        w.string(Nl.IFLA_IFNAME, peer);
        if (peerNsFd >= 0) {
            w.u32(Nl.IFLA_NET_NS_FD, peerNsFd);
        }
        w.end(p).end(data).end(info);
        return w.finish();
    }

    /**
     * RTM_NEWLINK changing link {@code index}: null fields stay; {@code nsFd < 0}: no move.
     */
    static byte[] setLink(int seq, int index, Boolean up, Integer mtu, MacAddress mac, String newName, int nsFd) {
        NlWriter w = new NlWriter(Nl.RTM_NEWLINK, ACK, seq);
        new IfInfoMsg(AF_UNSPEC, 0, index, up != null && up ? Nl.IFF_UP : 0, up != null ? Nl.IFF_UP : 0).write(w);
        if (newName != null) {
            w.string(Nl.IFLA_IFNAME, newName);
        }
        if (mtu != null) {
            w.u32(Nl.IFLA_MTU, mtu);
        }
        if (mac != null) {
            w.attr(Nl.IFLA_ADDRESS, mac.bytes());
        }
        if (nsFd >= 0) {
            w.u32(Nl.IFLA_NET_NS_FD, nsFd);
        }
        return w.finish();
    }

    static byte[] delLink(int seq, int index) {
        NlWriter w = new NlWriter(Nl.RTM_DELLINK, ACK, seq);
        new IfInfoMsg(AF_UNSPEC, 0, index, 0, 0).write(w);
        return w.finish();
    }

    /**
     * RTM_NEWADDR or RTM_DELADDR. IPv6 addresses are added with IFA_F_NODAD: usable at once (duplicate
     * address detection has nothing to find on a link the caller made).
     */
    static byte[] address(int seq, boolean add, int index, Cidr cidr) {
        NlWriter w = new NlWriter(add ? Nl.RTM_NEWADDR : Nl.RTM_DELADDR, add ? NEW : ACK, seq);
        boolean v6 = cidr.family() == Family.IPV6;
        int flags = add && v6 ? Nl.IFA_F_NODAD : 0;
        new IfAddrMsg(cidr.family().af(), cidr.prefix(), flags, Nl.RT_SCOPE_UNIVERSE, index).write(w);
        w.attr(Nl.IFA_LOCAL, cidr.bytes());
        w.attr(Nl.IFA_ADDRESS, cidr.bytes());
        if (add && v6) {
            w.u32(Nl.IFA_FLAGS, flags);
        }
        return w.finish();
    }

    /** RTM_NEWROUTE or RTM_DELROUTE in the main table; {@code oif} 0 when no device is given. */
    static byte[] route(int seq, boolean add, Route r, int oif) {
        NlWriter w = new NlWriter(add ? Nl.RTM_NEWROUTE : Nl.RTM_DELROUTE, add ? NEW : ACK, seq);
        Cidr d = r.destination();
        int scope = !add ? Nl.RT_SCOPE_NOWHERE : r.gateway() == null ? Nl.RT_SCOPE_LINK : Nl.RT_SCOPE_UNIVERSE;
        new RtMsg(d.family().af(), d.prefix(), 0, 0, Nl.RT_TABLE_MAIN, add ? Nl.RTPROT_BOOT : 0, scope,
                add ? Nl.RTN_UNICAST : 0, 0).write(w);
        if (d.prefix() > 0) {
            w.attr(Nl.RTA_DST, d.bytes());
        }
        if (r.gateway() != null) {
            w.attr(Nl.RTA_GATEWAY, r.gateway().getAddress());
        }
        if (oif > 0) {
            w.u32(Nl.RTA_OIF, oif);
        }
        if (r.metric() > 0) {
            w.u32(Nl.RTA_PRIORITY, r.metric());
        }
        return w.finish();
    }

    // ---- answers ----

    private static final String[] OPER = {"UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP"};

    /** A link of an RTM_NEWLINK message. */
    static LinkInfo link(NlMessage m) {
        ByteBuffer b = m.buffer();
        IfInfoMsg h = IfInfoMsg.read(b);
        NlAttrs a = NlAttrs.parse(m.payload(), IfInfoMsg.SIZE, m.payload().length - IfInfoMsg.SIZE);
        String kind = null;
        byte[] li = a.get(Nl.IFLA_LINKINFO);
        if (li != null) {
            kind = NlAttrs.nested(li).string(Nl.IFLA_INFO_KIND);
        }
        byte[] mac = a.get(Nl.IFLA_ADDRESS);
        int op = a.u8(Nl.IFLA_OPERSTATE, 0);
        return new LinkInfo(h.index(), a.string(Nl.IFLA_IFNAME), kind, a.u32(Nl.IFLA_MTU, 0),
                mac != null && mac.length == 6 ? MacAddress.of(mac) : null, (h.flags() & Nl.IFF_UP) != 0,
                (h.flags() & Nl.IFF_LOWER_UP) != 0, op < OPER.length ? OPER[op] : Integer.toString(op), h.flags());
    }

    /** An address of an RTM_NEWADDR message, or null when it is of another family; names from {@code names}. */
    static AddressInfo address(NlMessage m, Map<Integer, String> names) {
        IfAddrMsg h = IfAddrMsg.read(m.buffer());
        Family f = Family.ofAf(h.family());
        if (f == null) {
            return null;
        }
        NlAttrs a = NlAttrs.parse(m.payload(), IfAddrMsg.SIZE, m.payload().length - IfAddrMsg.SIZE);
        byte[] addr = a.has(Nl.IFA_LOCAL) ? a.get(Nl.IFA_LOCAL) : a.get(Nl.IFA_ADDRESS);
        if (addr == null || addr.length != f.bytes()) {
            return null;
        }
        return new AddressInfo(h.index(), names.getOrDefault(h.index(), "if" + h.index()),
                new Cidr(inet(addr), h.prefixLen()), scopeName(h.scope()));
    }

    /**
     * A route of an RTM_NEWROUTE message, or null when it is not a unicast route of the main table (local,
     * broadcast, multicast and cached routes are left out, as {@code ip route} does).
     */
    static Route route(NlMessage m, Map<Integer, String> names) {
        RtMsg h = RtMsg.read(m.buffer());
        Family f = Family.ofAf(h.family());
        if (f == null || h.type() != Nl.RTN_UNICAST || (h.flags() & Nl.RTM_F_CLONED) != 0) {
            return null;
        }
        NlAttrs a = NlAttrs.parse(m.payload(), RtMsg.SIZE, m.payload().length - RtMsg.SIZE);
        int table = a.u32(Nl.RTA_TABLE, h.table());
        if (table != Nl.RT_TABLE_MAIN) {
            return null;
        }
        byte[] dst = a.get(Nl.RTA_DST);
        Cidr d = dst != null && dst.length == f.bytes() ? new Cidr(inet(dst), h.dstLen()) : Cidr.any(f);
        byte[] gw = a.get(Nl.RTA_GATEWAY);
        InetAddress g = gw != null && gw.length == f.bytes() ? inet(gw) : null;
        int oif = a.u32(Nl.RTA_OIF, 0);
        String dev = oif > 0 ? names.getOrDefault(oif, null) : null;
        return new Route(d, g, dev, a.u32(Nl.RTA_PRIORITY, 0));
    }

    static String scopeName(int scope) {
        return switch (scope) {
            case 0 -> "global";
            case 200 -> "site";
            case 253 -> "link";
            case 254 -> "host";
            case 255 -> "nowhere";
            default -> Integer.toString(scope);
        };
    }

    static InetAddress inet(byte[] a) {
        try {
            return a.length == 16 ? java.net.Inet6Address.getByAddress(null, a, null) : InetAddress.getByAddress(a);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
