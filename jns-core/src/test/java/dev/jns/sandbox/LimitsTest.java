package dev.jns.sandbox;

import dev.jns.InvalidSpecException;
import dev.jns.Outcome;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/** The cgroup limits of {@link Limits}: values, checks naming the field, sizes as text; pure Java. */
class LimitsTest {
    private static String field(Throwable e) {
        return ((InvalidSpecException) e).field();
    }

    @Test
    void zeroAndNegativeValuesAreInvalidNamingTheField() {
        assertThatThrownBy(() -> Limits.builder().memory(0)).satisfies(e -> assertThat(field(e)).isEqualTo("limits.memory"));
        assertThatThrownBy(() -> Limits.builder().memory(-1)).satisfies(e -> assertThat(field(e)).isEqualTo("limits.memory"));
        assertThatThrownBy(() -> Limits.builder().pids(0)).satisfies(e -> assertThat(field(e)).isEqualTo("limits.pids"));
        assertThatThrownBy(() -> Limits.builder().pids(-5)).satisfies(e -> assertThat(field(e)).isEqualTo("limits.pids"));
        assertThatThrownBy(() -> Limits.builder().cpus(0)).satisfies(e -> assertThat(field(e)).isEqualTo("limits.cpus"));
        assertThatThrownBy(() -> Limits.builder().cpus(-0.5)).satisfies(e -> assertThat(field(e)).isEqualTo("limits.cpus"));
        assertThatThrownBy(() -> Limits.builder().cpus(Double.NaN)).satisfies(e -> assertThat(field(e)).isEqualTo("limits.cpus"));
        assertThatThrownBy(() -> Limits.builder().cpus(0.001)).satisfies(e -> assertThat(field(e)).isEqualTo("limits.cpus"));
        assertThatThrownBy(() -> Limits.builder().memorySwap(-1)).satisfies(e -> assertThat(field(e)).isEqualTo("limits.memorySwap"));
        assertThatThrownBy(() -> Limits.builder().cgroup(Path.of("relative"))).satisfies(e -> assertThat(field(e)).isEqualTo("limits.cgroup"));
        assertThatThrownBy(() -> Limits.builder().memorySwap(0).build())
                .satisfies(e -> assertThat(field(e)).isEqualTo("limits.memorySwap"));
    }

    @Test
    void anyMemoryBelowOneMibIsRefusedAndAnyAboveKept() {
        qt().forAll(longs().all()).checkAssert(n -> {
            if (n < Limits.MIN_MEMORY) {
                assertThatThrownBy(() -> Limits.builder().memory(n)).isInstanceOf(InvalidSpecException.class);
            } else {
                assertThat(Limits.builder().memory(n).build().memory()).hasValue(n);
            }
        });
    }

    @Test
    void valuesRoundTripAndOnlyCgroupLimitsNeedACgroup() {
        Limits l = Limits.builder().memory(256L << 20).memorySwap(0).pids(100).cpus(1.5)
                .cgroup(Path.of("/sys/fs/cgroup/x/../y")).rlimit(Rlimit.NOFILE, 64).build();
        assertThat(l.memory()).hasValue(256L << 20);
        assertThat(l.memorySwap()).hasValue(0);
        assertThat(l.pids()).hasValue(100);
        assertThat(l.cpus()).hasValue(1.5);
        assertThat(l.cgroup()).contains(Path.of("/sys/fs/cgroup/y"));
        assertThat(l.usesCgroup()).isTrue();
        assertThat(l.toBuilder().build()).isEqualTo(l).hasSameHashCodeAs(l);
        assertThat(l.toString()).contains("memory=256 MiB", "pids=100", "cpus=1.5");
        assertThat(Limits.builder().rlimit(Rlimit.NOFILE, 64).build().usesCgroup()).isFalse();
        assertThat(Limits.none().usesCgroup()).isFalse();
    }

    @Test
    void sizesAreReadAsSystemdAndDockerWriteThem() {
        assertThat(Limits.parseBytes("memory", "256M")).isEqualTo(256L << 20);
        assertThat(Limits.parseBytes("memory", "1.5G")).isEqualTo(3L << 29);
        assertThat(Limits.parseBytes("memory", "64MiB")).isEqualTo(64L << 20);
        assertThat(Limits.parseBytes("memory", "512k")).isEqualTo(512L << 10);
        assertThat(Limits.parseBytes("memory", " 65536 ")).isEqualTo(65536);
        for (String bad : new String[] {"", "lots", "12Q", "-5M", "M", "1e9", "0x10"}) {
            assertThatThrownBy(() -> Limits.parseBytes("memory", bad)).as(bad)
                    .satisfies(e -> assertThat(field(e)).isEqualTo("memory"));
        }
        assertThat(Limits.formatBytes(64L << 20)).isEqualTo("64 MiB");
        assertThat(Limits.formatBytes(3L << 29)).isEqualTo("1.5 GiB");
        assertThat(Limits.formatBytes(1000)).isEqualTo("1000 bytes");
    }

    @Test
    void anOomKillIsDescribedWithTheLimit() {
        Outcome o = new Outcome(Outcome.Kind.OOM_KILLED, 137, 9, null, 0, Duration.ZERO, Duration.ZERO, 0, Map.of(),
                new Outcome.CgroupUsage(64L << 20, 64L << 20, 1, Duration.ZERO, 3));
        assertThat(o.describe()).isEqualTo("killed by the OOM killer (memory limit 64 MiB)");
        assertThat(o.cgroup().oomKilled()).isTrue();
        assertThat(new Outcome(Outcome.Kind.EXITED, 0, 0, null, 0, Duration.ZERO, Duration.ZERO, 0, Map.of()).cgroup())
                .isNull();
    }
}
