package dev.jns.examples.cli;

import dev.jns.sandbox.Limits;
import dev.jns.sandbox.MountPlan;

import dev.jns.IdMap;
import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsHandle;
import dev.jns.NsProcess;
import dev.jns.sandbox.Propagation;
import dev.jns.SetGroups;
import dev.jns.Spawn;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code jns unshare}: runs a program in new namespaces, as util-linux's {@code unshare}, through
 * {@link Namespaces#spawn()}. With a new pid namespace jns always forks (the program runs under an init
 * that is PID 1), so {@code --fork} is accepted and implied.
 */
@Command(name = "unshare", mixinStandardHelpOptions = true, versionProvider = JnsCli.Version.class,
        description = "Run a program with some namespaces unshared from the parent.",
        footer = {"", "Without root, asking for namespaces without --user adds a user namespace that maps you to",
                "yourself (as bubblewrap does); --map-root-user makes you root inside instead.",
                "Exit status: the program's (128+N when signal N ended it); 1 for errors of jns itself."})
public final class UnshareCommand implements Callable<Integer> {
    @ParentCommand
    JnsCli cli;

    @Mixin
    NamespaceOptions types;

    @Option(names = {"-f", "--fork"}, description = "fork before running the program (always done with --pid)")
    boolean fork;

    @Option(names = {"-r", "--map-root-user"}, description = "map current user to root (implies --user)")
    boolean mapRootUser;

    @Option(names = {"-c", "--map-current-user"}, description = "map current user to itself (implies --user)")
    boolean mapCurrentUser;

    @Option(names = "--map-user", paramLabel = "<uid>", description = "map current user to uid (implies --user)")
    Long mapUser;

    @Option(names = "--map-group", paramLabel = "<gid>", description = "map current group to gid (implies --user)")
    Long mapGroup;

    @Option(names = "--map-users", paramLabel = "<inner>:<outer>:<count>|auto|subids|all",
            description = "map count users from outer to inner, or your first /etc/subuid range from 0 (auto) or to "
                    + "itself (subids), or every uid to itself (all) (implies --user); also <outer>,<inner>,<count>")
    String mapUsers;

    @Option(names = "--map-groups", paramLabel = "<inner>:<outer>:<count>|auto|subids|all",
            description = "as --map-users, for groups and /etc/subgid (implies --user)")
    String mapGroups;

    @Option(names = "--map-auto", description = "map your first /etc/subuid and /etc/subgid ranges from 0 "
            + "(--map-users=auto --map-groups=auto; implies --user)")
    boolean mapAuto;

    @Option(names = "--map-subids", description = "map your first /etc/subuid and /etc/subgid ranges to themselves "
            + "(--map-users=subids --map-groups=subids; implies --user)")
    boolean mapSubids;

    @Option(names = "--mount-proc", arity = "0..1", paramLabel = "DIR", preprocessor = AttachedValue.class,
            description = "mount proc on /proc first (implies --mount); jns takes only /proc as DIR")
    String mountProcOption;

    /** Whether --mount-proc was given. */
    boolean mountProc() {
        return mountProcOption != null;
    }

    @Option(names = "--kill-child", arity = "0..1", paramLabel = "SIGNAL", preprocessor = AttachedValue.class,
            description = "kill the program and all it started when jns ends (implies --fork): jns always does, "
                    + "with SIGKILL, the one SIGNAL it takes")
    String killChild;

    /** Whether {@code signal} names SIGKILL as util-linux's --kill-child takes it: KILL, SIGKILL (any case), 9. */
    static boolean isKill(String signal) {
        String s = signal.toUpperCase(java.util.Locale.ROOT);
        return s.equals("KILL") || s.equals("SIGKILL") || s.equals("9");
    }

    @Option(names = "--forward-signals", description = "send SIGTERM and SIGINT that jns gets on to the program and "
            + "go on waiting for it (implies --fork); without it jns ignores both while the program runs")
    boolean forwardSignals;

    @Option(names = "--clear-env", description = "start the program with an empty environment")
    boolean clearEnv;

    @Option(names = "--whitelist-env", paramLabel = "<name>[,<name>...]",
            description = "start the program with only these variables of jns's environment (implies --clear-env)")
    String whitelistEnv;

