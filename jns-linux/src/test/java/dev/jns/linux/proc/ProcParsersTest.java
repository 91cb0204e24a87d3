package dev.jns.linux.proc;

import dev.jns.NamespaceType;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

/** Property tests of the /proc parsers (QuickTheories). */
class ProcParsersTest {
    @Test
    void aStatusFieldIsTheWordAtItsIndexWhateverTheWhitespace() {
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
                    assertThat(ProcFiles.statusField(line.toString(), index)).isEqualTo(words.get(index));
                });
    }

    @Test
    void aMissingStatusFieldIsAnErrorNotAWrongWord() {
        assertThatThrownBy(() -> ProcFiles.statusField("Uid:\t1000\t1000", 3))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no word 3");
    }

    @Test
    void nsLinkRoundTripsEveryTypeAndInode() {
        qt().forAll(integers().between(0, NamespaceType.values().length - 1), longs().between(0, Long.MAX_VALUE))
                .checkAssert((i, ino) -> {
                    NamespaceType t = NamespaceType.values()[i];
                    assertThat(ProcParsers.nsLink(t.procName() + ":[" + ino + "]"))
                            .contains(new ProcParsers.NsId(t, ino));
                });
    }

    @Test
    void nsLinkNeverThrowsAndRejectsOtherLinks() {
        qt().forAll(strings().allPossible().ofLengthBetween(0, 40)).checkAssert(s -> {
            var r = ProcParsers.nsLink(s);
            r.ifPresent(id -> assertThat(s).isEqualTo(id.type().procName() + ":[" + id.inode() + "]"));
        });
        assertThat(ProcParsers.nsLink("socket:[123]")).isEmpty();
        assertThat(ProcParsers.nsLink("pipe:[123]")).isEmpty();
        assertThat(ProcParsers.nsLink("/etc/passwd")).isEmpty();
        assertThat(ProcParsers.nsLink("net:[]")).isEmpty();
    }

    @Test
    void statFindsCommAndPpidWhateverTheCommContains() {
        qt().forAll(strings().allPossible().ofLengthBetween(0, 15).map(s -> s.replace("\n", "")),
                        longs().between(0, 4_194_304))
                .checkAssert((comm, ppid) -> {
                    String text = "42 (" + comm + ") S " + ppid + " 42 42 0 -1 4194560 100 0 0 0\n";
                    assertThat(ProcParsers.stat(text)).contains(new ProcParsers.Stat(comm, ppid));
                });
        assertThat(ProcParsers.stat("garbage")).isEmpty();
        assertThat(ProcParsers.stat("1 (x)")).isEmpty();
    }

    @Test
    void cmdlineJoinsArgumentsWithSpaces() {
        qt().forAll(strings().basicLatinAlphabet().ofLengthBetween(1, 10), strings().basicLatinAlphabet().ofLengthBetween(1, 10))
                .assuming((a, b) -> a.indexOf(0) < 0 && b.indexOf(0) < 0)
                .checkAssert((a, b) -> assertThat(ProcParsers.cmdline((a + "\0" + b + "\0").getBytes(StandardCharsets.UTF_8)))
                        .isEqualTo(a + " " + b));
        assertThat(ProcParsers.cmdline(new byte[0])).isEmpty();
    }

    @Test
    void escapeAndUnescapeAreInverse() {
        qt().forAll(strings().basicLatinAlphabet().ofLengthBetween(0, 30))
                .checkAssert(s -> assertThat(ProcParsers.unescape(ProcParsers.escape(s))).isEqualTo(s));
    }

    @Test
    void nsfsMountsAreFoundAmongOtherLines() {
        qt().forAll(longs().between(1, Long.MAX_VALUE), strings().basicLatinAlphabet().ofLengthBetween(1, 20))
                .checkAssert((ino, name) -> {
                    String mp = "/run/netns/" + name;
                    String text = "22 1 0:21 / /proc rw,nosuid - proc proc rw\n"
                            + "588 25 0:4 net:[" + ino + "] " + ProcParsers.escape(mp) + " rw shared:5 - nsfs nsfs rw\n"
                            + "30 22 0:25 / /sys rw - sysfs sysfs rw\n";
                    assertThat(ProcParsers.nsfsMounts(text)).containsExactly(
                            new ProcParsers.NsfsMount(new ProcParsers.NsId(NamespaceType.NET, ino), mp));
                });
        assertThat(ProcParsers.nsfsMounts("")).isEmpty();
    }

    @Test
    void passwdMapsUidsToTheFirstName() {
        qt().forAll(longs().between(0, 4_000_000_000L), strings().basicLatinAlphabet().ofLengthBetween(1, 12))
                .assuming((uid, name) -> name.indexOf(':') < 0 && name.indexOf('\n') < 0 && !name.startsWith("#")
                        && !name.isBlank())
                .checkAssert((uid, name) -> {
                    String text = name + ":x:" + uid + ":100::/home:/bin/sh\nother:x:" + uid + ":1::/:/bin/false\nbad line\n";
                    assertThat(ProcParsers.passwd(text)).containsEntry(uid, name);
                });
        assertThat(ProcParsers.passwd("root:x:0:0:root:/root:/bin/bash\n")).isEqualTo(java.util.Map.of(0L, "root"));
        assertThat(List.of()).isEmpty();
    }
}
