package dev.jns.examples.cli;

import dev.jns.IdMap;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

/**
 * {@link Ids#withSingle}: util-linux's way of combining a single map (-r, -c, --map-user) with ranges
 * (--map-auto, --map-users): the figures util-linux 2.38.1 wrote here, and a property against a model that pairs
 * the range's ids one by one.
 */
class IdsTest {
    @Test
    void asUtilLinuxWroteThem() {
        IdMap auto = IdMap.of(0, 100000, 65536);
        // unshare --map-auto -r, as uid 1001
        assertThat(Ids.withSingle(IdMap.single(0, 1001), List.of(auto)))
                .containsExactly(IdMap.of(0, 1001, 1), IdMap.of(1, 100000, 65535));
        // unshare --map-auto -c, as uid 1001
        assertThat(Ids.withSingle(IdMap.single(1001, 1001), List.of(auto)))
                .containsExactly(IdMap.of(1001, 1001, 1), IdMap.of(0, 100000, 1001), IdMap.of(1002, 101001, 64534));
        // a range that holds neither id stays as it is
        assertThat(Ids.withSingle(IdMap.single(0, 1001), List.of(IdMap.of(5000, 200000, 10))))
                .containsExactly(IdMap.single(0, 1001), IdMap.of(5000, 200000, 10));
    }

    @Test
    void theRangeMapsItsIdsInOrderSkippingTheSingleOnes() {
        // QuickTheories takes four generators: the range's inside start and count come as one
        org.quicktheories.core.Gen<int[]> insideAndCount = integers().between(0, 40)
                .zip(integers().between(1, 30), (ri, n) -> new int[] {ri, n});
        qt().forAll(integers().between(0, 40), integers().between(0, 40), integers().between(0, 40), insideAndCount)
                .checkAssert((si, so, ro, rin) -> {
                    IdMap single = IdMap.single(si, so);
                    IdMap range = IdMap.of(rin[0], ro, rin[1]);
                    List<IdMap> got = Ids.withSingle(single, List.of(range));
                    assertThat(got.get(0)).isEqualTo(single);
                    assertThat(pairs(got.subList(1, got.size()))).isEqualTo(model(single, range));
                    assertThat(overlap(got)).as("%s", got).isFalse();
                });
    }

    /** The (inside, outside) pairs of {@code maps}, in order. */
    private static List<List<Long>> pairs(List<IdMap> maps) {
        List<List<Long>> out = new ArrayList<>();
        for (IdMap m : maps) {
            for (long k = 0; k < m.count(); k++) {
                out.add(List.of(m.inside() + k, m.outside() + k));
            }
        }
        return out;
    }

    /**
     * util-linux's rule, id by id: a range that holds the single map's inside or outside id (its end included)
     * maps one id fewer; its ids are paired in order, the single map's two ids left out of their sides.
     */
    private static List<List<Long>> model(IdMap single, IdMap r) {
        boolean holds = single.inside() >= r.inside() && single.inside() <= r.inside() + r.count()
                || single.outside() >= r.outside() && single.outside() <= r.outside() + r.count();
        long count = holds ? r.count() - 1 : r.count();
        List<List<Long>> out = new ArrayList<>();
        long in = r.inside();
        long outId = r.outside();
        for (long k = 0; k < count; k++, in++, outId++) {
            if (holds && in == single.inside()) {
                in++;
            }
            if (holds && outId == single.outside()) {
                outId++;
            }
            out.add(List.of(in, outId));
        }
        return out;
    }

    /** Whether two entries of {@code maps} share an inside or an outside id. */
    private static boolean overlap(List<IdMap> maps) {
        for (int a = 0; a < maps.size(); a++) {
            for (int b = a + 1; b < maps.size(); b++) {
                IdMap x = maps.get(a);
                IdMap y = maps.get(b);
                if (x.inside() < y.inside() + y.count() && y.inside() < x.inside() + x.count()
                        || x.outside() < y.outside() + y.count() && y.outside() < x.outside() + x.count()) {
                    return true;
                }
            }
        }
        return false;
    }
}