    @Option(names = "--propagation", paramLabel = "slave|shared|private|unchanged",
            description = "mount propagation in the new mount namespace (default private)")
    String propagation;

    @Option(names = "--setgroups", paramLabel = "allow|deny", description = "control setgroups(2) in the user namespace")
    String setgroups;

    @Option(names = {"-w", "--wd"}, paramLabel = "<dir>", description = "change working directory to <dir>")
    Path wd;

    @Option(names = "--monotonic", paramLabel = "<offset>", description = "CLOCK_MONOTONIC offset (seconds) in the time namespace")
    Long monotonic;

    @Option(names = "--boottime", paramLabel = "<offset>", description = "CLOCK_BOOTTIME offset (seconds) in the time namespace")
    Long boottime;

    @Option(names = "--hostname", paramLabel = "<name>", description = "set the hostname in the new UTS namespace (jns, as bwrap)")
    String hostname;

    @Option(names = "--memory", paramLabel = "<size>",
            description = "memory limit of the whole sandbox, e.g. 256M (cgroup memory.max; no swap unless --memory-swap)")
    String memory;

    @Option(names = "--memory-swap", paramLabel = "<size>", description = "swap the sandbox may use (memory.swap.max)")
    String memorySwap;

    @Option(names = "--pids", paramLabel = "<n>", description = "most processes and threads at once (pids.max)")
    Long pids;

    @Option(names = "--cpus", paramLabel = "<n>", description = "CPU share in CPUs, e.g. 1.5 (cpu.max)")
    Double cpus;

    @Option(names = "--info-fd", paramLabel = "<fd>",
            description = "write the program's pid and namespace ids as JSON to <fd> once it runs (bwrap's --info-fd)")
    Integer infoFd;

    @Option(names = "--json-status-fd", paramLabel = "<fd>",
            description = "as --info-fd, then a JSON line with its exit code when it ends (bwrap's --json-status-fd)")
    Integer statusFd;

    @Option(names = "--explain", description = "print the equivalent unshare and bwrap commands instead of running")
    boolean explain;

