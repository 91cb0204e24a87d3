package dev.jns;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.arbitrary;
import static org.quicktheories.generators.SourceDSL.strings;

class NamespaceTypeTest {
    @Test
    void procNamesAndFlagsAreTheKernels() {
        assertThat(Arrays.stream(NamespaceType.values()).map(NamespaceType::procName))
                .containsExactly("cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts");
        assertThat(NamespaceType.USER.cloneFlag()).isEqualTo(0x10000000L);
        assertThat(NamespaceType.MOUNT.cloneFlag()).isEqualTo(0x00020000L);
        assertThat(NamespaceType.TIME.cloneFlag()).isEqualTo(0x80L);
        assertThat(Arrays.stream(NamespaceType.values()).mapToLong(NamespaceType::cloneFlag).reduce(0, (a, b) -> a | b))
                .as("flags are distinct bits").isEqualTo(0x7E020080L);
    }

    @Test
    void everyTypeRoundTripsThroughItsNames() {
        qt().forAll(arbitrary().enumValues(NamespaceType.class)).checkAssert(t -> {
            assertThat(NamespaceType.ofProcName(t.procName())).isEqualTo(t);
            assertThat(NamespaceType.ofProcName(t.name().toLowerCase(Locale.ROOT))).isEqualTo(t);
            assertThat(NamespaceType.ofProcName(t.procName() + "_for_children")).isEqualTo(t);
            assertThat(NamespaceType.ofCloneFlag(t.cloneFlag())).isEqualTo(t);
        });
    }

    @Test
    void unknownNamesAreRefusedNamingTheValue() {
        qt().forAll(strings().allPossible().ofLengthBetween(0, 12))
                .assuming(s -> Arrays.stream(NamespaceType.values()).noneMatch(t -> t.procName().equals(s)
                        || t.name().equalsIgnoreCase(s) || (t.procName() + "_for_children").equals(s)
                        || (t.name() + "_for_children").equalsIgnoreCase(s)))
                .checkAssert(s -> assertThatThrownBy(() -> NamespaceType.ofProcName(s))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + s + "'"));
        assertThatThrownBy(() -> NamespaceType.ofProcName(null)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NamespaceType.ofCloneFlag(3)).hasMessageContaining("0x3");
    }
}
