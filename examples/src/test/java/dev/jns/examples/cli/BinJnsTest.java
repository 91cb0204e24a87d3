package dev.jns.examples.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code bin/jns} as a process, from another directory: same behaviour and exit codes as in-process. */
class BinJnsTest {
    private static final Path ELSEWHERE = Path.of("/");

    @Test
    void runsFromAnyDirectory() {
        Cli.Result r = Cli.binJns(ELSEWHERE, "--help");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("Usage: jns");
    }

    @Test
    void unshareAsAProcess() {
        Cli.Result r = Cli.binJns(ELSEWHERE, "unshare", "-r", "-u", "--hostname", "from-bin", "sh", "-c", "uname -n; pwd");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).isEqualTo("from-bin\n/\n");
    }

    @Test
    void exitCodesAsAProcess() {
        assertThat(Cli.binJns(ELSEWHERE, "unshare", "-r", "sh", "-c", "exit 42").code()).isEqualTo(42);
        Cli.Result bad = Cli.binJns(ELSEWHERE, "unshare", "--bogus");
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).startsWith("jns unshare: Unknown option: '--bogus'");
        assertThat(Cli.binJns(ELSEWHERE, "unshare", "-r", "no-such-program-jns").code()).isEqualTo(127);
    }

    @Test
    void lsnsTreeInThePosixLocaleFallsBackToAscii() {
        // a user namespace nested in this one, so the tree has a branch
        try (dev.jns.NsProcess nested = dev.jns.Namespaces.spawn().newUser().mapRootUser().start("sleep", "30")) {
            // a login with no LANG: the console is ASCII; util-linux's lsns -T then draws |- and `-
            java.util.Map<String, String> posix = java.util.Map.of("LANG", "", "LC_ALL", "C", "LC_CTYPE", "");
            Cli.Result r = Cli.binJns(posix, ELSEWHERE, "lsns", "--tree", "-t", "user");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).doesNotContain("?").containsPattern("(?m)^\\s*[|`]-\\d+ user");
            Cli.Result utf8 = Cli.binJns(java.util.Map.of("LC_ALL", "C.UTF-8"), ELSEWHERE, "lsns", "--tree", "-t", "user");
            assertThat(utf8.out()).containsPattern("(?m)^\\s*[\u251c\u2514]\u2500\\d+ user");
        }
    }

    @Test
    void lsnsJsonAsAProcess() {
        Cli.Result r = Cli.binJns(ELSEWHERE, "lsns", "-J", "-t", "user");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(LsnsParityTest.rows(r.out())).isNotEmpty().allSatisfy((k, row) -> assertThat(row.type()).isEqualTo("user"));
    }
}
