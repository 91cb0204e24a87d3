package dev.jns.sandbox;

import dev.jns.InvalidSpecException;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.strings;

/** The check of a seccomp rule's system call name: the same answer as the regular expression it replaced. */
class SeccompFilterNameTest {
    private static final Pattern NAME = Pattern.compile("[a-z0-9_]{1,63}");

    @Test
    void agreesWithTheRegularExpressionOnAnyAsciiText() {
        qt().forAll(strings().ascii().ofLengthBetween(0, 70))
                .checkAssert(s -> assertThat(SeccompFilter.isSyscallName(s)).as(s).isEqualTo(NAME.matcher(s).matches()));
    }

    @Test
    void agreesOnTextOfTheNameAlphabetAndItsNeighbours() {
        // mostly the alphabet, with the characters next to its ranges ('`', '{', '/', ':', '^') and non-ASCII
        String alphabet = "abcxyz0189_`{/:^AZ\u00e9\u0131";
        qt().forAll(integers().between(0, 70), integers().all())
                .checkAssert((n, seed) -> {
                    StringBuilder b = new StringBuilder();
                    java.util.Random r = new java.util.Random(seed);
                    for (int i = 0; i < n; i++) {
                        b.append(r.nextInt(8) == 0 ? alphabet.charAt(9 + r.nextInt(alphabet.length() - 9))
                                : alphabet.charAt(r.nextInt(9)));
                    }
                    String s = b.toString();
                    assertThat(SeccompFilter.isSyscallName(s)).as(s).isEqualTo(NAME.matcher(s).matches());
                });
    }

    @Test
    void aRuleWithABadNameNamesTheField() {
        for (String bad : new String[] {null, "", "Ptrace", "ptrace(", "a".repeat(64)}) {
            assertThatThrownBy(() -> new SeccompFilter.Rule(bad, SeccompFilter.Action.KILL, 0, List.of()))
                    .isInstanceOf(InvalidSpecException.class)
                    .satisfies(e -> assertThat(((InvalidSpecException) e).field()).isEqualTo("security.seccomp"));
        }
        assertThat(new SeccompFilter.Rule("a".repeat(63), SeccompFilter.Action.KILL, 0, List.of()).syscall())
                .hasSize(63);
    }
}
