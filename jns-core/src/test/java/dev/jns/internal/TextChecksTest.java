package dev.jns.internal;

import dev.jns.IdMap;
import dev.jns.InvalidSpecException;
import dev.jns.sandbox.MountPlan;
import dev.jns.spi.SpawnSpec;
import dev.jns.Namespaces;
import dev.jns.Spawn;

import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.strings;

/** Issue 13, item 11: bad text is an {@link InvalidSpecException} naming the field, before any process exists. */
class TextChecksTest {
    /** RFC 1123 host names within the kernel's 64 bytes: the reference the validator must agree with. */
    private static final Pattern HOSTNAME = Pattern.compile(
            "(?=.{1,64}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

    /** Characters that make host names and netns names interesting: valid ones, separators, and trouble. */
    private static final String ALPHABET = "aZ09-._ /\n\t\r\u0000\u007fé\u2028:@*";

    private static Gen<String> textOf(String alphabet, int maxLength) {
        return lists().of(integers().between(0, alphabet.length() - 1)).ofSizeBetween(0, maxLength)
                .map(ix -> {
                    StringBuilder sb = new StringBuilder();
                    ix.forEach(i -> sb.append(alphabet.charAt(i)));
                    return sb.toString();
                });
    }

    private static String field(Throwable e) {
        return ((InvalidSpecException) e).field();
    }

    private static boolean accepts(Runnable r) {
        try {
            r.run();
            return true;
        } catch (InvalidSpecException e) {
            return false;
        }
    }

    @Test
    void hostnamesAreWhatRfc1123AndTheKernelAllow() {
        qt().forAll(textOf(ALPHABET, 70)).checkAssert(name -> {
            boolean ok = accepts(() -> TextChecks.hostname("hostname", name));
            assertThat(ok).as("'%s'", name).isEqualTo(HOSTNAME.matcher(name).matches());
            if (!ok) {
                assertThatThrownBy(() -> Namespaces.spawn().newUts().hostname(name))
                        .satisfies(e -> assertThat(field(e)).isEqualTo("hostname"));
                assertThatThrownBy(() -> Namespaces.spawn().newUts().domainname(name))
                        .satisfies(e -> assertThat(field(e)).isEqualTo("domainname"));
            }
        });
    }

    @Test
    void everyWellFormedHostnameUpToTheLimitIsAccepted() {
        Gen<String> label = textOf("abcXYZ0189-", 63).map(l -> l.isEmpty() ? "a" : l)
                .map(l -> l.startsWith("-") ? "a" + l.substring(1) : l)
                .map(l -> l.endsWith("-") ? l.substring(0, l.length() - 1) + "z" : l);
        qt().forAll(lists().of(label).ofSizeBetween(1, 4)).checkAssert(labels -> {
            String name = String.join(".", labels);
            if (name.length() <= TextChecks.UTS_NAME_MAX) {
                assertThat(TextChecks.hostname("hostname", name)).isEqualTo(name);
            } else {
                assertThatThrownBy(() -> TextChecks.hostname("hostname", name)).hasMessageContaining("1..64");
            }
        });
    }

    @Test
    void namesThatUsedToPassAreRefusedWithTheReason() {
        assertThatThrownBy(() -> Namespaces.spawn().newUts().hostname("box\nevil")).hasMessageContaining("U+000A");
        assertThatThrownBy(() -> Namespaces.spawn().newUts().hostname("a/b")).hasMessageContaining("'/'");
        assertThatThrownBy(() -> Namespaces.spawn().newUts().hostname("my box")).hasMessageContaining("U+0020");
        assertThatThrownBy(() -> Namespaces.spawn().newUts().hostname("-box")).hasMessageContaining("'-'");
        assertThatThrownBy(() -> Namespaces.spawn().newUts().hostname("a..b")).hasMessageContaining("empty label");
        assertThatThrownBy(() -> Namespaces.spawn().newUts().hostname("x".repeat(65))).hasMessageContaining("65 bytes");
        assertThat(Namespaces.spawn().newUts().hostname("build-7.example.org")).isNotNull();
    }

    /** A string with one lone surrogate put in at a position. */
    private static String withLoneSurrogate(String s, int at, boolean high) {
        int i = Math.min(at, s.length());
        // never right after a high surrogate or before a low one, so it stays unpaired
        String lone = high ? "\uD800" : "\uDC00";
        String before = s.substring(0, i);
        String after = s.substring(i);
        if (high && !after.isEmpty() && Character.isLowSurrogate(after.charAt(0))) {
            after = "x" + after;
        }
        if (!high && !before.isEmpty() && Character.isHighSurrogate(before.charAt(before.length() - 1))) {
            before = before + "x";
        }
        return before + lone + after;
    }

    @Test
    void unpairedSurrogatesAreRefusedEverywhereNamingTheField() {
        Gen<String> plain = strings().basicLatinAlphabet().ofLengthBetween(0, 12);
        qt().forAll(plain, integers().between(0, 12), integers().between(0, 1)).checkAssert((s, at, high) -> {
            String bad = withLoneSurrogate(s, at, high == 1);
            assertThat(TextChecks.unpairedSurrogate(bad)).isGreaterThanOrEqualTo(0);
            assertThatThrownBy(() -> SpawnSpec.of(Namespaces.spawn(), "echo", bad))
                    .satisfies(e -> assertThat(field(e)).isEqualTo("command[1]")).hasMessageContaining("surrogate");
            assertThatThrownBy(() -> SpawnSpec.of(Namespaces.spawn().clearEnv().env("K", bad), "true"))
                    .satisfies(e -> assertThat(field(e)).isEqualTo("env K"));
            assertThatThrownBy(() -> Namespaces.spawn().clearEnv().env("K" + bad, "v"))
                    .satisfies(e -> assertThat(field(e)).isEqualTo("env key"));
            // paths: the JDK's own Path refuses them on a UTF-8 system; text that reaches jns as a String is checked
            assertThatThrownBy(() -> Namespaces.spawn().directory(Path.of("/w" + bad)))
                    .isInstanceOfAny(InvalidSpecException.class, java.nio.file.InvalidPathException.class);
            assertThatThrownBy(() -> SpawnSpec.of(Namespaces.spawn().mounts(new MountPlan().symlink("t" + bad, Path.of("/l"))), "true"))
                    .satisfies(e -> assertThat(field(e)).endsWith(".target"));
            assertThatThrownBy(() -> Namespaces.spawn().newUts().hostname("a" + bad))
                    .satisfies(e -> assertThat(field(e)).isEqualTo("hostname"));
            assertThatThrownBy(() -> new MountPlan().file(Path.of("/f"), bad))
                    .satisfies(e -> assertThat(field(e)).isEqualTo("file content"));
            assertThatThrownBy(() -> TextChecks.netnsName("name", "n" + bad))
                    .satisfies(e -> assertThat(field(e)).isEqualTo("name"));
        });
    }

    @Test
    void pairedSurrogatesAreText() {
        qt().forAll(strings().allPossible().ofLengthBetween(0, 20)).checkAssert(s -> {
            boolean valid = TextChecks.unpairedSurrogate(s) < 0 && s.indexOf('\0') < 0;
            assertThat(accepts(() -> TextChecks.text("f", s))).isEqualTo(valid);
            if (valid) {
                // what is accepted survives the trip to UTF-8 unchanged: nothing becomes '?'
                assertThat(new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(s);
            }
        });
        assertThat(TextChecks.text("f", "build \uD83D\uDE80")).isNotNull();
    }

    @Test
    void netnsNamesFollowIpNetnsRulesAndRefuseControlCharacters() {
        qt().forAll(textOf(ALPHABET, 20)).checkAssert(name -> {
            boolean expected = !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0
                    && name.chars().noneMatch(Character::isISOControl);
            assertThat(accepts(() -> TextChecks.netnsName("name", name))).as("'%s'", name).isEqualTo(expected);
        });
        assertThatThrownBy(() -> TextChecks.netnsName("name", "x".repeat(256))).hasMessageContaining("256 bytes");
        assertThatThrownBy(() -> TextChecks.netnsName("name", "é".repeat(128))).hasMessageContaining("256 bytes");
        assertThatThrownBy(() -> TextChecks.netnsName("name", "blue\nred")).hasMessageContaining("U+000A");
    }

    @Test
    void argumentsAndEnvironmentAreCountedAsTheLauncherCountsThem() {
        // n arguments of one byte: n + 8n bytes in the spec. The old check counted n only.
        qt().withExamples(20).forAll(integers().between(1, 130_000)).checkAssert(n -> {
            String[] cmd = new String[n];
            java.util.Arrays.fill(cmd, "x");
            long counted = (long) n * (1 + Spawn.RECORD_HEADER_BYTES);
            boolean ok = accepts(() -> SpawnSpec.of(Namespaces.spawn().clearEnv(), cmd));
            assertThat(ok).as("%d arguments", n).isEqualTo(counted <= Spawn.MAX_TOTAL_BYTES);
        });
        String[] many = new String[110_000];
        java.util.Arrays.fill(many, "x");
        assertThatThrownBy(() -> SpawnSpec.of(Namespaces.spawn().clearEnv(), many))
                .satisfies(e -> assertThat(field(e)).isEqualTo("command")).hasMessageContaining("record header");
    }

    @Test
    void argv0CountsTowardsTheSameLimit() {
        // as many one-byte arguments as fit: less than one more record is left, so an ARGV0 record does not fit
        String[] cmd = new String[Spawn.MAX_TOTAL_BYTES / (1 + Spawn.RECORD_HEADER_BYTES)];
        java.util.Arrays.fill(cmd, "x");
        assertThat(accepts(() -> SpawnSpec.of(Namespaces.spawn().clearEnv(), cmd))).isTrue();
        assertThatThrownBy(() -> SpawnSpec.of(Namespaces.spawn().clearEnv().argv0("x"), cmd))
                .satisfies(e -> assertThat(field(e)).isEqualTo("command")).hasMessageContaining("record header");
    }

    @Test
    void aMountPlanCountsTowardsTheSameLimit() {
        // contents up to INLINE_FILE_BYTES travel in the spec: enough of them overflow it
        MountPlan plan = new MountPlan();
        for (int i = 0; i < Spawn.MAX_TOTAL_BYTES / MountPlan.INLINE_FILE_BYTES + 1; i++) {
            plan.file(Path.of("/f" + i), new byte[MountPlan.INLINE_FILE_BYTES], 0644);
        }
        Spawn s = Namespaces.spawn().clearEnv().mounts(plan);
        assertThatThrownBy(() -> SpawnSpec.of(s, "true")).satisfies(e -> assertThat(field(e)).isEqualTo("mounts"));
        // larger ones go in a memfd: only their reference counts
        MountPlan big = new MountPlan();
        for (int i = 0; i < 4; i++) {
            big.file(Path.of("/big" + i), new byte[1 << 20], 0644);
        }
        assertThat(accepts(() -> SpawnSpec.of(Namespaces.spawn().clearEnv().mounts(big), "true"))).isTrue();
    }

    @Test
    void idMapsOverOnePageOfTextAreRefused() {
        qt().forAll(integers().between(1, IdMap.MAX_LINES)).checkAssert(lines -> {
            List<IdMap> map = new ArrayList<>();
            for (int i = 0; i < lines; i++) {
                map.add(IdMap.of(4_000_000_000L + i, 4_000_000_000L + i, 1)); // 24 bytes a line
            }
            int bytes = IdMap.format(map).length();
            boolean ok = accepts(() -> IdMap.validate("uidMap", map));
            assertThat(ok).as("%d lines, %d bytes", lines, bytes).isEqualTo(bytes <= IdMap.MAX_TEXT_BYTES);
            if (!ok) {
                assertThatThrownBy(() -> SpawnSpec.of(Namespaces.spawn().uidMap(map.toArray(IdMap[]::new)), "true"))
                        .satisfies(e -> assertThat(field(e)).isEqualTo("uidMap")).hasMessageContaining("one page");
            }
        });
        assertThatCode(() -> IdMap.validate("uidMap", List.of(IdMap.of(0, 100000, 65536)))).doesNotThrowAnyException();
    }
}
