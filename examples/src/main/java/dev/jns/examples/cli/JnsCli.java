package dev.jns.examples.cli;

import dev.jns.InvalidSpecException;
import dev.jns.NamespaceException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.Charset;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * The {@code jns} command line: {@code unshare}, {@code nsenter} and friends, with util-linux's option
 * names, done through the jns API. Run it with {@code bin/jns}.
 *
 * <p>Exit codes follow util-linux: the command's own status (128 + signal when a signal ended it), 1 for
 * jns's own errors and bad options, 126 when the program cannot be executed, 127 when it does not exist.
 */
// The subcommands are not in this annotation but in SUBCOMMANDS, added by commandLine: picocli builds the model
// of every subcommand it is given, and a run needs only the one it runs (all five cost some 50 ms more than
// unshare alone, in a JVM that starts; most of picocli's first ~200 ms are its own classes and reflection).
@Command(name = "jns", mixinStandardHelpOptions = true, versionProvider = JnsCli.Version.class,
        description = "Linux namespaces from Java: unshare, nsenter and friends, rootless first.")
public final class JnsCli implements Runnable {
    /** Exit code of jns's own errors and of bad options, as util-linux's EXIT_FAILURE. */
    public static final int EXIT_FAILURE = 1;
    /** Exit code when the program was found but could not be executed (util-linux EX_EXEC_FAILED). */
    public static final int EXIT_EXEC_FAILED = 126;
    /** Exit code when the program does not exist (util-linux EX_EXEC_ENOENT). */
    public static final int EXIT_EXEC_ENOENT = 127;

    /**
     * The subcommands by name, in the order {@code jns --help} lists them. The names are written here, not read from
     * each class's {@code @Command}: reading the annotations of all five cost a run about 10 ms (JnsCliModelTest
     * checks that they are the names picocli gives them).
     */
    private static final java.util.Map<String, Class<?>> SUBCOMMANDS = subcommands(
            "unshare", UnshareCommand.class, "nsenter", NsenterCommand.class, "lsns", LsnsCommand.class,
            "netns", NetnsCommand.class, "doctor", DoctorCommand.class);

