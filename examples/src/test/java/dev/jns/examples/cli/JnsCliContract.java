package dev.jns.examples.cli;

import dev.jns.doctor.DoctorProbe;
import dev.jns.doctor.DoctorReport;
import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsProcess;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The jns CLI in this JVM, as whoever runs the tests (root, or a non-root user). */
abstract class JnsCliContract {
    /** The options that make a user namespace with root inside, for runs that need privileges inside. */
    abstract String[] asRootInside();

    private String[] args(String sub, String... rest) {
        String[] pre = asRootInside();
        String[] a = new String[1 + pre.length + rest.length];
        a[0] = sub;
        System.arraycopy(pre, 0, a, 1, pre.length);
        System.arraycopy(rest, 0, a, 1 + pre.length, rest.length);
        return a;
    }

    @Test
    void helpAndVersionExitZero() {
        Cli.Result help = Cli.jns("--help");
        assertThat(help.code()).isZero();
        assertThat(help.out()).contains("unshare", "nsenter", "lsns", "netns", "doctor");
        assertThat(Cli.jns("unshare", "--help").out()).contains("--map-root-user", "--mount-proc", "--explain");
        assertThat(Cli.jns("--version").out()).startsWith("jns ");
    }

    @Test
    void versionIsThePomsVersion() throws Exception {
        // the parent's version, which examples/pom.xml inherits: the first <version> of the file (the <parent>'s)
        String pom = Files.readString(Path.of(System.getProperty("user.dir"), "pom.xml"));
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("<version>([^<]+)</version>").matcher(pom);
        assertThat(m.find()).isTrue();
        assertThat(Cli.jns("--version").out().strip()).isEqualTo("jns " + m.group(1));
        assertThat(Cli.jns("lsns", "--version").out().strip()).isEqualTo("jns " + m.group(1));
    }

    @Test
    void unshareSetsTheHostnameInsideOnly() {
        Cli.Result r = Cli.jns(args("unshare", "--uts", "--hostname", "jns-cli", "uname", "-n"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out().strip()).isEqualTo("jns-cli");
    }

    @Test
    void infoAndStatusFdsGetThePidTheNamespacesAndTheExitCode() throws Exception {
        Path info = Files.createTempFile("jns-info", ".json");
        Path status = Files.createTempFile("jns-status", ".json");
        try (java.io.FileOutputStream i = new java.io.FileOutputStream(info.toFile());
             java.io.FileOutputStream st = new java.io.FileOutputStream(status.toFile())) {
            Cli.Result r = Cli.jns(args("unshare", "--uts", "--info-fd", Integer.toString(fdOf(info)),
                    "--json-status-fd", Integer.toString(fdOf(status)), "sh", "-c", "readlink /proc/self/ns/uts; exit 3"));
            assertThat(r.code()).as(r.err()).isEqualTo(3);
            long uts = Long.parseLong(r.out().strip().replaceAll("\\D", ""));
            String first = Files.readString(info);
            assertThat(first).matches("\\{\"child-pid\":[1-9][0-9]*,.*\"uts-namespace\":" + uts + "[,}].*\n");
            try (dev.jns.NsHandle mine = Namespaces.current(NamespaceType.UTS)) {
                assertThat(uts).isNotEqualTo(mine.inode());
            }
            assertThat(Files.readAllLines(status)).containsExactly(first.strip(), "{\"exit-code\":3}");
        } finally {
            Files.deleteIfExists(info);
            Files.deleteIfExists(status);
        }
        Cli.Result closed = Cli.jns("unshare", "--user", "--info-fd", "999", "true");
        assertThat(closed.code()).isEqualTo(1);
        assertThat(closed.err()).contains("--info-fd 999: not an open file descriptor");
    }

    /** The number of this JVM's fd open on {@code file}. */
    private static int fdOf(Path file) throws java.io.IOException {
        try (java.util.stream.Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.filter(f -> {
                try {
                    return Files.readSymbolicLink(f).equals(file.toRealPath());
                } catch (java.io.IOException gone) {
                    return false;
                }
            }).mapToInt(f -> Integer.parseInt(f.getFileName().toString())).findFirst().orElseThrow();
        }
    }

    @Test
    void theProgramsExitStatusIsJnssExitStatus() {
        assertThat(Cli.jns("unshare", "--user", "sh", "-c", "exit 7").code()).isEqualTo(7);
        assertThat(Cli.jns("unshare", "--user", "sh", "-c", "kill -TERM $$").code()).isEqualTo(128 + 15);
        assertThat(Cli.jns(args("unshare", "--pid", "--fork", "sh", "-c", "exit 9")).code()).isEqualTo(9);
    }

    @Test
    void programsThatCannotRunExitAsUtilLinux() {
        Cli.Result missing = Cli.jns("unshare", "--user", "no-such-program-jns");
        assertThat(missing.code()).isEqualTo(127);
        assertThat(missing.err().strip()).startsWith("jns unshare: ").contains("ENOENT").doesNotContain("\n");
        Cli.Result notExecutable = Cli.jns("unshare", "--user", "/etc/passwd");
        assertThat(notExecutable.code()).isEqualTo(126);
    }

    @Test
    void badOptionsAreOneLineAndExitOne() {
        Cli.Result r = Cli.jns("unshare", "--no-such-option");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).startsWith("jns unshare: Unknown option: '--no-such-option'")
                .contains("Try 'jns unshare --help' for more information.");
        Cli.Result prop = Cli.jns("unshare", "--mount", "--propagation", "sideways", "true");
        assertThat(prop.code()).isEqualTo(1);
        assertThat(prop.err().strip()).isEqualTo("jns unshare: --propagation: unsupported value 'sideways'");
    }

