package dev.jns.examples.cli;

import java.lang.reflect.Field;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * The command lines of {@code jns unshare} and {@code jns nsenter} that only run a program, parsed without picocli.
 *
 * <p>Why: in a JVM that has just started, picocli's model of one command costs about 110 ms (it reads the
 * annotations of every field and method, and the JDK makes a dynamic proxy class per annotation type, which JDK
 * 17's class-data archives cannot keep): a third of {@code jns unshare -r true}. Running a program needs no help,
 * no suggestions and no error text, so the plain lines are read here, util-linux's {@code getopt_long} way.
 *
 * <p>This parser takes a line only when it is sure to read it as picocli does: options it knows, each given once;
 * flags alone or clustered ({@code -rf}); {@code --opt=VALUE} or {@code --opt VALUE} (and {@code -w VALUE}) with a
 * value that does not start with {@code -} and is in the plainest form of its type (decimal digits without a
 * leading zero for numbers); {@code --TYPE} and {@code --TYPE=FILE}; the first argument that is no option, or
 * {@code --}, starts the program. Anything else — {@code --help}, {@code --version}, {@code --explain}, an
 * unknown or repeated option, an attached short value ({@code -w/tmp}), a negative number — it leaves to picocli,
 * which then parses the whole line: so help, errors and their exit codes come from picocli alone. Values that
 * picocli takes but the command refuses ({@code --propagation sideways}) are refused by the command, on either path.
 *
 * <p>The options are named here once more, beside their {@code @Option} annotations; FastPathTest checks that
 * the two agree (every option picocli knows, except help, version and {@code --explain}, is here with the same
 * field and kind) and that picocli parses every line this parser takes to the same fields.
 */
final class FastPath {
    private FastPath() {
    }

    /** How an option takes a value. */
    enum Kind {
        /** none: a boolean field */
        FLAG,
        /** only attached, {@code --net[=FILE]}; without one the field is {@link AttachedValue#NONE} */
        ATTACHED,
        /** the next argument or attached with {@code =}; converted to the field's type */
        VALUE
    }

    /**
     * One option: the field it sets, in the command or in its {@link NamespaceOptions}, and how it takes a value.
     * Compared by identity, the one instance for all of an option's names. (Not a record: a record's
     * {@code hashCode} is linked by {@code invokedynamic} at its first call, about 20 ms of a fresh JVM.)
     */
    static final class Option {
        final String field;
        final boolean namespace;
        final Kind kind;

        Option(String field, boolean namespace, Kind kind) {
            this.field = field;
            this.namespace = namespace;
            this.kind = kind;
        }

        @Override
        public String toString() {
            return (namespace ? "NamespaceOptions." : "") + field + " (" + kind + ")";
        }
    }

    /** The options of each command this parser runs, by name (all of an option's names map to one {@link Option}). */
    static final Map<String, Map<String, Option>> OPTIONS = Map.of(
            "unshare", options(
                    "-f,--fork", "fork", Kind.FLAG,
                    "-r,--map-root-user", "mapRootUser", Kind.FLAG,
                    "-c,--map-current-user", "mapCurrentUser", Kind.FLAG,
                    "--map-user", "mapUser", Kind.VALUE,
                    "--map-group", "mapGroup", Kind.VALUE,
                    "--map-users", "mapUsers", Kind.VALUE,
                    "--map-groups", "mapGroups", Kind.VALUE,
                    "--map-auto", "mapAuto", Kind.FLAG,
                    "--map-subids", "mapSubids", Kind.FLAG,
                    "--mount-proc", "mountProcOption", Kind.ATTACHED,
                    "--kill-child", "killChild", Kind.ATTACHED,
                    "--forward-signals", "forwardSignals", Kind.FLAG,
                    "--clear-env", "clearEnv", Kind.FLAG,
                    "--whitelist-env", "whitelistEnv", Kind.VALUE,
                    "--propagation", "propagation", Kind.VALUE,
                    "--setgroups", "setgroups", Kind.VALUE,
                    "-w,--wd", "wd", Kind.VALUE,
                    "--monotonic", "monotonic", Kind.VALUE,
                    "--boottime", "boottime", Kind.VALUE,
                    "--hostname", "hostname", Kind.VALUE,
                    "--memory", "memory", Kind.VALUE,
                    "--memory-swap", "memorySwap", Kind.VALUE,
                    "--pids", "pids", Kind.VALUE,
                    "--cpus", "cpus", Kind.VALUE,
                    "--info-fd", "infoFd", Kind.VALUE,
                    "--json-status-fd", "statusFd", Kind.VALUE),
            "nsenter", options(
                    "-t,--target", "target", Kind.VALUE,
                    "-a,--all", "all", Kind.FLAG,
                    "-w,--wd", "wd", Kind.VALUE,
                    "--preserve-credentials", "preserveCredentials", Kind.FLAG));

    /** The eight namespace type options both commands have ({@link NamespaceOptions}). */
    private static Map<String, Option> typeOptions() {
        Map<String, Option> m = new HashMap<>();
        String[] types = {"mount", "uts", "ipc", "net", "pid", "user", "cgroup", "time"};
        String[] shorts = {"-m", "-u", "-i", "-n", "-p", "-U", "-C", "-T"};
        for (int i = 0; i < types.length; i++) {
            m.put(shorts[i], new Option(types[i], true, Kind.FLAG));
            m.put("--" + types[i], new Option(types[i] + "Long", true, Kind.ATTACHED));
        }
        return m;
    }

