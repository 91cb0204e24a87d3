package dev.jns.linux.spawn;

import dev.jns.NamespaceType;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

/** The NSIDS record's parser: what the launcher writes comes back exactly; anything else is skipped, never thrown. */
class NamespaceIdsTest {

    @Test
    void everyTypesInodeComesBackWhateverTheSpacing() {
        NamespaceType[] types = NamespaceType.values();
        qt().forAll(integers().between(0, (1 << types.length) - 1), longs().between(0, Long.MAX_VALUE),
                integers().between(1, 3), integers().between(0, 1)).checkAssert((mask, inode, gap, forChildren) -> {
                    Map<NamespaceType, Long> expected = new EnumMap<>(NamespaceType.class);
                    StringBuilder detail = new StringBuilder(" ".repeat(gap - 1));
                    for (int t = 0; t < types.length; t++) {
                        if ((mask & (1 << t)) != 0) {
                            long value = inode - t < 0 ? inode : inode - t;
                            expected.put(types[t], value);
                            detail.append(types[t].procName()).append(forChildren == 1 ? "_for_children" : "")
                                    .append('=').append(value).append(" ".repeat(gap));
                        }
                    }
                    Map<NamespaceType, Long> ids = new EnumMap<>(NamespaceType.class);
                    NamespaceIds.parse(detail.toString(), ids);
                    assertThat(ids).isEqualTo(expected);
                });
    }

    @Test
    void malformedPairsAreSkippedAndTheRestKept() {
        Map<NamespaceType, Long> ids = new EnumMap<>(NamespaceType.class);
        NamespaceIds.parse("net= =5 pid=12x uts=99999999999999999999 bogus=7 mnt=4026531841 ipc=-1 user=4026531837 "
                + "cgroup==1 time", ids);
        assertThat(ids).containsOnly(Map.entry(NamespaceType.MOUNT, 4026531841L), Map.entry(NamespaceType.USER, 4026531837L));
    }

    @Test
    void arbitraryTextNeverThrows() {
        qt().forAll(strings().basicLatinAlphabet().ofLengthBetween(0, 120)).checkAssert(text -> {
            Map<NamespaceType, Long> ids = new EnumMap<>(NamespaceType.class);
            NamespaceIds.parse(text, ids);
            assertThat(ids.values()).allMatch(v -> v >= 0);
        });
    }
}
