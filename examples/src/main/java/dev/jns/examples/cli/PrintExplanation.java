package dev.jns.examples.cli;

import dev.jns.NamespaceType;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** {@code --explain}: the util-linux and bubblewrap commands that do what a jns command does. */
final class PrintExplanation {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private PrintExplanation() {
    }

    static void unshare(PrintWriter out, UnshareCommand u, Map<NamespaceType, Optional<Path>> sel, List<String> cmd) {
        List<String> ul = new ArrayList<>(List.of("unshare"));
        boolean addedUser = !sel.containsKey(NamespaceType.USER) && !sel.isEmpty() && Ids.uid() != 0;
        if (addedUser) {
            ul.add("--user");
            ul.add("--map-current-user");
        }
        for (Map.Entry<NamespaceType, Optional<Path>> e : sel.entrySet()) {
            ul.add(NamespaceOptions.longOption(e.getKey(), e.getValue()));
            if (e.getKey() == NamespaceType.PID) {
                ul.add("--fork");
            }
        }
        if (u.mapRootUser) {
            ul.add("--map-root-user");
        } else if (u.mapCurrentUser) {
            ul.add("--map-current-user");
        }
        add(ul, "--map-user", u.mapUser);
        add(ul, "--map-group", u.mapGroup);
        add(ul, "--map-users", u.mapUsers);
        add(ul, "--map-groups", u.mapGroups);
        if (u.mapAuto) {
            ul.add("--map-auto");
        }
        if (u.mapSubids) {
            ul.add("--map-subids");
        }
        if (u.mountProc()) {
            ul.add("--mount-proc");
        }
        if (u.killChild != null) {
            ul.add("--kill-child");
        }
        if (u.forwardSignals) {
            ul.add("--forward-signals");
        }
        if (u.clearEnv) {
            ul.add("--clear-env");
        }
        add(ul, "--whitelist-env", u.whitelistEnv);
        add(ul, "--propagation", u.propagation);
        add(ul, "--setgroups", u.setgroups);
        add(ul, "--monotonic", u.monotonic);
        add(ul, "--boottime", u.boottime);
        add(ul, "--wd", u.wd);
        ul.add("--");
        List<String> program = new ArrayList<>(cmd);
        if (u.hostname != null) {
            // util-linux has no --hostname: set it from inside, then exec the program
            program = new ArrayList<>(List.of("sh", "-c", "hostname " + quote(u.hostname) + " && exec \"$@\"", "sh"));
            program.addAll(cmd);
        }
        ul.addAll(program);
        List<String> scope = new ArrayList<>();
        if (u.memory != null || u.memorySwap != null || u.pids != null || u.cpus != null) {
            // util-linux has no cgroup limits: systemd-run puts the command in a scope that has them
            scope.addAll(List.of("systemd-run", "--scope", "--quiet"));
            if (u.memory != null) {
                scope.addAll(List.of("-p", "MemoryMax=" + u.memory, "-p", "MemorySwapMax="
                        + (u.memorySwap != null ? u.memorySwap : "0")));
            }
            if (u.pids != null) {
                scope.addAll(List.of("-p", "TasksMax=" + u.pids));
            }
            if (u.cpus != null) {
                scope.addAll(List.of("-p", "CPUQuota=" + Math.round(u.cpus * 100) + "%"));
            }
            ul.addAll(0, scope);
        }
        if (addedUser) {
            out.println("# not root: jns adds a user namespace that maps you to yourself");
        }
        out.println(join(ul));
        out.println(bwrap(u, sel, cmd));
        out.flush();
    }

    private static String bwrap(UnshareCommand u, Map<NamespaceType, Optional<Path>> sel, List<String> cmd) {
        List<String> why = new ArrayList<>();
        if (sel.containsKey(NamespaceType.TIME)) {
            why.add("bwrap has no time namespace");
        }
        if (sel.values().stream().anyMatch(Optional::isPresent)) {
            why.add("bwrap does not persist namespaces to files");
        }
        if (u.mapUsers != null || u.mapGroups != null || u.mapAuto || u.mapSubids) {
            why.add("bwrap maps one uid and gid only");
        }
        if (u.propagation != null && !u.propagation.equalsIgnoreCase("slave")) {
            why.add("bwrap always makes / a slave mount");
        }
        if (!why.isEmpty()) {
            return "# no bwrap equivalent: " + String.join("; ", why);
        }
        List<String> b = new ArrayList<>(List.of("bwrap", "--dev-bind", "/", "/"));
        if (sel.containsKey(NamespaceType.USER) || Ids.uid() != 0) {
            b.add("--unshare-user");
        }
        if (u.mapRootUser) {
            b.addAll(List.of("--uid", "0", "--gid", "0"));
        } else if (u.mapUser != null || u.mapGroup != null) {
            b.addAll(List.of("--uid", String.valueOf(u.mapUser != null ? u.mapUser : Ids.uid()),
                    "--gid", String.valueOf(u.mapGroup != null ? u.mapGroup : Ids.gid())));
        }
        for (NamespaceType t : sel.keySet()) {
            switch (t) {
                case PID -> b.add("--unshare-pid");
                case NET -> b.add("--unshare-net");
                case UTS -> b.add("--unshare-uts");
                case IPC -> b.add("--unshare-ipc");
                case CGROUP -> b.add("--unshare-cgroup");
                default -> { } // user: above; mount: bwrap always has its own
            }
        }
        if (u.hostname != null) {
            b.addAll(List.of("--hostname", u.hostname));
        }
        if (u.mountProc()) {
            b.addAll(List.of("--proc", "/proc"));
        }
        if (u.clearEnv || u.whitelistEnv != null) {
            b.add("--clearenv");
            UnshareCommand.whitelisted(u.whitelistEnv).forEach((name, value) -> b.addAll(List.of("--setenv", name, value)));
        }
        if (u.wd != null) {
            b.addAll(List.of("--chdir", u.wd.toString()));
        }
        if (u.killChild != null) {
            b.add("--die-with-parent");
        }
        b.add("--");
        b.addAll(cmd);
        return join(b);
    }

    static void nsenter(PrintWriter out, Long target, boolean all, Map<NamespaceType, Optional<Path>> sel, Path wd,
                        List<String> cmd) {
        List<String> n = new ArrayList<>(List.of("nsenter"));
        if (target != null) {
            n.addAll(List.of("--target", target.toString()));
        }
        if (all) {
            n.add("--all");
        } else {
            for (Map.Entry<NamespaceType, Optional<Path>> e : sel.entrySet()) {
                n.add(NamespaceOptions.longOption(e.getKey(), e.getValue()));
            }
        }
        n.add("--preserve-credentials");
        add(n, "--wd", wd);
        n.add("--");
        n.addAll(cmd);
        out.println(join(n));
        out.println("# no bwrap equivalent: bwrap joins only user and pid namespaces (--userns, --pidns)");
        out.flush();
    }

    private static void add(List<String> l, String option, Object value) {
        if (value != null) {
            l.add(option + "=" + value);
        }
    }

    static String join(List<String> words) {
        StringBuilder sb = new StringBuilder();
        for (String w : words) {
            if (sb.length() > 0) {
                sb.append(' ');
            }
            sb.append(quote(w));
        }
        return sb.toString();
    }

    /** A word as a POSIX shell reads it back. */
    static String quote(String w) {
        if (!w.isEmpty() && SAFE.matcher(w).matches()) {
            return w;
        }
        return "'" + w.replace("'", "'\\''") + "'";
    }
}
