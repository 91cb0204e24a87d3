package dev.jns.examples.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * util-linux's options with an optional value ({@code --net[=FILE]}) take it only when attached with
 * {@code =}; picocli would also take the next argument ({@code jns unshare --net ip link} would persist to
 * a file named "ip"). So before parsing, {@code --net=FILE} becomes {@code --net --net-arg=FILE}, up to
 * the first argument that is not an option (the program).
 */
final class OptionalValues {
    /** Long options whose value is optional and must be attached. */
    static final Set<String> OPTIONAL = Set.of("mount", "uts", "ipc", "net", "pid", "user", "cgroup", "time",
            "mount-proc", "tree");
    /** Options that take a value in the next argument (so that value is not the program). */
    static final Set<String> WITH_VALUE = Set.of("-t", "--target", "-w", "--wd", "--propagation", "--setgroups",
            "--monotonic", "--boottime", "--map-user", "--map-group", "--map-users", "--map-groups", "--hostname");
    /** The same for lsns, where -p and -t take values. */
    static final Set<String> LSNS_WITH_VALUE = Set.of("-t", "--type", "-p", "--task", "-o", "--output");

    private OptionalValues() {
    }

    static String[] rewrite(String... args) {
        List<String> out = new ArrayList<>();
        int i = 0;
        Set<String> withValue = args.length > 0 && args[0].equals("lsns") ? LSNS_WITH_VALUE : WITH_VALUE;
        if (args.length > 0 && !args[0].startsWith("-")) {
            out.add(args[i++]); // the subcommand
        }
        for (; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--") || !a.startsWith("-")) {
                break; // the program and its arguments follow, untouched
            }
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 2 && OPTIONAL.contains(a.substring(2, eq))) {
                out.add(a.substring(0, eq));
                out.add(a.substring(0, eq) + "-arg=" + a.substring(eq + 1));
                continue;
            }
            out.add(a);
            if (withValue.contains(a) && i + 1 < args.length) {
                out.add(args[++i]);
            }
        }
        for (; i < args.length; i++) {
            out.add(args[i]);
        }
        return out.toArray(String[]::new);
    }
}
