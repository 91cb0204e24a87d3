package dev.jns.sandbox;

import dev.jns.InvalidSpecException;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
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
        // '/' to '{': the digits, lower case and '_' with ':', '^', '`', '{' and upper case beside them
        qt().forAll(strings().betweenCodePoints('/', '{').ofLengthBetween(0, 70))
                .checkAssert(s -> assertThat(SeccompFilter.isSyscallName(s)).as(s).isEqualTo(NAME.matcher(s).matches()));
    }

    @Test
    void agreesOnNamesOfEveryLengthAroundTheLimit() {
        // '_' to 'z': valid but for '`', so that most are names, of lengths on both sides of 63
        qt().forAll(strings().betweenCodePoints('_', 'z').ofLengthBetween(0, 70))
                .checkAssert(s -> assertThat(SeccompFilter.isSyscallName(s)).as(s).isEqualTo(NAME.matcher(s).matches()));
    }

    @Test
    void aRuleWithABadNameNamesTheField() {
        for (String bad : new String[] {null, "", "Ptrace", "ptrace(", "pt\u0131race", "caf\u00e9", "a".repeat(64)}) {
            assertThatThrownBy(() -> new SeccompFilter.Rule(bad, SeccompFilter.Action.KILL, 0, List.of()))
                    .isInstanceOf(InvalidSpecException.class)
                    .satisfies(e -> assertThat(((InvalidSpecException) e).field()).isEqualTo("security.seccomp"));
        }
        assertThat(new SeccompFilter.Rule("a".repeat(63), SeccompFilter.Action.KILL, 0, List.of()).syscall())
                .hasSize(63);
    }
}
