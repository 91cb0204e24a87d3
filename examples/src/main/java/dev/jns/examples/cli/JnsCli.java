package dev.jns.examples.cli;

import dev.jns.InvalidSpecException;
import dev.jns.NamespaceException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.lang.ProcessBuilder.Redirect;
import java.util.Objects;

/**
 * The {@code jns} command line: {@code unshare}, {@code nsenter} and friends, with util-linux's option
 * names, done through the jns API. Run it with {@code bin/jns}.
 *
 * <p>Exit codes follow util-linux: the command's own status (128 + signal when a signal ended it), 1 for
 * jns's own errors and bad options, 126 when the program cannot be executed, 127 when it does not exist.
 */
@Command(name = "jns", mixinStandardHelpOptions = true, versionProvider = JnsCli.Version.class,
        description = "Linux namespaces from Java: unshare, nsenter and friends, rootless first.",
        subcommands = {UnshareCommand.class, NsenterCommand.class, LsnsCommand.class, NetnsCommand.class,
                DoctorCommand.class})
public final class JnsCli implements Runnable {
    /** Exit code of jns's own errors and of bad options, as util-linux's EXIT_FAILURE. */
    public static final int EXIT_FAILURE = 1;
    /** Exit code when the program was found but could not be executed (util-linux EX_EXEC_FAILED). */
    public static final int EXIT_EXEC_FAILED = 126;
    /** Exit code when the program does not exist (util-linux EX_EXEC_ENOENT). */
    public static final int EXIT_EXEC_ENOENT = 127;

    private final Redirect in;
    private final Redirect out;
    private final Redirect err;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** A CLI whose commands use this JVM's stdin, stdout and stderr. */
    public JnsCli() {
        this(Redirect.INHERIT, Redirect.INHERIT, Redirect.INHERIT);
    }

    /**
     * A CLI whose commands (the programs run in namespaces) read and write where these say.
     *
     * @param in  the programs' stdin
     * @param out the programs' stdout
     * @param err the programs' stderr
     */
    public JnsCli(Redirect in, Redirect out, Redirect err) {
        this.in = Objects.requireNonNull(in, "in");
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
    }

    Redirect in() {
        return in;
    }

    Redirect out() {
        return out;
    }

    Redirect err() {
        return err;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Runs {@code jns ARGS...} and exits with its exit code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(commandLine(new JnsCli()).execute(args));
    }

    /**
     * Runs {@code jns ARGS...} in this JVM and returns the exit code; picocli's messages go to {@code out}
     * and {@code err}, the programs' streams where {@code cli} says.
     *
     * @param cli  the CLI, with the programs' streams
     * @param out  where picocli writes help, lists and explanations
     * @param err  where picocli writes errors
     * @param args the command line
     * @return the exit code
     */
    public static int execute(JnsCli cli, PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = commandLine(cli);
        cl.setOut(out);
        cl.setErr(err);
        try {
            return cl.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /**
     * The picocli command line of {@code jns}, with util-linux's exit codes and one-line errors.
     *
     * @param cli the top command
     * @return the command line, ready to execute
     */
    public static CommandLine commandLine(JnsCli cli) {
        CommandLine cl = new CommandLine(cli);
        cl.setStopAtPositional(true);
        cl.setExitCodeExceptionMapper(JnsCli::exitCode);
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println(name(c) + ": " + ex.getMessage());
            c.getErr().println("Try '" + name(c) + " --help' for more information.");
            c.getErr().flush();
            return EXIT_FAILURE;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> {
            c.getErr().println(name(c) + ": " + message(ex));
            c.getErr().flush();
            return exitCode(ex);
        });
        return cl;
    }

    private static String name(CommandLine c) {
        return c.getCommandSpec().qualifiedName();
    }

    /** One line for an error: the exception's message without its class name. */
    static String message(Throwable ex) {
        String m = ex.getMessage() == null ? ex.toString() : ex.getMessage();
        return m.replace('\n', ' ');
    }

    /** util-linux's exit code for a failure. */
    static int exitCode(Throwable ex) {
        if (ex instanceof NamespaceException ne && ne.step() != null && ne.step().startsWith("exec")) {
            return ne.errno() == dev.jns.Errno.ENOENT ? EXIT_EXEC_ENOENT : EXIT_EXEC_FAILED;
        }
        if (ex instanceof CliException ce) {
            return ce.exitCode();
        }
        if (ex instanceof InvalidSpecException || ex instanceof NamespaceException) {
            return EXIT_FAILURE;
        }
        return EXIT_FAILURE;
    }

    /** The version picocli prints for {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = JnsCli.class.getPackage().getImplementationVersion();
            return new String[] {"jns " + (v == null ? "(development build)" : v)};
        }
    }
}
