package dev.jns.examples.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code jns SUBCOMMAND ...} runs on a {@code jns} that has only that subcommand ({@link JnsCli#commandLine(JnsCli,
 * String...)}, for startup time): it must print and return exactly what the {@code jns} with all of them does.
 */
class JnsCliModelTest {
    /** Command lines that print help, versions, errors or explanations, and run nothing. */
    private static final List<String[]> ARGS = List.of(
            new String[] {"unshare", "--help"},
            new String[] {"unshare", "-h"},
            new String[] {"unshare", "--version"},
            new String[] {"unshare", "--bogus"},
            new String[] {"unshare", "--bogus", "true"},
            new String[] {"unshare", "--propagation", "sideways", "true"},
            new String[] {"unshare", "--cpus", "many", "true"},
            new String[] {"unshare", "--user", "--info-fd", "999", "true"},
            new String[] {"unshare", "--explain", "--user", "--map-root-user", "--pid", "--fork", "--mount-proc", "ps", "-e"},
            new String[] {"unshare", "--explain", "-r", "-u", "--hostname", "it's", "uname", "-n"},
            new String[] {"nsenter", "--help"},
            new String[] {"nsenter", "-V"},
            new String[] {"nsenter", "true"},
            new String[] {"nsenter", "--bogus"},
            new String[] {"nsenter", "--explain", "-t", "1", "--net", "--uts", "ip", "link"},
            new String[] {"lsns", "--help"},
            new String[] {"lsns", "--version"},
            new String[] {"lsns", "--bogus"},
            new String[] {"netns", "--help"},
            new String[] {"netns", "bogus"},
            new String[] {"netns", "add"},
            new String[] {"netns", "ls", "--help"},
            new String[] {"netns", "delete", "jns-no-such-netns"},
            new String[] {"doctor", "--help"},
            new String[] {"doctor", "--bogus"});

    @Test
    void theSubcommandsAreThoseOfTheHelpInItsOrder() {
        CommandLine all = JnsCli.commandLine(new JnsCli());
        assertThat(all.getSubcommands().keySet()).containsExactlyElementsOf(JnsCli.subcommandNames());
        assertThat(Cli.jns("--help").out()).containsSubsequence(JnsCli.subcommandNames().stream()
                .map(name -> "\n  " + name + " ").toList());
    }

    @Test
    void aSubcommandRunsOnAJnsWithOnlyIt() {
        for (String name : JnsCli.subcommandNames()) {
            CommandLine cl = JnsCli.commandLine(new JnsCli(), name, "--help");
            assertThat(cl.getSubcommands().keySet()).containsExactly(name);
        }
        // anything else gets all of them: the help lists them, errors suggest among them
        for (String[] args : List.of(new String[0], new String[] {"--help"}, new String[] {"unshar"},
                new String[] {"--", "unshare"}, new String[] {"-h", "unshare"})) {
            assertThat(JnsCli.commandLine(new JnsCli(), args).getSubcommands().keySet())
                    .containsExactlyElementsOf(JnsCli.subcommandNames());
        }
    }

    @Test
    void aJnsWithOnlyTheSubcommandPrintsAndReturnsWhatTheWholeOneDoes() {
        for (String[] args : ARGS) {
            Run only = run(JnsCli.commandLine(cli(), args), args);
            Run all = run(JnsCli.commandLine(cli()), args);
            assertThat(only).as(String.join(" ", args)).isEqualTo(all);
            assertThat(only.out() + only.err()).as(String.join(" ", args)).isNotEmpty();
        }
    }

    private static JnsCli cli() {
        return new JnsCli(Redirect.PIPE, Redirect.DISCARD, Redirect.DISCARD, StandardCharsets.UTF_8);
    }

    private record Run(int code, String out, String err) {
    }

    /** What {@link JnsCli#execute} does, on a given command line. */
    private static Run run(CommandLine cl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Run(code, out.toString(), err.toString());
    }
}
