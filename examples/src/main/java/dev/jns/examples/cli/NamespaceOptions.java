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
 * {@code -m, --mount[=FILE]} ... {@code -T, --time[=FILE]}. (The file arrives as the hidden
 * {@code --TYPE-arg}; see {@link OptionalValues}.)
 */
final class NamespaceOptions {
    @Option(names = {"-m", "--mount"}, description = "mount namespace (--mount=FILE: a persisted one)") boolean mount;
    @Option(names = {"-u", "--uts"}, description = "UTS namespace: hostname, domain name") boolean uts;
    @Option(names = {"-i", "--ipc"}, description = "System V IPC and POSIX message queue namespace") boolean ipc;
    @Option(names = {"-n", "--net"}, description = "network namespace") boolean net;
    @Option(names = {"-p", "--pid"}, description = "pid namespace") boolean pid;
    @Option(names = {"-U", "--user"}, description = "user namespace") boolean user;
    @Option(names = {"-C", "--cgroup"}, description = "cgroup namespace") boolean cgroup;
    @Option(names = {"-T", "--time"}, description = "time namespace") boolean time;

    @Option(names = "--mount-arg", hidden = true) Path mountFile;
    @Option(names = "--uts-arg", hidden = true) Path utsFile;
    @Option(names = "--ipc-arg", hidden = true) Path ipcFile;
    @Option(names = "--net-arg", hidden = true) Path netFile;
    @Option(names = "--pid-arg", hidden = true) Path pidFile;
    @Option(names = "--user-arg", hidden = true) Path userFile;
    @Option(names = "--cgroup-arg", hidden = true) Path cgroupFile;
    @Option(names = "--time-arg", hidden = true) Path timeFile;

    /** The types asked for, each with its file when one was given; in the order user first, mount last. */
    Map<NamespaceType, Optional<Path>> selected() {
        Map<NamespaceType, Optional<Path>> m = new TreeMap<>(Comparator.comparingInt(NamespaceOptions::rank));
        put(m, user, NamespaceType.USER, userFile);
        put(m, cgroup, NamespaceType.CGROUP, cgroupFile);
        put(m, ipc, NamespaceType.IPC, ipcFile);
        put(m, uts, NamespaceType.UTS, utsFile);
        put(m, net, NamespaceType.NET, netFile);
        put(m, pid, NamespaceType.PID, pidFile);
        put(m, time, NamespaceType.TIME, timeFile);
        put(m, mount, NamespaceType.MOUNT, mountFile);
        return m;
    }

    /** Every type, user first, mount last: the order to join them in. */
    static List<NamespaceType> ordered() {
        return Arrays.stream(NamespaceType.values()).sorted(Comparator.comparingInt(NamespaceOptions::rank)).toList();
    }

    /** User namespaces first (they own the others), mount last, as nsenter joins them. */
    static int rank(NamespaceType t) {
        return switch (t) {
            case USER -> 0;
            case MOUNT -> 9;
            default -> 1 + t.ordinal();
        };
    }

    private static void put(Map<NamespaceType, Optional<Path>> m, boolean on, NamespaceType t, Path file) {
        if (on || file != null) {
            m.put(t, Optional.ofNullable(file));
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
