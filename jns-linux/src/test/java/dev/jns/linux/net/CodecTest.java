package dev.jns.linux.net;

import dev.jns.net.AddressInfo;
import dev.jns.net.Cidr;
import dev.jns.net.LinkInfo;
import dev.jns.net.MacAddress;
import dev.jns.net.Route;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

/** Encoders and decoders of netlink messages round-trip (pure Java; no socket). */
class CodecTest {
    @Test
    void fixedHeadersRoundTrip() {
        qt().forAll(integers().between(0, 0xffffff), integers().all(), integers().all(), integers().all())
                .checkAssert((famType, index, flags, change) -> {
                    IfInfoMsg m = new IfInfoMsg(famType & 0xff, famType >>> 8, index, flags, change);
                    NlWriter w = new NlWriter(Nl.RTM_NEWLINK, 0, 1);
                    m.write(w);
                    NlMessage back = NlMessage.parseAll(w.finish(), Nl.HDRLEN + IfInfoMsg.SIZE).get(0);
                    assertThat(IfInfoMsg.read(back.buffer())).isEqualTo(m);
                });
        qt().forAll(integers().between(0, 255), integers().between(0, 255), integers().between(0, 255), integers().all())
                .checkAssert((a, b, c, index) -> {
                    IfAddrMsg m = new IfAddrMsg(a, b, c, (a + b) & 0xff, index);
                    NlWriter w = new NlWriter(Nl.RTM_NEWADDR, 0, 1);
                    m.write(w);
                    assertThat(IfAddrMsg.read(NlMessage.parseAll(w.finish(), 24).get(0).buffer())).isEqualTo(m);
                    RtMsg r = new RtMsg(a, b, c, a ^ b, b ^ c, a ^ c, (a + c) & 0xff, (b + c) & 0xff, index);
                    NlWriter w2 = new NlWriter(Nl.RTM_NEWROUTE, 0, 1);
                    r.write(w2);
                    assertThat(RtMsg.read(NlMessage.parseAll(w2.finish(), 28).get(0).buffer())).isEqualTo(r);
                });
    }

    @Test
    void attributesAndHeadersRoundTrip() {
        qt().forAll(integers().between(1, 0x3ff0), strings().basicLatinAlphabet().ofLengthBetween(0, 40), integers().all(),
                        longs().between(0, 0xffff_ffff_ffffL))
                .checkAssert((type, text, value, flagsSeq) -> {
                    int flags = (int) (flagsSeq & 0xffff);
                    int seq = (int) (flagsSeq >>> 16);
                    NlWriter w = new NlWriter(Nl.RTM_NEWLINK, flags, seq);
                    new IfInfoMsg(0, 0, 0, 0, 0).write(w);
                    w.string(type, text).u32(type + 1, value);
                    int nest = w.nest(0x3ffe);
                    w.attr(7, text.getBytes()).end(nest);
                    byte[] msg = w.finish();
                    assertThat(msg.length % 4).isZero();
                    // two messages back to back in one datagram
                    byte[] two = Arrays.copyOf(msg, msg.length * 2);
                    System.arraycopy(msg, 0, two, msg.length, msg.length);
                    List<NlMessage> ms = NlMessage.parseAll(two, two.length);
                    assertThat(ms).hasSize(2).allSatisfy(m -> {
                        assertThat(m.type()).isEqualTo(Nl.RTM_NEWLINK);
                        assertThat(m.flags()).isEqualTo(flags);
                        assertThat(m.seq()).isEqualTo(seq);
                        NlAttrs a = NlAttrs.parse(m.payload(), IfInfoMsg.SIZE, m.payload().length - IfInfoMsg.SIZE);
                        assertThat(a.string(type)).isEqualTo(text);
                        assertThat(a.u32(type + 1, 0)).isEqualTo(value);
                        assertThat(new String(NlAttrs.nested(a.get(0x3ffe)).get(7))).isEqualTo(text);
                    });
                });
    }

    @Test
    void errorsRoundTripWithExtendedAck() {
        qt().forAll(integers().between(0, 133 * 11 - 1), strings().basicLatinAlphabet().ofLengthBetween(0, 60),
                        integers().between(-1, 500), booleans().all())
                .checkAssert((errnoType, text, offset, withMsg) -> {
                    int errno = errnoType / 11;
                    int type = 16 + errnoType % 11;
                    NlError e = new NlError(errno, type, 4242, withMsg ? text : null, offset);
                    byte[] bytes = e.encode(4242, 77);
                    NlMessage m = NlMessage.parseAll(bytes, bytes.length).get(0);
                    assertThat(m.type()).isEqualTo(Nl.NLMSG_ERROR);
                    assertThat(NlError.decode(m)).isEqualTo(e);
                });
    }

