package dev.jns.linux.spawn;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

/** Who the JVM is, as /proc/self/status says: its parser and the JVM's own answer. */
class PrivilegesTest {
    @Test
    void aFieldIsTheWordAtItsIndexWhateverTheWhitespace() {
        // words of printable ASCII but the space: no whitespace in them, so no assumption to reject examples
        qt().forAll(lists().of(strings().betweenCodePoints('!', '~').ofLengthBetween(1, 12)).ofSizeBetween(1, 6),
                        integers().between(0, 5), integers().between(0, 3))
                .checkAssert((words, at, pad) -> {
                    int index = at % words.size();
                    String[] gaps = {" ", "\t", " \t ", "\t\t"};
                    StringBuilder line = new StringBuilder(pad == 0 ? "" : gaps[pad]);
                    for (int i = 0; i < words.size(); i++) {
                        line.append(i == 0 ? "" : gaps[(i + pad) % gaps.length]).append(words.get(i));
                    }
                    line.append(gaps[pad].repeat(pad % 2));
                    assertThat(Privileges.field(line.toString(), index)).isEqualTo(words.get(index));
                });
    }

    @Test
    void aMissingFieldIsAnErrorNotAWrongWord() {
        assertThatThrownBy(() -> Privileges.field("Uid:\t1000\t1000", 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no word 3");
    }

    @Test
    void theJvmsOwnIdsAreWhatTheKernelShowsAsTheOwnerOfItsProcEntry() throws Exception {
        Privileges me = Privileges.current();
        // /proc/PID belongs to the process's effective uid and gid (it is dumpable)
        assertThat(me.euid()).isEqualTo(((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue());
        assertThat(me.egid()).isEqualTo(((Number) Files.getAttribute(Path.of("/proc/self"), "unix:gid")).longValue());
        List<String> capEff = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("CapEff:")).toList();
        assertThat(Long.toHexString(me.capEff())).isEqualTo(Long.toHexString(Long.parseUnsignedLong(
                capEff.get(0).substring(7).trim(), 16)));
    }
}