    private final Redirect in;
    private final Redirect out;
    private final Redirect err;
    private final Charset charset;
    /** Where jns's own errors go: set by {@link #execute}; see {@link #ownErr()}. */
    private PrintWriter errors;

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
        this(in, out, err, consoleCharset());
    }

    /**
     * A CLI whose commands read and write where these say, and whose own output is in {@code charset}: what it
     * cannot encode it replaces by ASCII where there is an ASCII form ({@code lsns --tree}'s lines, as
     * util-linux's {@code lsns -T} under {@code LANG=C}).
     *
     * @param in      the programs' stdin
     * @param out     the programs' stdout
     * @param err     the programs' stderr
     * @param charset the encoding of the terminal or file jns's own output goes to
     */
    public JnsCli(Redirect in, Redirect out, Redirect err, Charset charset) {
        this.in = Objects.requireNonNull(in, "in");
        this.out = Objects.requireNonNull(out, "out");
        this.err = Objects.requireNonNull(err, "err");
        this.charset = Objects.requireNonNull(charset, "charset");
    }

    /**
     * The encoding of this JVM's standard output: {@code stdout.encoding} (JDK 19+), else the platform's
     * ({@code native.encoding}, from the locale: US-ASCII with no {@code LANG}), else the default charset.
     *
     * @return the console's charset
     */
    public static Charset consoleCharset() {
        for (String property : new String[] {"stdout.encoding", "sun.stdout.encoding", "native.encoding"}) {
            String name = System.getProperty(property);
            if (name != null) {
                try {
                    return Charset.forName(name);
                } catch (IllegalArgumentException unknown) {
                    // try the next one
                }
            }
        }
        return Charset.defaultCharset();
    }

    Charset charset() {
        return charset;
    }

    /** Whether jns's own output can show the box-drawing characters of trees. */
    boolean unicodeLines() {
        return charset.newEncoder().canEncode("\u2514\u2500\u251c\u2502");
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

    /** picocli's system property: regular expressions of the types whose built-in converters it leaves out. */
    static final String CONVERTERS_EXCLUDES = "picocli.converters.excludes";

    /**
     * Runs {@code jns ARGS...} and exits with its exit code.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** What {@link #main} does before it exits: runs {@code jns ARGS...} on this JVM's streams. */
    static int run(String... args) {
        // picocli registers converters for java.time's and java.sql's types by reflection each run (Class.forName,
        // getDeclaredMethod: about 60 ms of a run, most of the time picocli spends before it parses); no option
        // of jns has such a type. A value the user set is kept.
        if (System.getProperty(CONVERTERS_EXCLUDES) == null) {
            System.setProperty(CONVERTERS_EXCLUDES, "java\\.time\\..*,java\\.sql\\..*");
        }
        JnsCli cli = new JnsCli();
        // in the console's charset, not the JVM's default (UTF-8 on JDK 18+ whatever the locale)
        return execute(cli, new PrintWriter(new OutputStreamWriter(System.out, cli.charset()), true),
                new PrintWriter(new OutputStreamWriter(System.err, cli.charset()), true), args);
    }

    /**
     * Runs {@code jns ARGS...} in this JVM and returns the exit code; jns's own messages (help, lists,
     * explanations, errors) go to {@code out} and {@code err}, the programs' streams where {@code cli} says.
     * A line that only runs a program with {@code unshare} or {@code nsenter} is parsed by {@link FastPath}, without
     * picocli's model; every other line by picocli.
     *
     * @param cli  the CLI, with the programs' streams
     * @param out  where jns writes help, lists and explanations
     * @param err  where jns writes errors
     * @param args the command line
     * @return the exit code
     */
    public static int execute(JnsCli cli, PrintWriter out, PrintWriter err, String... args) {
        cli.errors = err;
        try {
            Callable<Integer> fast = FastPath.parse(cli, args);
            if (fast != null) {
                try {
                    return fast.call();
                } catch (Exception ex) {
                    return failed("jns " + args[0], err, ex);
                }
            }
            CommandLine cl = commandLine(cli, args);
            cl.setOut(out);
            cl.setErr(err);
            return cl.execute(args);
        } finally {
            out.flush();
            err.flush();
        }
    }

    /**
     * Where a command writes jns's own errors: {@link #execute}'s {@code err} (which it gives picocli too), else,
     * for a command line built by {@link #commandLine(JnsCli)} and run by its caller, picocli's error writer.
     */
    PrintWriter ownErr() {
        return errors != null ? errors : spec.commandLine().getErr();
    }

    /**
     * The picocli command line of {@code jns}, with util-linux's exit codes and one-line errors.
     *
     * @param cli the top command
     * @return the command line, ready to execute
     */
    public static CommandLine commandLine(JnsCli cli) {
        return configure(withSubcommands(cli, SUBCOMMANDS.values()));
    }

    /**
     * The picocli command line of {@code jns} for running {@code args}: when {@code args[0]} names a subcommand,
     * a {@code jns} that has only that one, which parses, runs, errs and helps as the whole one would (picocli
     * hands a subcommand all the arguments after its name, and its messages and help name only itself and its
     * own subcommands), without the cost of the models of the others; else {@link #commandLine(JnsCli)}, whose
     * help and errors list or suggest all of them.
     *
     * @param cli  the top command
     * @param args the command line it is for
     * @return the command line, ready to execute {@code args}
     */
    public static CommandLine commandLine(JnsCli cli, String... args) {
        Class<?> only = args.length == 0 ? null : SUBCOMMANDS.get(args[0]);
        return only == null ? commandLine(cli) : configure(withSubcommands(cli, java.util.List.of(only)));
    }

    /** The names of the subcommands {@code jns} has, in the order of its help. */
    static java.util.Set<String> subcommandNames() {
        return SUBCOMMANDS.keySet();
    }

    /** {@code name, class, name, class, ...} as a map in that order. */
    private static java.util.Map<String, Class<?>> subcommands(Object... nameAndClass) {
        java.util.Map<String, Class<?>> byName = new java.util.LinkedHashMap<>();
        for (int i = 0; i < nameAndClass.length; i += 2) {
            byName.put((String) nameAndClass[i], (Class<?>) nameAndClass[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(byName);
    }

    private static CommandLine withSubcommands(JnsCli cli, java.util.Collection<Class<?>> subcommands) {
        CommandLine cl = new CommandLine(cli);
        // added before the settings below, which picocli passes on to the subcommands the command has then
        for (Class<?> c : subcommands) {
            cl.addSubcommand(c);
        }
        return cl;
    }

    /** util-linux's exit codes and one-line errors, and the help's option layout, on {@code cl}. */
    private static CommandLine configure(CommandLine cl) {
        cl.setHelpFactory(JnsCli::help);
        cl.setStopAtPositional(true);
        // An argument @FILE is an argument, as util-linux reads it (and FastPath): not a file of arguments to
        // expand, picocli's default, which would run `jns unshare @x` differently on the two paths.
        cl.setExpandAtFiles(false);
        cl.setExitCodeExceptionMapper(JnsCli::exitCode);
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine c = ex.getCommandLine();
            c.getErr().println(name(c) + ": " + ex.getMessage());
            c.getErr().println("Try '" + name(c) + " --help' for more information.");
            c.getErr().flush();
            return EXIT_FAILURE;
        });
        cl.setExecutionExceptionHandler((ex, c, parsed) -> failed(name(c), c.getErr(), ex));
        return cl;
    }

    /**
     * picocli's help, with each namespace type option on one line as util-linux prints it:
     * {@code -m, --mount[=FILE]} (the short forms are options of their own, hidden from help).
     */
    private static CommandLine.Help help(CommandLine.Model.CommandSpec spec, CommandLine.Help.ColorScheme scheme) {
        return new CommandLine.Help(spec, scheme) {
            @Override
            public IOptionRenderer createDefaultOptionRenderer() {
                IOptionRenderer plain = super.createDefaultOptionRenderer();
                return (option, label, colors) -> {
                    CommandLine.Help.Ansi.Text[][] rows = plain.render(option, label, colors);
                    String shortName = NamespaceOptions.SHORT.get(option.longestName());
                    if (shortName != null && rows.length > 0 && rows[0].length > 2) {
                        rows[0][1] = colors.optionText(shortName);
                        rows[0][2] = colors.text(",");
                    }
                    return rows;
                };
            }
        };
    }

    /** One line for a command's failure, {@code jns unshare: MESSAGE}, and its exit code. */
    private static int failed(String commandName, PrintWriter err, Exception ex) {
        err.println(commandName + ": " + message(ex));
        err.flush();
        return exitCode(ex);
    }

    private static String name(CommandLine c) {
        return c.getCommandSpec().qualifiedName();
    }

    /** One line for an error: the exception's message without its class name, in the CLI's words. */
    static String message(Throwable ex) {
        String m = ex.getMessage() == null ? ex.toString() : ex.getMessage();
        return cliWords(m.replace('\n', ' '));
    }

    /**
     * The library's hints name Java calls ({@code see NetNs.list()}); a CLI user runs commands instead. Each call a
     * hint can name on the CLI's paths, and the command or option that does the same.
     */
    private static final java.util.Map<String, String> CLI_WORDS = java.util.Map.of(
            "NetNs.list()", "`jns netns list`",
            "Namespaces.spawn().join(handle)", "`jns nsenter`",
            "Namespaces.unpersist(path)", "`umount FILE`",
            "Spawn.newUser()", "--user",
            "Spawn.mapRootUser()", "--map-root-user");

    /** {@code message} with the Java calls of {@link #CLI_WORDS} replaced by their commands. */
    static String cliWords(String message) {
        String m = message;
        for (java.util.Map.Entry<String, String> e : CLI_WORDS.entrySet()) {
            m = m.replace(e.getKey(), e.getValue());
        }
        return m;
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
            return new String[] {"jns " + version()};
        }

        /**
         * The POM's version: from {@code version.properties} (Maven filters it into target/classes and the jar),
         * else the jar manifest's Implementation-Version, else "(development build)" (classes compiled without
         * Maven).
         */
        static String version() {
            try (java.io.InputStream in = JnsCli.class.getResourceAsStream("version.properties")) {
                if (in != null) {
                    java.util.Properties p = new java.util.Properties();
                    p.load(in);
                    String v = p.getProperty("version", "");
                    if (!v.isBlank() && !v.contains("${")) {
                        return v.strip();
                    }
                }
            } catch (java.io.IOException e) {
                // fall through to the manifest
            }
            String v = JnsCli.class.getPackage().getImplementationVersion();
            return v == null ? "(development build)" : v;
        }
    }
}
