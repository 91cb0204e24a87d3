package dev.jns.examples.cli;

import dev.jns.NamespaceType;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.Map;
import java.util.Optional;

/**
 * The eight namespace type options that unshare and nsenter share, each with an optional file:
 * {@code -m, --mount[=FILE]} ... {@code -T, --time[=FILE]}. The short and the long form are two picocli options:
 * only the long one takes the file, attached with {@code =} ({@link AttachedValue}). Help shows them as one line,
 * {@code -m, --mount[=FILE]}, as util-linux does ({@link #SHORT}, {@link JnsCli#commandLine}).
 */
final class NamespaceOptions {
    @Option(names = "-m", hidden = true, description = "mount namespace") boolean mount;
    @Option(names = "-u", hidden = true, description = "UTS namespace: hostname, domain name") boolean uts;
    @Option(names = "-i", hidden = true, description = "System V IPC and POSIX message queue namespace") boolean ipc;
    @Option(names = "-n", hidden = true, description = "network namespace") boolean net;
    @Option(names = "-p", hidden = true, description = "pid namespace") boolean pid;
    @Option(names = "-U", hidden = true, description = "user namespace") boolean user;
    @Option(names = "-C", hidden = true, description = "cgroup namespace") boolean cgroup;
    @Option(names = "-T", hidden = true, description = "time namespace") boolean time;

    // --TYPE[=FILE]: the same, and with FILE a namespace persisted there (unshare) or to enter (nsenter)
    @Option(names = "--mount", arity = "0..1", paramLabel = "FILE", preprocessor = AttachedValue.class,
            description = "mount namespace (FILE: where unshare binds it, or nsenter finds it)") String mountLong;
    @Option(names = "--uts", arity = "0..1", paramLabel = "FILE", preprocessor = AttachedValue.class,
            description = "UTS namespace: hostname, domain name (FILE: where unshare binds it, or nsenter finds it)") String utsLong;
    @Option(names = "--ipc", arity = "0..1", paramLabel = "FILE", preprocessor = AttachedValue.class,
            description = "System V IPC and POSIX message queue namespace (FILE: where unshare binds it, or nsenter finds it)") String ipcLong;
    @Option(names = "--net", arity = "0..1", paramLabel = "FILE", preprocessor = AttachedValue.class,
            description = "network namespace (FILE: where unshare binds it, or nsenter finds it)") String netLong;
    @Option(names = "--pid", arity = "0..1", paramLabel = "FILE", preprocessor = AttachedValue.class,
            description = "pid namespace (FILE: where unshare binds it, or nsenter finds it)") String pidLong;
    @Option(names = "--user", arity = "0..1", paramLabel = "FILE", preprocessor = AttachedValue.class,
            description = "user namespace (FILE: where unshare binds it, or nsenter finds it)") String userLong;
    @Option(names = "--cgroup", arity = "0..1", paramLabel = "FILE", preprocessor = AttachedValue.class,
            description = "cgroup namespace (FILE: where unshare binds it, or nsenter finds it)") String cgroupLong;
    @Option(names = "--time", arity = "0..1", paramLabel = "FILE", preprocessor = AttachedValue.class,
            description = "time namespace (FILE: where unshare binds it, or nsenter finds it)") String timeLong;

    /** The short form of each long type option, which help shows on the long one's line. */
    static final Map<String, String> SHORT = Map.of("--mount", "-m", "--uts", "-u", "--ipc", "-i", "--net", "-n",
            "--pid", "-p", "--user", "-U", "--cgroup", "-C", "--time", "-T");

    /**
     * {@link #rank} order. (Not {@code Comparator.comparingInt}: its lambda, inside the JDK, is spun at a fresh JVM's
     * first use, about 3 ms of {@code jns unshare}, where this one comes from bin/jns's class-data archive.)
     */
    private static final Comparator<NamespaceType> BY_RANK = (a, b) -> Integer.compare(rank(a), rank(b));

    Map<NamespaceType, Optional<Path>> selected() {
        Map<NamespaceType, Optional<Path>> m = new TreeMap<>(BY_RANK);
        put(m, user, NamespaceType.USER, userLong);
        put(m, cgroup, NamespaceType.CGROUP, cgroupLong);
        put(m, ipc, NamespaceType.IPC, ipcLong);
        put(m, uts, NamespaceType.UTS, utsLong);
        put(m, net, NamespaceType.NET, netLong);
        put(m, pid, NamespaceType.PID, pidLong);
        put(m, time, NamespaceType.TIME, timeLong);
        put(m, mount, NamespaceType.MOUNT, mountLong);
        return m;
    }

    /** Every type, user first, mount last: the order to join them in. */
    static List<NamespaceType> ordered() {
        return Arrays.stream(NamespaceType.values()).sorted(BY_RANK).toList();
    }

    /** User namespaces first (they own the others), mount last, as nsenter joins them. */
    static int rank(NamespaceType t) {
        return switch (t) {
            case USER -> 0;
            case MOUNT -> 9;
            default -> 1 + t.ordinal();
        };
    }

    private static void put(Map<NamespaceType, Optional<Path>> m, boolean on, NamespaceType t, String longOption) {
        if (on || longOption != null) {
            m.put(t, Optional.ofNullable(AttachedValue.value(longOption)).map(Path::of));
        }
    }

    /** The util-linux long option of a type ({@code --net}), with {@code =FILE} when there is one. */
    static String longOption(NamespaceType t, Optional<Path> file) {
        String name = switch (t) {
            case MOUNT -> "mount";
            default -> t.name().toLowerCase(java.util.Locale.ROOT);
        };
        return "--" + name + file.map(f -> "=" + f).orElse("");
    }
}