    /**
     * jns run in this JVM gives back the JVM's handling of SIGINT and SIGTERM when the program has ended (it ignores
     * or forwards them meanwhile): /proc/self/status's ignored and caught signals are what they were, with and
     * without --forward-signals. (A first version ignored them with SIG_IGN, which the JVM then kept for good,
     * and which every process it started afterwards inherited.)
     */
    @Test
    void theJvmsSignalHandlingComesBackAfterTheProgram() throws java.io.IOException {
        String before = signalMasks();
        assertThat(Cli.jns("unshare", "--user", "true").code()).isZero();
        assertThat(signalMasks()).isEqualTo(before);
        assertThat(Cli.jns("unshare", "--user", "--forward-signals", "true").code()).isZero();
        assertThat(signalMasks()).isEqualTo(before);
        // and not ignored by an earlier test of this JVM either (nothing that starts Maven ignores SIGTERM)
        long ignored = Long.parseUnsignedLong(before.substring(before.indexOf(':') + 1, before.indexOf('\n')).trim(), 16);
        assertThat(ignored & (1L << (15 - 1))).as("SIGTERM ignored in this JVM: " + before).isZero();
    }

    /** The SigIgn and SigCgt lines of this process. */
    private static String signalMasks() throws java.io.IOException {
        return java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("SigIgn:") || l.startsWith("SigCgt:")).collect(java.util.stream.Collectors.joining("\n"));
    }

    /** util-linux's --clear-env and --whitelist-env (its tests/ts/unshare/env). */
    @Test
    void clearEnvAndWhitelistEnv() {
        String home = System.getenv("HOME");
        org.junit.jupiter.api.Assumptions.assumeTrue(home != null && !home.isEmpty(), "needs HOME in the environment");
        // a variable of this JVM's environment that no shell sets by itself
        String other = System.getenv().keySet().stream().filter(k -> k.matches("[A-Z][A-Z0-9_]*"))
                .filter(k -> !java.util.Set.of("HOME", "PATH", "PWD", "OLDPWD", "SHLVL", "IFS", "PPID", "OPTIND",
                        "PS1", "PS2", "PS4").contains(k)).findFirst().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(other != null, "needs one more variable in the environment");
        String show = "echo \"${HOME:-CLEARED} ${" + other + ":-CLEARED}\"";
        Cli.Result all = Cli.jns("unshare", "--user", "sh", "-c", show);
        assertThat(all.out()).as(all.err()).isEqualTo(home + " " + System.getenv(other) + "\n");
        Cli.Result cleared = Cli.jns("unshare", "--user", "--clear-env", "sh", "-c", show);
        assertThat(cleared.out()).as(cleared.err()).isEqualTo("CLEARED CLEARED\n");
        Cli.Result kept = Cli.jns("unshare", "--user", "--whitelist-env", "HOME,NO_SUCH_VARIABLE_JNS", "sh", "-c", show);
        assertThat(kept.out()).as(kept.err()).isEqualTo(home + " CLEARED\n");
        Cli.Result explain = Cli.jns("unshare", "--explain", "--user", "--forward-signals", "--whitelist-env", "HOME", "true");
        assertThat(explain.out()).contains("--forward-signals --whitelist-env=HOME -- true")
                .contains("--clearenv --setenv HOME " + home);
    }

    @Test
    void killChildIsWhatJnsAlwaysDoesWithSigkillOnly() {
        for (String kill : new String[] {"--kill-child", "--kill-child=KILL", "--kill-child=sigkill", "--kill-child=9"}) {
            Cli.Result r = Cli.jns("unshare", "--user", kill, "sh", "-c", "exit 3");
            assertThat(r.code()).as(kill + ": " + r.err()).isEqualTo(3);
        }
        // not attached: "true" is the program, not the signal
        assertThat(Cli.jns("unshare", "--user", "--kill-child", "true").code()).isZero();
        Cli.Result term = Cli.jns("unshare", "--user", "--kill-child=TERM", "true");
        assertThat(term.code()).isEqualTo(1);
        assertThat(term.err().strip()).isEqualTo("jns unshare: --kill-child=TERM: when jns ends, its sandbox always "
                + "ends with SIGKILL, which is the only signal jns takes here");
        Cli.Result explain = Cli.jns("unshare", "--explain", "-r", "-p", "--kill-child", "true");
        assertThat(explain.out()).contains("unshare --user --pid --fork --map-root-user --kill-child -- true")
                .contains("--unshare-pid --die-with-parent -- true");
    }

    @Test
    void anOptionalFileIsTakenOnlyWhenAttached() {
        // "--net ip" must run ip, not persist to a file named "ip"
        Cli.Result r = Cli.jns(args("unshare", "--net", "ip", "-o", "link"));
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("lo:").doesNotContain("eth0");
    }

    @Test
    void explainPrintsTheUtilLinuxAndBwrapCommands() {
        Cli.Result r = Cli.jns("unshare", "--explain", "--user", "--map-root-user", "--pid", "--fork", "--mount-proc", "ps", "-e");
        assertThat(r.code()).isZero();
        assertThat(r.out().lines().filter(l -> !l.startsWith("#")).toList()).containsExactly(
                "unshare --user --pid --fork --mount --map-root-user --mount-proc -- ps -e",
                "bwrap --dev-bind / / --unshare-user --uid 0 --gid 0 --unshare-pid --proc /proc -- ps -e");
        Cli.Result time = Cli.jns("unshare", "--explain", "-r", "--time", "--boottime", "86400", "cat", "/proc/uptime");
        assertThat(time.out()).contains("unshare --user --time --map-root-user --boottime=86400 -- cat /proc/uptime")
                .contains("# no bwrap equivalent: bwrap has no time namespace");
        Cli.Result host = Cli.jns("unshare", "--explain", "-r", "-u", "--hostname", "it's", "uname", "-n");
        assertThat(host.out()).contains("unshare --user --uts --map-root-user -- sh -c 'hostname '\\''it'\\''\\'\\'''\\''s'\\'' && exec \"$@\"' sh uname -n");
        Cli.Result nsenter = Cli.jns("nsenter", "--explain", "-t", "1", "--net", "--uts", "ip", "link");
        assertThat(nsenter.out()).startsWith("nsenter --target 1 --net --uts --preserve-credentials -- ip link");
    }

    @Test
    void nsenterJoinsTheNamespacesOfAProcess() throws Exception {
        try (NsProcess p = Namespaces.spawn().newUts().hostname("entered").newNet().start("sh", "-c", "read x")) {
            Cli.Result r = Cli.jns("nsenter", "--target", Long.toString(p.pid()), "--all", "sh", "-c", "uname -n; ls /sys/class/net | wc -l");
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(r.out()).startsWith("entered\n");
            Cli.Result net = Cli.jns("nsenter", "-t", Long.toString(p.pid()), "--all", "ip", "-o", "link");
            assertThat(net.out()).contains("lo:").doesNotContain("eth0");
            p.getOutputStream().close();
            p.waitFor();
        }
        // a process whose namespaces are all ours: nothing to enter, the program runs here (util-linux does so)
        Cli.Result same = Cli.jns("nsenter", "-t", Long.toString(ProcessHandle.current().pid()), "--all", "sh", "-c", "echo here");
        assertThat(same).isEqualTo(new Cli.Result(0, "here\n", ""));
    }

    @Test
    void nsenterErrorsAreOneLine() {
        Cli.Result none = Cli.jns("nsenter", "true");
        assertThat(none.code()).isEqualTo(1);
        assertThat(none.err().strip()).startsWith("jns nsenter: no namespace specified");
        Cli.Result gone = Cli.jns("nsenter", "-t", "999999999", "--uts", "true");
        assertThat(gone.code()).isEqualTo(1);
        assertThat(gone.err().strip()).startsWith("jns nsenter: ").contains("ESRCH").doesNotContain("\n");
        Cli.Result file = Cli.jns("nsenter", "--uts=/no/such/file", "true");
        assertThat(file.code()).isEqualTo(1);
        assertThat(file.err()).contains("ENOENT");
    }

    @Test
    void errorsNameCommandsNotJavaCalls() {
        Cli.Result r = Cli.jns("netns", "delete", "jns-no-such-netns");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip()).startsWith("jns netns delete: ").contains("see `jns netns list`")
                .doesNotContain("NetNs.list()");
    }

    @Test
    void aSpawnWithoutNewNamespacesReadsNaturally() {
        // no type option: nothing new to list, and no "spawn [] of" in the message
        Cli.Result r = Cli.jns("unshare", "no-such-program-jns");
        assertThat(r.code()).isEqualTo(127);
        assertThat(r.err().strip()).startsWith("jns unshare: spawn ").contains(" running 'no-such-program-jns': exec ")
                .doesNotContain("[]");
    }

    @Test
    void everyNamespaceOptionShowsItsOptionalFile() {
        for (String sub : new String[] {"nsenter", "unshare"}) {
            String help = Cli.jns(sub, "--help").out();
            // as util-linux: the short and the long form on one line, the long one with its optional file
            for (String type : new String[] {"m, --mount", "u, --uts", "i, --ipc", "n, --net", "p, --pid", "U, --user",
                    "C, --cgroup", "T, --time"}) {
                assertThat(help).as("jns %s --help", sub).contains("  -" + type + "[=FILE] ");
            }
        }
    }

    @Test
    void lsnsListsANewNamespaceWithItsProcess() throws Exception {
        try (NsProcess p = Namespaces.spawn().newUts().start("sleep", "30");
             var uts = p.namespace(NamespaceType.UTS)) {
            Cli.Result table = Cli.jns("lsns", "-t", "uts");
            assertThat(table.out().lines().findFirst().orElse("")).matches("\\s*NS TYPE\\s+NPROCS\\s+PID USER\\s+COMMAND");
            assertThat(table.out()).containsPattern(uts.inode() + " uts\\s+1\\s+" + p.pid() + " \\S+\\s+sleep 30");
            Cli.Result one = Cli.jns("lsns", "-J", Long.toString(uts.inode()));
            assertThat(one.out()).contains("\"ns\": " + uts.inode(), "\"pid\": " + p.pid(), "\"command\": \"sleep 30\"");
            Cli.Result tree = Cli.jns("lsns", "--tree");
            assertThat(tree.code()).isZero();
            // the NS column is as wide as its deepest row: other users' nested namespaces widen it
            assertThat(tree.out()).containsPattern("[\u251c\u2514]\u2500" + uts.inode() + " +uts");
            // a console that cannot show box-drawing lines (no LANG): util-linux's ASCII, as lsns -T under LANG=C
            Cli.Result ascii = Cli.jns(java.nio.charset.StandardCharsets.US_ASCII, "lsns", "--tree");
            assertThat(ascii.out()).containsPattern("[|`]-" + uts.inode() + " +uts");
            assertThat(ascii.out().chars()).allMatch(c -> c < 0x80);
            assertThat(Cli.jns("lsns", "-p", Long.toString(p.pid()), "-n").out()).contains(uts.inode() + " uts");
        }
        assertThat(Cli.jns("lsns", "1").code()).as("no namespace has inode 1").isEqualTo(1);
    }

    @Test
    void doctorsVerdictsMatchARealAttempt() {
        Cli.Result json = Cli.jns("doctor", "--json");
        assertThat(json.out()).startsWith("{").contains("\"probes\"");
        DoctorReport report = Namespaces.doctor();
        for (NamespaceType t : NamespaceType.values()) {
            DoctorProbe probe = report.probe(t, false).orElseThrow();
            String option = NamespaceOptions.longOption(t, java.util.Optional.empty());
            Cli.Result attempt = Cli.jns("unshare", option, "true");
            assertThat(attempt.code() == 0).as("doctor says %s %s; jns unshare %s true exited %d: %s", t,
                    probe.works() ? "works" : "does not", option, attempt.code(), attempt.err()).isEqualTo(probe.works());
        }
        Cli.Result text = Cli.jns("doctor");
        assertThat(text.out()).startsWith("jns doctor");
    }

    @Test
    void persistsANamespaceToAFileWhenRoot() throws Exception {
        Path f = Files.createTempFile("jns-cli-uts", "");
        try {
            Cli.Result r = Cli.jns("unshare", "--uts=" + f, "--hostname", "kept-by-file", "true");
            if (!Cli.root()) {
                assertThat(r.code()).isEqualTo(1);
                assertThat(r.err()).contains("EPERM");
                return;
            }
            assertThat(r.code()).as(r.err()).isZero();
            assertThat(Cli.jns("nsenter", "--uts=" + f, "uname", "-n").out().strip()).isEqualTo("kept-by-file");
        } finally {
            if (Cli.root()) {
                try {
                    Namespaces.unpersist(f);
                } catch (dev.jns.NamespaceException ignored) {
                    // not mounted: the run failed before persisting
                }
            }
            Files.deleteIfExists(f);
        }
    }
}
