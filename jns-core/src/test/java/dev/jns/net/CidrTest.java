package dev.jns.net;

import dev.jns.InvalidSpecException;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

class CidrTest {
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

    @Test
    void ipv4RoundTrips() {
        qt().forAll(integers().all(), integers().between(0, 32)).checkAssert((addr, prefix) -> {
            byte[] b = ByteBuffer.allocate(4).putInt(addr).array();
            Cidr c = new Cidr(IpText.inet(b), prefix);
            assertThat(Cidr.parse(c.toString())).isEqualTo(c);
            assertThat(c.family()).isEqualTo(Family.IPV4);
        });
    }

    @Test
    void ipv6RoundTripsInTheCanonicalForm() {
        qt().forAll(longs().all(), longs().all(), integers().between(0, 255), integers().between(0, 128))
                .checkAssert((hi, lo, zeros, prefix) -> {
                    byte[] b = v6(hi, lo, zeros);
                    Cidr c = new Cidr(IpText.inet(b), prefix);
                    String text = c.toString();
                    assertThat(Cidr.parse(text)).isEqualTo(c);
                    assertThat(c.family()).isEqualTo(Family.IPV6);
                    // the JDK reads a literal without a resolver: same bytes
                    String literal = text.substring(0, text.indexOf('/'));
                    try {
                        assertThat(InetAddress.getByName(literal).getAddress()).isEqualTo(
                                isMappedV4(b) ? java.util.Arrays.copyOfRange(b, 12, 16) : b);
                    } catch (java.net.UnknownHostException e) {
                        throw new AssertionError(e);
                    }
                    // RFC 5952: lower case, no group with a leading zero, at most one '::'
                    assertThat(literal).doesNotContainPattern("[A-F]").doesNotContainPattern("(^|:)0[0-9a-f]+(:|$)")
                            .doesNotContainPattern("::.*::");
                    // the full form parses to the same address
                    StringBuilder full = new StringBuilder();
                    for (int g = 0; g < 8; g++) {
                        full.append(g == 0 ? "" : ":").append(String.format("%04X", ((b[2 * g] & 0xff) << 8) | (b[2 * g + 1] & 0xff)));
                    }
                    assertThat(Cidr.parse(full + "/" + prefix)).isEqualTo(c);
                });
    }

    private static boolean isMappedV4(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    @Test
    void anyTextParsesOrIsAnInvalidSpecNamingTheField() {
        qt().forAll(strings().basicLatinAlphabet().ofLengthBetween(0, 45)).checkAssert(s -> {
            try {
                Cidr c = Cidr.parse("dst", s);
                assertThat(Cidr.parse(c.toString())).isEqualTo(c);
            } catch (InvalidSpecException e) {
                assertThat(e.field()).isEqualTo("dst");
            }
        });
        qt().forAll(strings().betweenCodePoints('.', ':').ofLengthBetween(0, 20)).checkAssert(s -> {
            try {
                Cidr.parse(s);
            } catch (InvalidSpecException e) {
                assertThat(e.field()).isEqualTo("cidr");
            }
        });
    }

    @Test
    void examples() {
        assertThat(Cidr.parse("10.200.1.1/24")).hasToString("10.200.1.1/24");
        assertThat(Cidr.parse("10.200.1.1/24").network()).hasToString("10.200.1.0/24");
        assertThat(Cidr.parse("10.200.1.1")).hasToString("10.200.1.1/32");
        assertThat(Cidr.parse("FD00:6A6E:0073:0:0:0:0:1/64")).hasToString("fd00:6a6e:73::1/64");
        assertThat(Cidr.parse("::/0").isDefault()).isTrue();
        assertThat(Cidr.parse("::ffff:10.1.2.3/128")).hasToString("::ffff:10.1.2.3/128");
        assertThat(Cidr.parse("::ffff:10.1.2.3/128").family()).isEqualTo(Family.IPV6);
        assertThat(Cidr.parse("1:0:0:2:0:0:0:3/128")).hasToString("1:0:0:2::3/128");
        assertThat(Cidr.parse("1:2:3:4:5:6:7::/128")).hasToString("1:2:3:4:5:6:7:0/128");
        assertThat(Cidr.parse("::1/128")).hasToString("::1/128");
        assertThat(Cidr.parse("::/0")).hasToString("::/0");
        assertThat(Cidr.parse("::10.1.2.3/128")).hasToString("::10.1.2.3/128");
        assertThat(Cidr.parse("fd00::/8").contains(Cidr.parseAddress("a", "fdff::1"))).isTrue();
    }

    @Test
    void badInputNamesTheProblem() {
        for (String bad : new String[] {"", "10.0.0.256/24", "10.0.0/24", "10.0.0.1/33", "10.0.0.1/", "10.0.0.1/-1",
                "10.0.0.01/24", "fd00::1/129", "fd00:::1/64", "1::2::3/64", "fd00::g/64", "12345::/64", "host.example/24",
                "1:2:3:4:5:6:7:8:9/64", "1:2:3:4:5:6:7::8/64", "fe80::1%eth0/64", " 10.0.0.1/24", "10.0.0.1/24 ",
                "::1.2.3.4.5/96", "1.2.3.4::/96", "10.0.0.1/024"}) {
            assertThatThrownBy(() -> Cidr.parse(bad)).as(bad)
                    .isInstanceOfSatisfying(InvalidSpecException.class, e -> {
                        assertThat(e.field()).isEqualTo("cidr");
                        assertThat(e.getMessage()).contains("invalid cidr");
                    });
        }
        assertThatThrownBy(() -> Cidr.parse("10.0.0.256/24")).hasMessageContaining("over 255");
    }

    @Test
    void macRoundTrips() {
        qt().forAll(longs().between(0, 0xffff_ffff_ffffL)).checkAssert(v -> {
            MacAddress m = new MacAddress(v);
            assertThat(MacAddress.parse(m.toString())).isEqualTo(m);
            assertThat(MacAddress.of(m.bytes())).isEqualTo(m);
        });
        assertThatThrownBy(() -> MacAddress.parse("02:00:00:00:00")).isInstanceOf(InvalidSpecException.class);
        assertThatThrownBy(() -> MacAddress.parse("02:00:00:00:00:0g")).isInstanceOf(InvalidSpecException.class);
    }

    @Test
    void routesCheckTheirFamilyAndNames() {
        assertThat(Route.defaultVia("fd00::1").family()).isEqualTo(Family.IPV6);
        assertThat(Route.to("10.200.1.7/24").destination()).hasToString("10.200.1.0/24");
        assertThat(Route.to("10.201.0.0/16").via("10.200.1.1").dev("jns0")).hasToString("10.201.0.0/16 via 10.200.1.1 dev jns0");
        assertThatThrownBy(() -> Route.to("10.201.0.0/16").via("fd00::1"))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo("gateway"));
        assertThatThrownBy(() -> Route.to("default").dev("sixteen-bytes-xx"))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo("device"));
        assertThatThrownBy(() -> LinkNames.check("name", "ab\u00e9cdefghijklmn"))
                .as("15 characters but 16 bytes").isInstanceOf(InvalidSpecException.class);
        assertThat(LinkNames.check("name", "abcdefghijklmno")).hasSize(15);
    }
}