    @Parameters(paramLabel = "<program> [<argument>...]", description = "default: $SHELL, or /bin/sh")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Map<NamespaceType, Optional<Path>> sel = types.selected();
        String mountProcDir = AttachedValue.value(mountProcOption);
        if (mountProcDir != null && !Path.of(mountProcDir).equals(Path.of("/proc"))) {
            throw new CliException("--mount-proc=" + mountProcDir + ": jns mounts proc on /proc only");
        }
        if (mountProc()) {
            sel.putIfAbsent(NamespaceType.MOUNT, Optional.empty());
        }
        String killSignal = AttachedValue.value(killChild);
        if (killSignal != null && !isKill(killSignal)) {
            throw new CliException("--kill-child=" + killSignal + ": when jns ends, its sandbox always ends with "
                    + "SIGKILL, which is the only signal jns takes here");
        }
        if (mapRootUser || mapCurrentUser || mapUser != null || mapGroup != null || mapUsers != null
                || mapGroups != null || mapAuto || mapSubids || setgroups != null) {
            sel.putIfAbsent(NamespaceType.USER, Optional.empty());
        }
        if (monotonic != null || boottime != null) {
            sel.putIfAbsent(NamespaceType.TIME, Optional.empty());
        }
        if (hostname != null && !sel.containsKey(NamespaceType.UTS)) {
            throw new CliException("--hostname needs --uts");
        }
        List<String> cmd = program(command);
        StatusFds.check("--info-fd", infoFd);
        StatusFds.check("--json-status-fd", statusFd);
        if (explain) {
            PrintExplanation.unshare(cli.spec.commandLine().getOut(), this, sel, cmd);
            return 0;
        }
        if (sel.values().stream().anyMatch(Optional::isPresent)) {
            return runPersisted(sel, cmd);
        }
        Spawn s = spawn(sel);
        s.redirectInput(cli.in()).redirectOutput(cli.out()).redirectError(cli.err());
        try (ParentSignals signals = new ParentSignals(forwardSignals);
             NsProcess p = s.start(cmd.toArray(String[]::new))) {
            p.getOutputStream().close();
            return ended(p, signals);
        }
    }

    /**
     * Waits for the program (after telling --info-fd/--json-status-fd that it runs), with SIGINT and SIGTERM
     * ignored or forwarded to it; says so when the OOM killer ended it (its status alone says only signal 9).
     */
    private int ended(NsProcess p, ParentSignals signals) throws InterruptedException {
        signals.forward(p);
        StatusFds.started(infoFd, statusFd, p);
        int code = p.waitFor();
        StatusFds.ended(statusFd, code);
        dev.jns.Outcome o = p.outcome();
        if (o.kind() == dev.jns.Outcome.Kind.OOM_KILLED) {
            cli.ownErr().println("jns: " + cmdName(p) + o.describe());
            cli.ownErr().flush();
        }
        return code;
    }

    private String cmdName(NsProcess p) {
        return command.isEmpty() ? "" : command.get(0) + ": ";
    }

    /**
     * {@code --net=FILE} and friends: a holder process is started in the new namespaces first, they are
     * bind-mounted on their files while it holds them (so a program that ends at once cannot race the
     * persisting), and the program joins them, as nsenter would. The holder (the pid namespace's init, with
     * --pid) lives until the program ends.
     */
    private int runPersisted(Map<NamespaceType, Optional<Path>> sel, List<String> cmd) throws Exception {
        try (NsProcess holder = spawn(sel).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start("sh", "-c", "read _")) {
            List<NsHandle> joined = new ArrayList<>();
            try {
                for (NamespaceType t : NamespaceOptions.ordered()) {
                    NsHandle h = holder.namespace(t);
                    try (NsHandle mine = Namespaces.current(t)) {
                        if (h.equals(mine)) {
                            h.close();
                            continue;
                        }
                    }
                    joined.add(h);
                    Optional<Path> file = sel.getOrDefault(t, Optional.empty());
                    if (file.isPresent()) {
                        h.persist(file.get());
                    }
                }
                Spawn s = Namespaces.spawn();
                joined.forEach(s::join);
                limits(s);
                environment(s);
                if (wd != null) {
                    s.directory(wd);
                }
                s.redirectInput(cli.in()).redirectOutput(cli.out()).redirectError(cli.err());
                try (ParentSignals signals = new ParentSignals(forwardSignals);
                     NsProcess p = s.start(cmd.toArray(String[]::new))) {
                    p.getOutputStream().close();
                    return ended(p, signals);
                }
            } finally {
                joined.forEach(NsHandle::close);
                holder.getOutputStream().close();
                holder.waitFor();
            }
        }
    }

    /** The ranges of {@code --map-users} (or {@code --map-groups}), {@code --map-auto}'s and {@code --map-subids}'. */
    private List<IdMap> idRanges(String option, String value, String subidFile, String procMap) {
        List<IdMap> r = new ArrayList<>();
        if (mapAuto) {
            r.add(Ids.subordinate(subidFile, false));
        }
        if (mapSubids) {
            r.add(Ids.subordinate(subidFile, true));
        }
        if (value != null) {
            r.addAll(Ids.ranges(option, value, subidFile, procMap));
        }
        return r;
    }

    /**
     * One kind's map: the single id ({@code inside} to the caller's {@code own}, when asked) and the ranges without
     * it; without a single id and ranges (only the other kind has some), the caller's own id to itself.
     */
    private static List<IdMap> idMap(Long inside, long own, List<IdMap> ranges) {
        if (inside == null) {
            return ranges.isEmpty() ? List.of(IdMap.single(own, own)) : ranges;
        }
        return Ids.withSingle(IdMap.single(inside, own), ranges);
    }

    /** The spawn these options describe. */
    Spawn spawn(Map<NamespaceType, Optional<Path>> sel) {
        Spawn s = Namespaces.spawn();
        for (NamespaceType t : sel.keySet()) {
            switch (t) {
                case CGROUP -> s.newCgroup();
                case IPC -> s.newIpc();
                case MOUNT -> s.newMount();
                case NET -> s.newNet();
                case PID -> s.newPid();
                case TIME -> s.newTime();
                case USER -> s.newUser();
                case UTS -> s.newUts();
            }
        }
        if (sel.containsKey(NamespaceType.NET)) {
            s.loopback(false); // as util-linux: the kernel's new lo is down
        }
        long uid = Ids.uid();
        long gid = Ids.gid();
        List<IdMap> uidRanges = idRanges("--map-users", mapUsers, "/etc/subuid", "/proc/self/uid_map");
        List<IdMap> gidRanges = idRanges("--map-groups", mapGroups, "/etc/subgid", "/proc/self/gid_map");
        if (!uidRanges.isEmpty() || !gidRanges.isEmpty()) {
            // util-linux's rule: the single map (-r, -c, --map-user, --map-group) first, the ranges without its ids
            Long uidInside = mapRootUser ? Long.valueOf(0) : mapCurrentUser ? Long.valueOf(uid) : mapUser;
            Long gidInside = mapRootUser ? Long.valueOf(0) : mapCurrentUser ? Long.valueOf(gid) : mapGroup;
            s.uidMap(idMap(uidInside, uid, uidRanges).toArray(IdMap[]::new));
            s.gidMap(idMap(gidInside, gid, gidRanges).toArray(IdMap[]::new));
        } else {
            if (mapRootUser) {
                s.mapRootUser();
            } else if (mapCurrentUser) {
                s.mapCurrentUser();
            }
            if (mapUser != null) {
                s.uidMap(IdMap.single(mapUser, uid));
                if (mapGroup == null) {
                    s.gidMap(IdMap.single(mapUser, gid));
                }
            }
            if (mapGroup != null) {
                s.gidMap(IdMap.single(mapGroup, gid));
                if (mapUser == null) {
                    s.uidMap(IdMap.single(uid, uid));
                }
            }
        }
        if (setgroups != null) {
            s.setGroups(choice("--setgroups", setgroups, SetGroups.class));
        }
        if (mountProc()) {
            s.mountProc();
        }
        if (propagation != null) {
            s.mounts(new MountPlan().propagation(choice("--propagation", propagation, Propagation.class)));
        }
        if (monotonic != null || boottime != null) {
            s.timeOffsets(Duration.ofSeconds(monotonic == null ? 0 : monotonic),
                    Duration.ofSeconds(boottime == null ? 0 : boottime));
        }
        if (hostname != null) {
            s.hostname(hostname);
        }
        if (wd != null) {
            s.directory(wd);
        }
        limits(s);
        environment(s);
        return s;
    }

    /** --clear-env, --whitelist-env: the program's environment is empty, or has only the names given. */
    private void environment(Spawn s) {
        if (!clearEnv && whitelistEnv == null) {
            return;
        }
        s.clearEnv();
        whitelisted(whitelistEnv).forEach(s::env);
    }

    /** The variables of jns's environment that {@code names} (comma-separated, or null) names and that are set. */
    static Map<String, String> whitelisted(String names) {
        Map<String, String> env = new java.util.LinkedHashMap<>();
        for (String name : names == null ? new String[0] : names.split(",", -1)) {
            String value = name.isEmpty() || name.indexOf('=') >= 0 ? null : System.getenv(name);
            if (value != null) {
                env.put(name, value);
            }
        }
        return env;
    }

    /** --memory, --memory-swap, --pids, --cpus: cgroup limits, in systemd-run's and docker's vocabulary. */
    private void limits(Spawn s) {
        if (memory == null && memorySwap == null && pids == null && cpus == null) {
            return;
        }
        Limits.Builder b = Limits.builder();
        if (memory != null) {
            b.memory(Limits.parseBytes("--memory", memory));
        }
        if (memorySwap != null) {
            b.memorySwap(Limits.parseBytes("--memory-swap", memorySwap));
        }
        if (pids != null) {
            b.pids(pids);
        }
        if (cpus != null) {
            b.cpus(cpus);
        }
        s.limits(b.build());
    }

    static <E extends Enum<E>> E choice(String option, String value, Class<E> type) {
        try {
            return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException ex) {
            throw new CliException(option + ": unsupported value '" + value + "'");
        }
    }

    /** The program to run: the arguments, or $SHELL, or /bin/sh, as util-linux. */
    static List<String> program(List<String> command) {
        if (!command.isEmpty()) {
            return command;
        }
        String shell = System.getenv("SHELL");
        return List.of(shell == null || shell.isEmpty() ? "/bin/sh" : shell);
    }
}
