package dev.jns;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

class IdMapTest {
    @Test
    void validLinesRoundTripThroughTheKernelFormat() {
        qt().forAll(longs().between(0, IdMap.MAX_ID), longs().between(0, IdMap.MAX_ID), longs().between(1, 1 << 20))
                .assuming((in, out, n) -> in + n - 1 <= IdMap.MAX_ID && out + n - 1 <= IdMap.MAX_ID)
                .checkAssert((in, out, n) -> {
                    IdMap m = IdMap.of(in, out, n);
                    assertThat(IdMap.parse(m.toString())).isEqualTo(m);
                    assertThat(IdMap.parse("  " + in + "\t" + out + "   " + n + "\n")).isEqualTo(m);
                    assertThat(IdMap.format(List.of(m))).isEqualTo(in + " " + out + " " + n + "\n");
                });
    }

    @Test
    void outOfRangeValuesAreRefusedNamingTheField() {
        qt().forAll(longs().between(Long.MIN_VALUE, -1)).checkAssert(bad -> {
            assertThatThrownBy(() -> IdMap.of(bad, 0, 1)).isInstanceOf(InvalidSpecException.class)
                    .extracting(e -> ((InvalidSpecException) e).field()).isEqualTo("idMap.inside");
            assertThatThrownBy(() -> IdMap.of(0, bad, 1)).isInstanceOf(InvalidSpecException.class)
                    .extracting(e -> ((InvalidSpecException) e).field()).isEqualTo("idMap.outside");
            assertThatThrownBy(() -> IdMap.of(0, 0, bad)).isInstanceOf(InvalidSpecException.class)
                    .extracting(e -> ((InvalidSpecException) e).field()).isEqualTo("idMap.count");
        });
        assertThatThrownBy(() -> IdMap.of(IdMap.MAX_ID, 0, 2)).hasMessageContaining("runs past");
        assertThatThrownBy(() -> IdMap.parse("0 1000")).hasMessageContaining("inside outside count");
        assertThatThrownBy(() -> IdMap.parse("a b c")).hasMessageContaining("not a number");
    }

    @Test
    void overlappingRangesAreRefused() {
        qt().forAll(longs().between(0, 1000), longs().between(1, 100), longs().between(0, 99))
                .checkAssert((start, n, shift) -> {
                    IdMap a = IdMap.of(start, 100_000, n);
                    IdMap b = IdMap.of(start + Math.min(shift, n - 1), 200_000, 5);
                    assertThatThrownBy(() -> IdMap.validate("uidMap", List.of(a, b)))
                            .isInstanceOf(InvalidSpecException.class).hasMessageContaining("overlap");
                });
        IdMap.validate("uidMap", List.of(IdMap.of(0, 1000, 1), IdMap.of(1, 100000, 65536)));
        assertThatThrownBy(() -> IdMap.validate("uidMap", List.of())).hasMessageContaining("1..340");
    }
}
