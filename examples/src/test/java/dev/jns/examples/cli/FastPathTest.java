package dev.jns.examples.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

import java.lang.reflect.Field;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

/**
 * {@link FastPath} reads the lines it takes exactly as picocli does, knows the options picocli's model has, and
 * leaves everything else to picocli.
 */
class FastPathTest {
    private static final List<String> COMMANDS = List.of("unshare", "nsenter");

    /** A file of arguments (picocli reads {@code @FILE} as one unless told not to): its lines are options. */
    private static final Path ARGS_FILE = argsFile();

    private static Path argsFile() {
        try {
            Path f = java.nio.file.Files.createTempFile("jns-fastpath-args", "");
            f.toFile().deleteOnExit();
            return java.nio.file.Files.writeString(f, "-r\n--pid\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** picocli's model of {@code jns NAME}. */
    private static CommandSpec model(String name) {
        return JnsCli.commandLine(new JnsCli(), name).getSubcommands().get(name).getCommandSpec();
    }

    /** The options FastPath leaves to picocli by design: they print help, versions or explanations. */
    private static boolean printsOnly(OptionSpec o) {
        return o.usageHelp() || o.versionHelp() || o.longestName().equals("--explain");
    }

    @Test
    void itKnowsEveryOptionOfPicocliModelWithTheSameFieldAndKind() {
        for (String name : COMMANDS) {
            Set<String> picocliNames = new HashSet<>();
            for (OptionSpec o : model(name).options()) {
                if (printsOnly(o)) {
                    continue;
                }
                Field f = (Field) o.userObject();
                FastPath.Kind kind = f.getType() == boolean.class ? FastPath.Kind.FLAG
                        : o.preprocessor() instanceof AttachedValue ? FastPath.Kind.ATTACHED : FastPath.Kind.VALUE;
                FastPath.Option first = FastPath.OPTIONS.get(name).get(o.names()[0]);
                for (String optionName : o.names()) {
                    picocliNames.add(optionName);
                    FastPath.Option mine = FastPath.OPTIONS.get(name).get(optionName);
                    assertThat(mine).as("%s %s is in FastPath's table", name, optionName).isNotNull();
                    assertThat(mine).as("all names of %s %s share one entry", name, optionName).isSameAs(first);
                    assertThat(mine.field).as("%s %s's field", name, optionName).isEqualTo(f.getName());
                    assertThat(mine.namespace).as("%s %s is NamespaceOptions'", name, optionName)
                            .isEqualTo(f.getDeclaringClass() == NamespaceOptions.class);
                    assertThat(mine.kind).as("%s %s's kind", name, optionName).isEqualTo(kind);
                    if (kind == FastPath.Kind.VALUE) {
                        assertThat(f.getType()).as("%s %s's type is one FastPath converts", name, optionName)
                                .isIn(String.class, Path.class, Long.class, Integer.class, Double.class);
                    }
                }
            }
            assertThat(FastPath.names(name)).as("FastPath's %s options", name)
                    .containsExactlyInAnyOrderElementsOf(picocliNames);
        }
    }

    @Test
    void itTakesThePlainLinesThatRunAProgram() {
        for (String[] line : List.of(
                new String[] {"unshare", "-r", "true"},
                new String[] {"unshare"},
                new String[] {"unshare", "--user", "--map-root-user", "--pid", "--fork", "--mount-proc", "ps", "-e"},
                new String[] {"unshare", "-rf", "--pid", "--mount-proc", "--", "ps", "-e"},
                new String[] {"unshare", "-r", "-", "x"},
                new String[] {"unshare", "-Urw", "/tmp", "pwd"},
                new String[] {"unshare", "--net=/run/jns-test-net", "--hostname", "box", "--uts", "true"},
                new String[] {"unshare", "--cpus", "1.5", "--memory=256M", "--pids", "64", "true"},
                new String[] {"unshare", "--info-fd", "3", "--json-status-fd=4", "--monotonic", "0", "true"},
                new String[] {"nsenter", "-t", "1", "--net", "--uts", "ip", "link"},
                new String[] {"nsenter", "--target=1", "-a", "--wd", "/", "true"},
                new String[] {"nsenter", "--net=/run/netns/x", "--preserve-credentials", "true"})) {
            assertThat(FastPath.parse(new JnsCli(), line)).as(String.join(" ", line)).isNotNull();
            assertSameAsPicocli(line);
        }
    }

    @Test
    void itLeavesHelpErrorsAndUnusualFormsToPicocli() {
        for (String[] line : List.of(
                new String[] {},
                new String[] {"--help"},
                new String[] {"lsns"},
                new String[] {"unshare", "--help"},
                new String[] {"unshare", "-h"},
                new String[] {"unshare", "-rh"},
                new String[] {"unshare", "--version"},
                new String[] {"unshare", "--explain", "true"},
                new String[] {"unshare", "--bogus", "true"},
                new String[] {"unshare", "-r", "-r", "true"},
                new String[] {"unshare", "-r", "--map-root-user", "true"},
                new String[] {"unshare", "--fork=true", "true"},
                new String[] {"unshare", "--cpus", "many", "true"},
                new String[] {"unshare", "--cpus", "1.", "true"},
                new String[] {"unshare", "--map-user", "007", "true"},
                new String[] {"unshare", "--monotonic", "-5", "true"},
                new String[] {"unshare", "--monotonic=-5", "true"},
                new String[] {"unshare", "--pids", "99999999999999999999", "true"},
                new String[] {"unshare", "-w/tmp", "pwd"},
                new String[] {"unshare", "-wr", "/tmp", "pwd"},
                new String[] {"unshare", "-w"},
                new String[] {"unshare", "--hostname"},
                new String[] {"unshare", "--net=", "true"},
                new String[] {"unshare", "-r", ""},
                new String[] {"nsenter", "-t", "-1", "--net", "true"},
                new String[] {"nsenter", "-at1", "true"})) {
            assertThat(FastPath.parse(new JnsCli(), line)).as(String.join(" ", line)).isNull();
        }
    }

    /** Arguments the property below draws lines from: every option name, values of each form, programs. */
    private static List<String> tokens(String command) {
        List<String> t = new ArrayList<>();
        for (OptionSpec o : model(command).options()) {
            for (String name : o.names()) {
                t.add(name);
                if (name.startsWith("--")) {
                    t.add(name + "=5");
                    t.add(name + "=/x");
                    t.add(name + "=");
                }
            }
        }
        t.addAll(List.of("0", "5", "007", "-5", "1.5", "1.", ".5", "99999999999999999999", "many", "/tmp", "a=b",
                "", "-", "--", "-rf", "-fr", "-rw", "-Urf", "-mnp", "-at", "-ta", "true", "ps", "-e", "--x=y",
                "@" + ARGS_FILE, "@/no/such/file"));
        return t;
    }

    @Test
    void everyLineItTakesPicocliParsesToTheSameFields() {
        for (String command : COMMANDS) {
            List<String> tokens = tokens(command);
            int[] taken = new int[1];
            qt().withExamples(3000).forAll(lists().of(integers().between(0, tokens.size() - 1)).ofSizeBetween(0, 7))
                    .checkAssert(picks -> {
                        String[] line = new String[picks.size() + 1];
                        line[0] = command;
                        for (int i = 0; i < picks.size(); i++) {
                            line[i + 1] = tokens.get(picks.get(i));
                        }
                        if (FastPath.parse(new JnsCli(), line) != null) {
                            taken[0]++;
                            assertSameAsPicocli(line);
                        }
                    });
            // the lines are drawn so that many are plain: a parser that took none would pass the check above
            assertThat(taken[0]).as("lines of %s FastPath took", command).isGreaterThan(300);
        }
    }

    /** FastPath takes {@code line}, picocli parses it without error, and both set every field alike. */
    private static void assertSameAsPicocli(String[] line) {
        Callable<Integer> fast = FastPath.parse(new JnsCli(), line);
        assertThat(fast).as(String.join(" ", line)).isNotNull();
        CommandLine cl = JnsCli.commandLine(new JnsCli(), line);
        assertThatCode(() -> cl.parseArgs(line)).as("picocli parses %s", List.of(line)).doesNotThrowAnyException();
        Object parsed = cl.getSubcommands().get(line[0]).getCommand();
        assertThat(fields(fast)).as("fields after %s", List.of(line)).isEqualTo(fields(parsed));
    }

    /** The values of every option and parameter field of a command and of its NamespaceOptions, by name. */
    private static Map<String, Object> fields(Object command) {
        Map<String, Object> m = new LinkedHashMap<>();
        try {
            for (Field f : command.getClass().getDeclaredFields()) {
                if (f.isAnnotationPresent(CommandLine.Option.class) || f.isAnnotationPresent(CommandLine.Parameters.class)) {
                    m.put(f.getName(), f.get(command));
                }
            }
            Object types = command.getClass().getDeclaredField("types").get(command);
            for (Field f : NamespaceOptions.class.getDeclaredFields()) {
                if (f.isAnnotationPresent(CommandLine.Option.class)) {
                    m.put("types." + f.getName(), f.get(types));
                }
            }
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
        return m;
    }
}
