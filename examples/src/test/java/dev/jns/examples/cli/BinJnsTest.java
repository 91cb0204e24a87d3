package dev.jns.examples.cli;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

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

    /**
     * bin/jns on a built tree (no JNS_CLASSPATH): the first run makes the AppCDS archive, the next ones map it,
     * a build (the classpath file touched) makes the next run make a new one; and the JVM says nothing of it.
     * The tree is a copy: the script, and the classes and their dependencies as jars, as a build leaves them.
     */
    @Test
    void theFirstRunMakesAnArchiveTheNextOnesUse(@org.junit.jupiter.api.io.TempDir Path root) throws IOException {
        Path target = Files.createDirectories(root.resolve("examples/target"));
        Files.createDirectories(root.resolve("bin"));
        Files.copy(Cli.script(), root.resolve("bin/jns"));
        Files.createDirectories(target.resolve("classes/dev/jns/examples/cli")); // bin/jns's sign of a build
        List<String> deps = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Path.of(entry);
            if (p.endsWith("test-classes")) {
                continue;
            }
            if (p.equals(Path.of(JnsCli.class.getProtectionDomain().getCodeSource().getLocation().getPath()))
                    && Files.isDirectory(p)) {
                jar(p, target.resolve("jns-examples-test.jar")); // what the package phase makes of the classes
            } else if (Files.isDirectory(p)) {
                Path j = target.resolve("dep-" + n++ + ".jar"); // a module of the reactor, not packaged yet
                jar(p, j);
                deps.add(j.toString());
            } else if (Files.isRegularFile(p)) {
                deps.add(entry);
            }
        }
        Path cpFile = Files.writeString(target.resolve("classpath.txt"), String.join(":", deps));
        Map<String, String> env = Map.of("JNS_CLASSPATH", "");

        Cli.Result first = binJnsIn(root, env, "unshare", "-r", "sh", "-c", "echo made; exit 3");
        assertThat(first).isEqualTo(new Cli.Result(3, "made\n", ""));
        Path archive = archive(target);
        FileTime made = Files.getLastModifiedTime(archive);

        Path log = root.resolve("class-load.log");
        Cli.Result used = binJnsIn(root, Map.of("JNS_CLASSPATH", "", "JDK_JAVA_OPTIONS",
                "-Xlog:class+load=info:file=" + log), "unshare", "-r", "true");
        assertThat(used.code()).as(used.err()).isZero();
        // the CLI's own classes come from the archive (a static one: "shared objects file", not "(top)")
        String loads = Files.readString(log);
        assertThat(loads).contains("dev.jns.examples.cli.JnsCli source: shared objects file",
                "dev.jns.examples.cli.FastPath source: shared objects file");
        // the archive holds picocli's side too, though the run that made it needed no model: help builds them all
        Path helpLog = root.resolve("class-load-help.log");
        Cli.Result help = binJnsIn(root, Map.of("JNS_CLASSPATH", "", "JDK_JAVA_OPTIONS",
                "-Xlog:class+load=info:file=" + helpLog), "unshare", "--help");
        assertThat(help.code()).as(help.err()).isZero();
        String helpLoads = Files.readString(helpLog);
        assertThat(helpLoads).contains("dev.jns.examples.cli.UnshareCommand source: shared objects file");
        if (Runtime.version().feature() == 17) {
            // why the archive is a static one: JDK 17 takes picocli's Java 5 classes into it, not into a dynamic one
            assertThat(helpLoads).contains("picocli.CommandLine$Model$CommandSpec source: shared objects file");
        }
        assertThat(binJnsIn(root, env, "unshare", "-r", "sh", "-c", "echo again")).isEqualTo(new Cli.Result(0, "again\n", ""));
        assertThat(Files.getLastModifiedTime(archive)).isEqualTo(made);

        // a build touches the classpath file: the archive is stale, the next run makes a new one
        Files.setLastModifiedTime(cpFile, FileTime.fromMillis(made.toMillis() + 2000));
        assertThat(binJnsIn(root, env, "unshare", "-r", "sh", "-c", "echo remade")).isEqualTo(new Cli.Result(0, "remade\n", ""));
        assertThat(Files.getLastModifiedTime(archive(target))).isNotEqualTo(made);
    }

    /**
     * bin/jns rebuilds when a file of a module's src/main (a source, a resource) or a pom is newer than the last
     * build (the classpath file), and not for a test source or an editor's swap or backup file. The build here is a
     * stand-in MVN that leaves a mark and fails; java is {@code true}.
     */
    @Test
    void aChangedMainSourceOrPomRebuildsATestSourceDoesNot(@org.junit.jupiter.api.io.TempDir Path root)
            throws IOException {
        Files.createDirectories(root.resolve("bin"));
        Files.copy(Cli.script(), root.resolve("bin/jns"));
        Files.createDirectories(root.resolve("examples/target/classes/dev/jns/examples/cli"));
        Path cpFile = Files.writeString(root.resolve("examples/target/classpath.txt"), "/nonexistent.jar");
        Path mark = root.resolve("built");
        Path mvn = Files.writeString(root.resolve("mvn"), "#!/bin/sh\ntouch '" + mark + "'\nexit 1\n");
        mvn.toFile().setExecutable(true);
        Map<String, String> env = Map.of("JNS_CLASSPATH", "", "JAVA", "/bin/true", "MVN", mvn.toString());
        FileTime built = FileTime.fromMillis(System.currentTimeMillis() - 60_000);
        Files.setLastModifiedTime(cpFile, built);

        for (String path : List.of("jns-linux/src/test/java/dev/jns/linux/SomeTest.java", "examples/src/test/c/x.c",
                "jns-core/src/main/java/dev/jns/.X.java.swp", "examples/src/main/java/X.java~")) {
            Files.createDirectories(root.resolve(path).getParent());
            Files.writeString(root.resolve(path), "changed");
            Cli.Result r = binJnsIn(root, env, "unshare", "true");
            assertThat(r.code()).as("after a change of %s: %s", path, r.err()).isZero();
            assertThat(mark).as("a change of %s rebuilds", path).doesNotExist();
        }
        for (String path : List.of("jns-linux/src/main/c/x.c", "jns-core/src/main/java/dev/jns/X.java",
                "examples/src/main/resources/dev/jns/examples/cli/version.properties", "examples/pom.xml", "pom.xml")) {
            Files.createDirectories(root.resolve(path).getParent());
            Files.writeString(root.resolve(path), "changed");
            Cli.Result r = binJnsIn(root, env, "unshare", "true");
            assertThat(r.code()).as("after a change of %s", path).isEqualTo(1);
            assertThat(r.err()).contains("jns: building", "the build failed");
            assertThat(mark).as("a change of %s rebuilds", path).exists();
            Files.delete(mark);
            Files.setLastModifiedTime(root.resolve(path), built); // as old as the build again
        }
    }

    /**
     * SIGTERM to jns while its program runs, as util-linux's {@code unshare --fork} takes it: ignored (jns still runs
     * two seconds later, which a jns that ends on it would not; and then exits with the program's own status), or,
     * with {@code --forward-signals}, sent on to the program, which here exits with the signal's number
     * (util-linux's test_sigreceive). Before either, the program said "ready": jns had started it, and its
     * handlers were in place. (SIGINT goes the same way; a test run in the background has it ignored from the
     * start, which stays.)
     */
    @Test
    void signalsToJnsWhileTheProgramRunsAreIgnoredOrForwarded() throws Exception {
        Path done = Files.createTempFile("jns-signals-", ".done");
        Files.delete(done);
        String program = "trap 'exit 15' TERM; trap 'exit 2' INT; echo ready; "
                + "while [ ! -e \"$0\" ]; do sleep 0.05; done; exit 5";
        try {
            Process ignoring = startBinJns("unshare", "-r", "--pid", "--fork", "sh", "-c", program, done.toString());
            assertThat(readLine(ignoring)).isEqualTo("ready");
            ignoring.destroy(); // SIGTERM
            assertThat(ignoring.waitFor(2, java.util.concurrent.TimeUnit.SECONDS)).as("jns ended on SIGTERM").isFalse();
            Files.writeString(done, "");
            assertThat(ignoring.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(ignoring.exitValue()).as("the program's own status").isEqualTo(5);
            Files.delete(done);

            Process forwarding = startBinJns("unshare", "-r", "--pid", "--fork", "--forward-signals", "sh", "-c",
                    program, done.toString());
            assertThat(readLine(forwarding)).isEqualTo("ready");
            forwarding.destroy(); // SIGTERM, which the program gets and exits with 15
            assertThat(forwarding.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            assertThat(forwarding.exitValue()).isEqualTo(15);
        } finally {
            Files.deleteIfExists(done);
            started.forEach(Process::destroyForcibly); // after a failure: no jns (and so no sandbox) outlives the test
        }
    }

    private final List<Process> started = new ArrayList<>();

    /** {@code bin/jns ARGS} started (this JVM's classpath, java exec'd: its pid is the script's), stderr discarded. */
    private Process startBinJns(String... args) throws IOException {
        Process p = Cli.binJnsBuilder(Map.of(), ELSEWHERE, args).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        started.add(p);
        p.getOutputStream().close();
        return p;
    }

    private static String readLine(Process p) throws IOException {
        return new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
                java.nio.charset.StandardCharsets.UTF_8)).readLine();
    }

    /** The one archive in {@code target}, and no temporary file left. */
    private static Path archive(Path target) throws IOException {
        try (Stream<Path> files = Files.list(target)) {
            List<Path> made = files.filter(f -> f.getFileName().toString().startsWith("jns-cli-")).toList();
            assertThat(made).hasSize(1).allMatch(f -> f.getFileName().toString().endsWith(".jsa"));
            return made.get(0);
        }
    }

    private static Cli.Result binJnsIn(Path root, Map<String, String> env, String... args) {
        List<String> cmd = new ArrayList<>(List.of(root.resolve("bin/jns").toString()));
        cmd.addAll(List.of(args));
        return Cli.process(Cli.environment(new ProcessBuilder(cmd).directory(ELSEWHERE.toFile()), env));
    }

    /** {@code dir}'s files in a jar (a zip) at {@code jar}. */
    private static void jar(Path dir, Path jar) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(out);
             Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                zip.putNextEntry(new ZipEntry(dir.relativize(f).toString().replace(java.io.File.separatorChar, '/')));
                Files.copy(f, zip);
                zip.closeEntry();
            }
        }
    }
}
