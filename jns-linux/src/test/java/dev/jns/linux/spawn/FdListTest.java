package dev.jns.linux.spawn;

import dev.jns.linux.ffi.Sys;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

/** The spawn's unboxed fd list against a {@code List<Integer>} doing the same. */
class FdListTest {

    @Test
    void behavesAsAListOfIntegers() {
        qt().forAll(lists().of(integers().between(0, 20)).ofSizeBetween(1, 40), integers().between(0, 20))
                .checkAssert((values, x) -> {
                    FdList l = new FdList();
                    List<Integer> model = new ArrayList<>();
                    for (int v : values) {
                        l.add(v);
                        model.add(v);
                    }
                    assertThat(l.size()).isEqualTo(model.size());
                    assertThat(l.toArray()).containsExactly(model.stream().mapToInt(Integer::intValue).toArray());
                    int index = Math.floorMod(x, model.size());
                    List<Integer> without = new ArrayList<>(model);
                    without.remove(index); // by index
                    assertThat(l.toArrayWithout(index))
                            .containsExactly(without.stream().mapToInt(Integer::intValue).toArray());
                    assertThat(l.remove(x)).isEqualTo(model.remove(Integer.valueOf(x))); // the first x, by value
                    assertThat(l.toArray()).containsExactly(model.stream().mapToInt(Integer::intValue).toArray());
                    l.add(x); // after a remove: the slot past the end is written, not the stale one read
                    model.add(x);
                    assertThat(FdList.of(l.toArray()).toArray())
                            .containsExactly(model.stream().mapToInt(Integer::intValue).toArray());
                });
    }

    @Test
    void closeAllClosesEachAndEmpties() {
        int[] p = Sys.pipe("test");
        FdList l = FdList.of(p[0], p[1]);
        l.closeAll();
        assertThat(l.size()).isZero();
        assertThat(Sys.tryFcntl(p[0], dev.jns.linux.ffi.Native.F_GETFD, 0)).isNegative();
        assertThat(Sys.tryFcntl(p[1], dev.jns.linux.ffi.Native.F_GETFD, 0)).isNegative();
    }
}