    @Test
    void truncatedDatagramsAreRejectedNotMisread() {
        qt().forAll(integers().between(0, 60)).checkAssert(cut -> {
            byte[] msg = Rtnl.newVeth(9, "jnsa0", "jnsb0", 5);
            if (cut >= Nl.HDRLEN && cut < msg.length) {
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> NlMessage.parseAll(msg, cut))
                        .isInstanceOf(IllegalArgumentException.class);
            }
        });
    }

    /** 16 bytes from two longs, with the groups whose bit is set in {@code zeros} cleared (to make '::' runs). */
    static byte[] v6(long hi, long lo, int zeros) {
        byte[] b = ByteBuffer.allocate(16).putLong(hi).putLong(lo).array();
        for (int g = 0; g < 8; g++) {
            if ((zeros & (1 << g)) != 0) {
                b[2 * g] = 0;
                b[2 * g + 1] = 0;
            }
        }
        return b;
    }

    private static final Map<Integer, String> NAMES = Map.of(3, "jnsa0", 4, "jnsb0");

    @Test
    void addressRequestsDecodeAsTheAddressTheyAdd() {
        qt().forAll(longs().all(), longs().all(), integers().between(0, 255), integers().between(0, 257))
                .checkAssert((hi, lo, zeros, prefixFam) -> {
                    boolean v4 = prefixFam > 128;
                    int prefix = v4 ? prefixFam - 129 : prefixFam;
                    byte[] b = v4 ? ByteBuffer.allocate(4).putInt((int) (long) hi).array() : v6(hi, lo, zeros);
                    Cidr c = new Cidr(Rtnl.inet(b), v4 ? prefix % 33 : prefix);
                    byte[] req = Rtnl.address(7, true, 3, c);
                    NlMessage m = NlMessage.parseAll(req, req.length).get(0);
                    assertThat(m.type()).isEqualTo(Nl.RTM_NEWADDR);
                    assertThat(Rtnl.address(m, NAMES)).isEqualTo(new AddressInfo(3, "jnsa0", c, "global"));
                });
    }

    @Test
    void routeRequestsDecodeAsTheRouteTheyAdd() {
        qt().forAll(integers().all(), integers().between(0, 65), integers().all(), integers().between(0, 5000))
                .checkAssert((dst, prefixGw, gw, metric) -> {
                    int prefix = prefixGw % 33;
                    boolean withGw = prefixGw > 32;
                    InetAddress d = Rtnl.inet(ByteBuffer.allocate(4).putInt(dst).array());
                    InetAddress g = withGw ? Rtnl.inet(ByteBuffer.allocate(4).putInt(gw).array()) : null;
                    Route r = new Route(new Cidr(d, prefix), g, "jnsb0", metric);
                    byte[] req = Rtnl.route(8, true, r, 4);
                    NlMessage m = NlMessage.parseAll(req, req.length).get(0);
                    assertThat(Rtnl.route(m, NAMES)).isEqualTo(r);
                });
    }

    @Test
    void linkRequestsDecodeAsTheLinkTheyDescribe() {
        qt().forAll(integers().between(1, 1 << 20), integers().between(68, 65535 * 2), longs().between(0, 0xffff_ffff_ffffL),
                        strings().betweenCodePoints('a', 'z').ofLengthBetween(1, 15))
                .checkAssert((index, mtuUp, mac, name) -> {
                    boolean up = mtuUp > 65535;
                    int mtu = up ? mtuUp - 65535 : mtuUp;
                    byte[] req = Rtnl.setLink(3, index, up, mtu, new MacAddress(mac), name, -1);
                    NlMessage m = NlMessage.parseAll(req, req.length).get(0);
                    LinkInfo l = Rtnl.link(m);
                    assertThat(l.index()).isEqualTo(index);
                    assertThat(l.name()).isEqualTo(name);
                    assertThat(l.mtu()).isEqualTo(mtu);
                    assertThat(l.mac()).isEqualTo(new MacAddress(mac));
                    assertThat(l.up()).isEqualTo(up);
                });
    }

    @Test
    void vethRequestNestsThePeer() {
        byte[] req = Rtnl.newVeth(5, "jnsa0", "jnsb0", 17);
        NlMessage m = NlMessage.parseAll(req, req.length).get(0);
        assertThat(m.flags()).isEqualTo(Nl.NLM_F_REQUEST | Nl.NLM_F_ACK | Nl.NLM_F_CREATE | Nl.NLM_F_EXCL);
        NlAttrs a = NlAttrs.parse(m.payload(), 16, m.payload().length - 16);
        assertThat(a.string(Nl.IFLA_IFNAME)).isEqualTo("jnsa0");
        NlAttrs info = NlAttrs.nested(a.get(Nl.IFLA_LINKINFO));
        assertThat(info.string(Nl.IFLA_INFO_KIND)).isEqualTo("veth");
        byte[] peer = NlAttrs.nested(info.get(Nl.IFLA_INFO_DATA)).get(Nl.VETH_INFO_PEER);
        NlAttrs pa = NlAttrs.parse(peer, 16, peer.length - 16);
        assertThat(pa.string(Nl.IFLA_IFNAME)).isEqualTo("jnsb0");
        assertThat(pa.u32(Nl.IFLA_NET_NS_FD, -1)).isEqualTo(17);
        assertThat(ByteBuffer.wrap(req).order(ByteOrder.nativeOrder()).getInt(0)).isEqualTo(req.length);
    }
}
