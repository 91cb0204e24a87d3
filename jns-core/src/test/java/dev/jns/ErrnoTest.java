package dev.jns;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

class ErrnoTest {
    @Test
    void knownNumbersHaveTheirLinuxNames() {
        assertThat(Errno.name(1)).isEqualTo("EPERM");
        assertThat(Errno.name(2)).isEqualTo("ENOENT");
        assertThat(Errno.name(13)).isEqualTo("EACCES");
        assertThat(Errno.name(22)).isEqualTo("EINVAL");
        assertThat(Errno.name(28)).isEqualTo("ENOSPC");
        assertThat(Errno.name(116)).isEqualTo("ESTALE");
        assertThat(Errno.describe(1)).isEqualTo("Operation not permitted");
    }

    @Test
    void namesRoundTripForEveryNamedNumber() {
        qt().forAll(integers().between(1, 133)).checkAssert(n -> {
            String name = Errno.name(n);
            if (name.startsWith("E")) {
                assertThat(Errno.number(name)).isEqualTo(n);
                assertThat(Errno.describe(n)).isNotBlank();
            } else {
                assertThat(name).isEqualTo("errno " + n);
            }
        });
    }

    @Test
    void anyIntegerGetsAName() {
        qt().forAll(integers().all()).checkAssert(n -> {
            assertThat(Errno.name(n)).isNotBlank();
            assertThat(Errno.describe(n)).isNotBlank();
        });
        assertThat(Errno.number("ENOPE")).isEqualTo(-1);
        assertThat(Errno.number(null)).isEqualTo(-1);
    }

    @Test
    void exceptionMessageNamesWhatStepErrnoAndHint() {
        NamespaceException e = NamespaceException.builder("spawn [pid]").step("mount /proc").errno(1).detail("/proc")
                .hint("add newPid()").build();
        assertThat(e.getMessage()).isEqualTo(
                "spawn [pid]: mount /proc: EPERM (Operation not permitted): /proc -- add newPid()");
        assertThat(e.step()).isEqualTo("mount /proc");
        assertThat(e.errno()).isEqualTo(1);
        assertThat(e.errnoName()).isEqualTo("EPERM");
        assertThat(NamespaceException.builder(null).step("x").build().getMessage()).isEqualTo("x");
    }
}