    /** {@code names, field, kind, ...} (names comma-separated) and the type options, as a map by name. */
    private static Map<String, Option> options(Object... namesFieldKind) {
        Map<String, Option> m = typeOptions();
        for (int i = 0; i < namesFieldKind.length; i += 3) {
            Option o = new Option((String) namesFieldKind[i + 1], false, (Kind) namesFieldKind[i + 2]);
            for (String name : ((String) namesFieldKind[i]).split(",")) {
                m.put(name, o);
            }
        }
        return Collections.unmodifiableMap(m);
    }

    /**
     * The subcommand {@code args} runs, with its fields set as picocli would set them, or null when the line is
     * not one this parser takes (picocli must parse it).
     *
     * @param cli  the top command, the subcommand's parent
     * @param args the whole command line, the subcommand's name first
     * @return the subcommand, ready to call, or null
     */
    static Callable<Integer> parse(JnsCli cli, String... args) {
        if (args.length == 0 || !OPTIONS.containsKey(args[0])) {
            return null;
        }
        Map<String, Option> options = OPTIONS.get(args[0]);
        Callable<Integer> command;
        NamespaceOptions types = new NamespaceOptions();
        List<String> program;
        if (args[0].equals("unshare")) {
            UnshareCommand u = new UnshareCommand();
            u.cli = cli;
            u.types = types;
            program = u.command;
            command = u;
        } else {
            NsenterCommand n = new NsenterCommand();
            n.cli = cli;
            n.types = types;
            program = n.command;
            command = n;
        }
        Set<Option> seen = new HashSet<>();
        int i = 1;
        while (i < args.length) {
            String arg = args[i++];
            if (arg.equals("--")) {
                break;
            }
            if (!arg.startsWith("-") || arg.length() < 2) {
                i--; // the program
                break;
            }
            if (arg.startsWith("--")) {
                int eq = arg.indexOf('=');
                Option o = options.get(eq < 0 ? arg : arg.substring(0, eq));
                if (o == null || !seen.add(o)) {
                    return null;
                }
                String value;
                if (eq >= 0) {
                    value = arg.substring(eq + 1);
                    if (o.kind == Kind.FLAG || value.isEmpty() || value.startsWith("-")) {
                        return null;
                    }
                } else if (o.kind == Kind.FLAG) {
                    value = null;
                } else if (o.kind == Kind.ATTACHED) {
                    value = AttachedValue.NONE;
                } else if (i < args.length && !args[i].startsWith("-")) {
                    value = args[i++];
                } else {
                    return null;
                }
                if (!set(o, o.namespace ? types : command, value)) {
                    return null;
                }
            } else {
                for (int c = 1; c < arg.length(); c++) {
                    Option o = options.get("-" + arg.charAt(c));
                    if (o == null || !seen.add(o) || o.kind == Kind.ATTACHED) {
                        return null;
                    }
                    String value = null;
                    if (o.kind == Kind.VALUE) {
                        // only as the last of the cluster, with the value the next argument
                        if (c != arg.length() - 1 || i >= args.length || args[i].startsWith("-")) {
                            return null;
                        }
                        value = args[i++];
                    }
                    if (!set(o, o.namespace ? types : command, value)) {
                        return null;
                    }
                }
            }
        }
        if (i < args.length && args[i].isEmpty()) {
            return null; // an empty program name: left to picocli and exec to judge
        }
        program.addAll(List.of(args).subList(i, args.length));
        return command;
    }

    /** Sets {@code o}'s field of {@code target} to {@code value}; false when the value is not in plain form. */
    private static boolean set(Option o, Object target, String value) {
        try {
            Field f = target.getClass().getDeclaredField(o.field);
            Class<?> type = f.getType();
            if (type == boolean.class) {
                f.setBoolean(target, true);
                return true;
            }
            Object v = convert(type, value);
            if (v == null) {
                return false;
            }
            f.set(target, v);
            return true;
        } catch (NoSuchFieldException | IllegalAccessException e) {
            throw new IllegalStateException("FastPath's option table names no field of " + target.getClass()
                    + ": " + o, e);
        }
    }

    /** {@code value} as a {@code type}, or null when it is not in the plainest form of one. */
    private static Object convert(Class<?> type, String value) {
        if (type == String.class) {
            return value;
        }
        if (type == Path.class) {
            try {
                return Path.of(value);
            } catch (InvalidPathException e) {
                return null;
            }
        }
        if (type == Long.class) {
            return digits(value, 18) ? Long.parseLong(value) : null;
        }
        if (type == Integer.class) {
            return digits(value, 9) ? Integer.parseInt(value) : null;
        }
        if (type == Double.class) {
            int dot = value.indexOf('.');
            if (dot < 0) {
                return digits(value, 9) ? Double.parseDouble(value) : null;
            }
            String fraction = value.substring(dot + 1);
            // the fraction may start with zeros: digits() is asked about "1" and the fraction
            return digits(value.substring(0, dot), 9) && !fraction.isEmpty() && digits("1" + fraction, 10)
                    ? Double.parseDouble(value) : null;
        }
        return null;
    }

    /** Whether {@code s} is 1 to {@code max} decimal digits without a leading zero (or is "0"). */
    private static boolean digits(String s, int max) {
        if (s.isEmpty() || s.length() > max || (s.length() > 1 && s.charAt(0) == '0')) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** The names of the options this parser takes for {@code command}. */
    static Set<String> names(String command) {
        return OPTIONS.get(command).keySet();
    }
}
