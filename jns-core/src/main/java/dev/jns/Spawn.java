package dev.jns;

import dev.jns.internal.Checks;
import dev.jns.sandbox.Limits;
import dev.jns.sandbox.MountPlan;
import dev.jns.sandbox.Propagation;
import dev.jns.sandbox.Security;
import dev.jns.spi.SpawnSpec;
import dev.jns.spi.SpawnSpec.UserMapping;

import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Describes a process to start in new and joined namespaces, then starts it: the {@code unshare} and
 * {@code nsenter} of jns.
 *
 * <pre>{@code
 * SpawnResult r = Namespaces.spawn().newUser().mapRootUser()
 *         .newPid().newMount().mountProc()
 *         .run("ps", "-e");
 * }</pre>
 *
 * <p>Like {@link ProcessBuilder}, a {@code Spawn} is reusable (each {@link #start} uses its state at that
 * moment) and not thread-safe; setters check their own argument, and the checks that involve several
 * options are made by {@link #start(String...)}, which throws {@link InvalidSpecException} naming the option.
 *
 * <p><b>Implied options</b>, as util-linux does: {@link #mapRootUser()}, {@link #mapCurrentUser()},
 * {@link #uidMap}, {@link #gidMap} and {@link #setGroups} imply {@link #newUser()}; {@link #mountProc()}
 * implies {@link #newMount()}; {@link #timeOffsets} implies {@link #newTime()}.
 *
 * <p><b>Without privilege</b>: creating any namespace but a user namespace needs {@code CAP_SYS_ADMIN}. When
 * the caller lacks it and asks for other namespaces without {@link #newUser()}, jns adds a user namespace
 * that maps the caller's own uid and gid to themselves (as bubblewrap does), so the command runs with the
 * caller's identity and the namespaces are owned by that user namespace. Ask for {@link #mapRootUser()} to be
 * root inside instead.
 *
 * <p><b>A sandbox</b> is a spawn whose {@link #mounts(MountPlan) mount plan} confines the command (it has an
 * entry or a root switch), as bubblewrap's command line does. A sandbox gets the safe defaults without asking
 * ({@link Security#defaults()}: no capabilities, no_new_privs, its own session); every opt-out is explicit.
 *
 * <pre>{@code
 * SpawnResult r = Namespaces.spawn().newUser().mapRootUser().newPid().newNet()
 *         .mounts(new MountPlan().emptyRoot()
 *                 .roBind(Path.of("/usr"), Path.of("/usr"))
 *                 .bind(output, Path.of("/out"))
 *                 .proc(Path.of("/proc")).dev(Path.of("/dev")).tmpfs(Path.of("/tmp")))
 *         .clearEnv().env("PATH", "/usr/bin")
 *         .timeout(Duration.ofMinutes(5))
 *         .run("/usr/bin/make", "-C", "/out");
 * }</pre>
 *
 * <p><b>Environment</b>: like {@link ProcessBuilder}, the command inherits the JVM's environment unless
 * {@link #clearEnv()} is called; a sandbox recipe should clear it and pass only what the command needs.
 *
 * <p><b>Lifetime</b>: a spawn's <em>process tree</em> is the command and every process it starts, at any
 * depth (background jobs, daemons, {@code setsid}'d double forks), with or without a new pid namespace, plus
 * jns's own supervisor and init for it. <b>It ends when the command ends</b>: whatever the command left
 * running is then killed (SIGKILL) and reaped, before {@link #run(String...)} returns and before
 * {@link NsProcess#waitFor()} reports the end. It also ends, everything in it killed, on
 * {@link NsProcess#destroyForcibly()} and {@code close()}, on {@link NsProcess#destroy()} once the command
 * exits on its SIGTERM, at the {@link #timeout(Duration) timeout}, when the thread in {@code run()} is
 * interrupted, and when the JVM dies, also by SIGKILL. jns's supervisor is a child subreaper, so orphans come
 * to it; the one process it cannot end is one it may not signal (a setuid program, without a pid namespace).
 * If a process of jns itself is killed from outside while the command runs, the outcome is
 * {@link Outcome.Kind#LAUNCHER_LOST}. With a new pid namespace the command runs under a small init (PID 1)
 * that reaps orphans, forwards SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1 and SIGUSR2, and exits with the
 * command's status. RELIABILITY.md ("What jns guarantees") gives the measured times.
 */
public final class Spawn {
    private final EnumSet<NamespaceType> newNamespaces = EnumSet.noneOf(NamespaceType.class);
    private final List<NsHandle> joins = new ArrayList<>();
    private UserMapping userMapping = UserMapping.NONE;
    private List<IdMap> uidMap = List.of();
    private List<IdMap> gidMap = List.of();
    private SetGroups setGroups;
    private String hostname;
    private String domainname;
    private boolean mountProc;
    private Duration monotonicOffset = Duration.ZERO;
    private Duration boottimeOffset = Duration.ZERO;
    private Path directory;
    private String argv0;
    private Map<String, String> environment;
    private Redirect stdin = Redirect.PIPE;
    private Redirect stdout = Redirect.PIPE;
    private Redirect stderr = Redirect.PIPE;
    private boolean redirectErrorStream;
    private long runAsUid = -1;
    private long runAsGid = -1;
    private long joinAllPid = -1;
    private boolean loopback = true;
    private final Map<Integer, Integer> passFds = new java.util.TreeMap<>();
    private MountPlan mountPlan = new MountPlan();
    private Security security = Security.defaults();
    private Limits limits = Limits.none();
    private boolean init = true;
    private Duration timeout;
    private Duration killGrace = Duration.ofSeconds(2);
    private long captureLimit = DEFAULT_CAPTURE_LIMIT;

    /**
     * What lets {@link SpawnSpec#of} freeze a spawn, registered when that first asks for it (by loading this class),
     * not with {@code Spawn}: a JVM's first spawn, which does not need it, loads three classes fewer.
     */
    static final class SpecBridge implements SpawnSpec.Access.Bridge {
        static {
            SpawnSpec.Access.set(new SpecBridge());
        }

        private SpecBridge() {
        }

        @Override
        public SpawnSpec toSpec(Spawn spawn, String... command) {
            return spawn.toSpec(command);
        }
    }

    Spawn() {
    }

    /** Creates a new user namespace (uids, gids, capabilities). See {@link #mapRootUser()}. */
    public Spawn newUser() {
        return add(NamespaceType.USER);
    }

    /** Creates a new pid namespace; the command runs under an init that is PID 1. See {@link #mountProc()}. */
    public Spawn newPid() {
        return add(NamespaceType.PID);
    }

    /** Creates a new mount namespace, with {@link Propagation#PRIVATE} propagation unless told otherwise. */
    public Spawn newMount() {
        return add(NamespaceType.MOUNT);
    }

    /** Creates a new network namespace: only a loopback device, up unless {@link #loopback(boolean) loopback(false)}. */
    public Spawn newNet() {
        return add(NamespaceType.NET);
    }

    /** Creates a new UTS namespace (own hostname and domain name). See {@link #hostname(String)}. */
    public Spawn newUts() {
        return add(NamespaceType.UTS);
    }

    /** Creates a new IPC namespace (own System V IPC objects and POSIX message queues). */
    public Spawn newIpc() {
        return add(NamespaceType.IPC);
    }

    /** Creates a new cgroup namespace: the current cgroup becomes the root of the command's view. */
    public Spawn newCgroup() {
        return add(NamespaceType.CGROUP);
    }

    /** Creates a new time namespace (Linux 5.6+). See {@link #timeOffsets(Duration, Duration)}. */
    public Spawn newTime() {
        return add(NamespaceType.TIME);
    }

    private Spawn add(NamespaceType type) {
        newNamespaces.add(type);
        return this;
    }

    /**
     * Joins existing namespaces, as {@code nsenter} does. Each handle must stay open until {@link #start}
     * returns. The launcher checks that the handle's file is still the namespace it was (device and inode)
     * before it joins. User namespaces are joined first, mount namespaces last.
     *
     * <p>Joined and new namespaces combine: a joined user namespace owns the new ones (bubblewrap's
     * {@code --userns}), a joined pid namespace holds the command while mount, uts, net, ipc, cgroup or time
     * namespaces are new. A joined pid namespace with {@link #newPid()} gives a new pid namespace nested in the
     * joined one (bubblewrap's {@code --pidns} with {@code --unshare-pid}): the kernel makes a new pid namespace
     * a child of the creating process's active one, which a join does not change (clone fails with EINVAL), so
     * the launcher creates it from one more process whose own namespace is the joined one. Other types cannot be
     * both joined and created ({@link InvalidSpecException} at start): a new user namespace in a joined one is
     * not supported (bubblewrap refuses it too); for the rest a new namespace has nothing to do with the joined
     * one.
     */
    public Spawn join(NsHandle... namespaces) {
        Objects.requireNonNull(namespaces, "namespaces");
        for (NsHandle h : namespaces) {
            joins.add(Objects.requireNonNull(h, "namespaces[]"));
        }
        return this;
    }

    /**
     * Joins every namespace of process {@code pid} that differs from the caller's, as {@code nsenter -t PID -a}:
     * the namespaces are opened when {@link #start} runs and closed once it returned or failed. Namespaces the
     * caller is already in are skipped (rejoining one's own user namespace is an error), as are types this
     * spawn also creates or joins by handle. For pid and time namespaces the target's own ({@code ns/pid},
     * {@code ns/time}) are joined; the command is forked after the join, so it runs inside them. Rootless,
     * the target's user namespace is joined first, which grants the rights to join the namespaces it owns.
     *
     * @throws InvalidSpecException for a pid that is not positive
     */
    public Spawn joinAll(long pid) {
        if (pid <= 0) {
            throw new InvalidSpecException("joinAll pid", pid + " is not a process id", null);
        }
        joinAllPid = pid;
        return this;
    }

    /** Maps the caller's uid and gid to 0 inside a new user namespace, as {@code unshare --map-root-user}. */
    public Spawn mapRootUser() {
        userMapping = UserMapping.ROOT;
        uidMap = List.of();
        gidMap = List.of();
        return add(NamespaceType.USER);
    }

    /** Maps the caller's uid and gid to themselves inside a new user namespace ({@code --map-current-user}). */
    public Spawn mapCurrentUser() {
        userMapping = UserMapping.CURRENT;
        uidMap = List.of();
        gidMap = List.of();
        return add(NamespaceType.USER);
    }

    /**
     * Sets the uid map of a new user namespace. As root it is written directly; otherwise through
     * {@code newuidmap}, which allows the caller's own uid and the ranges {@code /etc/subuid} grants.
     */
    public Spawn uidMap(IdMap... ranges) {
        uidMap = List.copyOf(Arrays.asList(Objects.requireNonNull(ranges, "ranges")));
        userMapping = UserMapping.EXPLICIT;
        return add(NamespaceType.USER);
    }

    /** Sets the gid map of a new user namespace; see {@link #uidMap(IdMap...)} ({@code newgidmap}, {@code /etc/subgid}). */
    public Spawn gidMap(IdMap... ranges) {
        gidMap = List.copyOf(Arrays.asList(Objects.requireNonNull(ranges, "ranges")));
        userMapping = UserMapping.EXPLICIT;
        return add(NamespaceType.USER);
    }

    /**
     * Allows or denies setgroups(2) in the new user namespace. Default: {@link SetGroups#DENY} when an
     * unprivileged caller's own gid is mapped directly (the kernel requires it), else {@link SetGroups#ALLOW}.
     */
    public Spawn setGroups(SetGroups value) {
        setGroups = Objects.requireNonNull(value, "value");
        return add(NamespaceType.USER);
    }

    /**
     * Sets the hostname inside; needs a new (or joined) UTS namespace. RFC 1123: dot-separated labels of letters,
     * digits and '-' (not first or last in a label), 1 to 64 bytes in all (the kernel's limit).
     */
    public Spawn hostname(String name) {
        hostname = checkUtsName("hostname", name);
        return this;
    }

    /** Sets the NIS domain name inside; needs a new (or joined) UTS namespace. As {@link #hostname(String)}. */
    public Spawn domainname(String name) {
        domainname = checkUtsName("domainname", name);
        return this;
    }

    private static String checkUtsName(String field, String name) {
        Objects.requireNonNull(name, field);
        return dev.jns.internal.TextChecks.hostname(field, name);
    }

    /**
     * Mounts a new proc file system on {@code /proc} inside, so that {@code ps} and {@code /proc} show the new
     * pid namespace, as {@code unshare --mount-proc}. Implies {@link #newMount()}; use it with {@link #newPid()}.
     */
    public Spawn mountProc() {
        mountProc = true;
        return add(NamespaceType.MOUNT);
    }

    /**
     * Offsets of CLOCK_MONOTONIC and CLOCK_BOOTTIME inside a new time namespace (as
     * {@code unshare --time --monotonic S --boottime S}). Implies {@link #newTime()}. Negative offsets are
     * allowed as long as the clocks stay positive.
     */
    public Spawn timeOffsets(Duration monotonic, Duration boottime) {
        monotonicOffset = Objects.requireNonNull(monotonic, "monotonic");
        boottimeOffset = Objects.requireNonNull(boottime, "boottime");
        return add(NamespaceType.TIME);
    }

    /**
     * The {@code argv[0]} the command sees, when it should differ from the program that runs (bubblewrap's
     * {@code --argv0}; e.g. a multi-call binary such as busybox picks its applet from it). The program is still
     * found from the first word of {@link #start}'s command (through {@code PATH} when it has no '/'). Null (the
     * default) passes the program as given.
     */
    public Spawn argv0(String name) {
        if (name != null) {
            Checks.checkNoNul("argv0", name);
            checkSize("argv0", name);
        }
        argv0 = name;
        return this;
    }

    /** The command's working directory (as seen inside). Default: the JVM's. */
    public Spawn directory(Path dir) {
        Objects.requireNonNull(dir, "dir");
        Checks.checkNoNul("directory", dir.toString());
        directory = dir;
        return this;
    }

    /**
     * Sets (or, with a null value, removes) one environment variable of the command. Without {@link #clearEnv()}
     * the command starts from the JVM's whole environment, as with {@link ProcessBuilder} (its tokens and
     * credentials included): a sandbox should call {@code clearEnv()} first and pass only what it names.
     */
    public Spawn env(String key, String value) {
        Objects.requireNonNull(key, "key");
        if (key.isEmpty() || key.indexOf('=') >= 0) {
            throw new InvalidSpecException("env key", "'" + key + "' is empty or contains '='", null);
        }
        Checks.checkNoNul("env key", key);
        if (value != null) {
            Checks.checkNoNul("env " + key, value);
        }
        if (environment == null) {
            environment = new LinkedHashMap<>(System.getenv());
        }
        if (value == null) {
            environment.remove(key);
        } else {
            environment.put(key, value);
        }
        return this;
    }

    /**
     * Starts the command with an empty environment (then add with {@link #env(String, String)}): nothing of the
     * JVM's environment reaches it. Without this call a spawn inherits the JVM's environment, as
     * {@link ProcessBuilder} does.
     */
    public Spawn clearEnv() {
        environment = new LinkedHashMap<>();
        return this;
    }

    /** Where the command's stdin comes from. Default: {@link Redirect#PIPE}. */
    public Spawn redirectInput(Redirect source) {
        stdin = Objects.requireNonNull(source, "source");
        return this;
    }

    /** Where the command's stdout goes. Default: {@link Redirect#PIPE}. */
    public Spawn redirectOutput(Redirect destination) {
        stdout = Objects.requireNonNull(destination, "destination");
        return this;
    }

    /** Where the command's stderr goes. Default: {@link Redirect#PIPE}. */
    public Spawn redirectError(Redirect destination) {
        stderr = Objects.requireNonNull(destination, "destination");
        return this;
    }

    /** Sends stderr where stdout goes, as {@link ProcessBuilder#redirectErrorStream(boolean)}. */
    public Spawn redirectErrorStream(boolean merge) {
        redirectErrorStream = merge;
        return this;
    }

    /** The command uses the JVM's stdin, stdout and stderr. */
    public Spawn inheritIO() {
        stdin = Redirect.INHERIT;
        stdout = Redirect.INHERIT;
        stderr = Redirect.INHERIT;
        return this;
    }

    /** The highest fd number {@link #passFd(int, int)} can give the command. */
    public static final int MAX_PASS_TARGET = 1023;

    /**
     * Gives the command this process's open file descriptor {@code fd} as its descriptor {@code target}
     * (3 to {@value #MAX_PASS_TARGET}); every other descriptor above 2 is closed, as always. For callers that
     * hold raw descriptors (through jnr-ffi, JNA or {@code /proc/self/fd}); the command's stdio is set with the
     * redirects. The descriptor must stay open until {@link #start} returns. At most 16.
     */
    public Spawn passFd(int fd, int target) {
        if (fd < 0) {
            throw new InvalidSpecException("passFd fd", fd + " is not a file descriptor", null);
        }
        if (target < 3 || target > MAX_PASS_TARGET) {
            throw new InvalidSpecException("passFd target", target + " is outside 3.." + MAX_PASS_TARGET,
                    "0, 1 and 2 are set with redirectInput/Output/Error");
        }
        if (passFds.containsKey(target)) {
            throw new InvalidSpecException("passFd target", "fd " + target + " is given twice", null);
        }
        if (passFds.size() == 16) {
            throw new InvalidSpecException("passFd", "more than 16 fds to pass", null);
        }
        passFds.put(target, fd);
        return this;
    }

    /**
     * Whether the loopback device of a new network namespace is brought up (default: yes, so that 127.0.0.1
     * and ::1 work inside). The kernel creates it down; {@code false} leaves it so, as {@code unshare --net}.
     */
    public Spawn loopback(boolean up) {
        loopback = up;
        return this;
    }

    /**
     * For a root caller: the launcher switches to {@code uid}/{@code gid} (no supplementary groups) before it
     * does anything else, so namespaces are created exactly as that unprivileged user would create them.
     * Useful to run sandboxes as a service user, and to test rootless behaviour as root.
     */
    public Spawn runAs(long uid, long gid) {
        if (uid < 0 || uid > IdMap.MAX_ID) {
            throw new InvalidSpecException("runAs uid", uid + " is outside 0.." + IdMap.MAX_ID, null);
        }
        if (gid < 0 || gid > IdMap.MAX_ID) {
            throw new InvalidSpecException("runAs gid", gid + " is outside 0.." + IdMap.MAX_ID, null);
        }
        runAsUid = uid;
        runAsGid = gid;
        return this;
    }

    /**
     * The command's file-system view: a root switch, binds, tmpfs, proc, files... applied in order in a new mount
     * namespace (implied). A plan that {@linkplain MountPlan#confines() confines} the command makes this spawn
     * a <em>sandbox</em>, which gets the safe defaults of {@link Security#defaults()}. The plan is copied: later
     * changes to it do not reach this spawn. Replaces an earlier plan.
     */
    public Spawn mounts(MountPlan plan) {
        mountPlan = Objects.requireNonNull(plan, "plan").copy();
        return add(NamespaceType.MOUNT);
    }

    /** Capabilities, no_new_privs and session of the command; {@link Security#defaults()} unless set. */
    public Spawn security(Security value) {
        security = Objects.requireNonNull(value, "security");
        return this;
    }

    /**
     * Resource limits of the command; {@link Limits#none()} unless set: rlimits, and cgroup limits (memory, pids,
     * CPU) of the whole sandbox, which then runs in a cgroup of its own (see {@link Limits}).
     */
    public Spawn limits(Limits value) {
        limits = Objects.requireNonNull(value, "limits");
        return this;
    }

    /**
     * Whether a new pid namespace gets jns's init (PID 1, reaping orphans, forwarding signals; default true).
     * With {@code false} the command itself is PID 1, as {@code unshare -pf}: then it must reap its own
     * orphans, and signals without a handler in it are ignored. A new time namespace always needs a process
     * before the command, so {@code init(false)} with {@link #newTime()} is an {@link InvalidSpecException}, and
     * so is {@code init(false)} with a {@link MountPlan#lockFile lock file} (the init holds the lock).
     */
    public Spawn init(boolean on) {
        init = on;
        return this;
    }

    /** As {@link #timeout(Duration, Duration)} with a grace period of 2 seconds. */
    public Spawn timeout(Duration limit) {
        return timeout(limit, Duration.ofSeconds(2));
    }

    /**
     * Ends the command when it runs longer than {@code limit} (counted from its exec): SIGTERM first, then
     * SIGKILL after {@code grace} (zero: SIGKILL at once). The launcher's supervisor keeps the time, so a busy
     * or paused JVM does not delay it. When the command ends, every process it started ends with it (with or
     * without a pid namespace: the process tree ends with its command). {@link NsProcess#outcome()} then says
     * {@link Outcome.Kind#TIMED_OUT}.
     */
    public Spawn timeout(Duration limit, Duration grace) {
        Objects.requireNonNull(limit, "limit");
        Objects.requireNonNull(grace, "grace");
        if (limit.isNegative() || limit.toMillis() == 0) {
            throw new InvalidSpecException("timeout", limit + " is not at least 1 ms", null);
        }
        if (grace.isNegative()) {
            throw new InvalidSpecException("timeout grace", grace + " is negative", null);
        }
        if (limit.compareTo(Duration.ofDays(10_000)) > 0 || grace.compareTo(Duration.ofDays(10_000)) > 0) {
            throw new InvalidSpecException("timeout", "is over 10000 days", null);
        }
        timeout = limit;
        killGrace = grace;
        return this;
    }

    /** Checks every option and their combinations, and freezes them into a spec (see {@link SpawnSpec#of}). */
    private SpawnSpec toSpec(String... command) {
        return toSpec(List.of(), command);
    }

    private SpawnSpec toSpec(List<NsHandle> extraJoins, String... command) {
        Objects.requireNonNull(command, "command");
        if (command.length == 0) {
            throw new InvalidSpecException("command", "is empty", "name a program to run");
        }
        long total = 0;
        for (int i = 0; i < command.length; i++) {
            String field = "command[" + i + "]";
            if (command[i] == null) {
                throw new InvalidSpecException(field, "is null", null);
            }
            Checks.checkNoNul(field, command[i]);
            total += RECORD_HEADER_BYTES + checkSize(field, command[i]);
        }
        if (command[0].isEmpty()) {
            throw new InvalidSpecException("command[0]", "the program name is empty", null);
        }
        if (argv0 != null) {
            total += RECORD_HEADER_BYTES + checkSize("argv0", argv0); // its own record (ARGV0)
        }
        total += environment == null ? jvmEnvironmentBytes() : environmentBytes(environment);
        if (total > MAX_TOTAL_BYTES) {
            throw new InvalidSpecException("command", "arguments and environment take " + total
                    + " bytes as the launcher counts them (" + RECORD_HEADER_BYTES + " bytes of record header each "
                    + "included); at most " + MAX_TOTAL_BYTES + " are allowed",
                    "pass large data through a file or stdin" + (environment == null
                            ? "; the environment is the JVM's (clearEnv() and env(..) pass only what you name)" : ""));
        }
        EnumSet<NamespaceType> seen = EnumSet.noneOf(NamespaceType.class);
        List<NsHandle> orderedJoins = new ArrayList<>(joins);
        orderedJoins.addAll(extraJoins);
        for (NsHandle h : orderedJoins) {
            if (!h.isOpen()) {
                throw new InvalidSpecException("join", "handle " + h + " is closed", "join a handle before closing it");
            }
            if (!seen.add(h.type())) {
                throw new InvalidSpecException("join", "two " + h.type().procName() + " namespaces to join", null);
            }
            if (newNamespaces.contains(h.type()) && h.type() != NamespaceType.PID) {
                throw new InvalidSpecException("join", "asked both to join and to create a "
                        + h.type().procName() + " namespace", joinAndCreateHint(h.type()));
            }
        }
        // user first (it grants the rights for the others), mount last (it changes how paths resolve)
        if (orderedJoins.size() > 1) { // most spawns join nothing: no comparator to link on their first spawn
            orderedJoins.sort((a, b) -> Integer.compare(joinRank(a.type()), joinRank(b.type())));
        }
        if ((hostname != null || domainname != null) && !newNamespaces.contains(NamespaceType.UTS)
                && !seen.contains(NamespaceType.UTS)) {
            throw new InvalidSpecException(hostname != null ? "hostname" : "domainname",
                    "would change the host's name", "add newUts()");
        }
        if (userMapping == UserMapping.EXPLICIT) {
            if (uidMap.isEmpty()) {
                throw new InvalidSpecException("uidMap", "gidMap was given but no uidMap", "give both");
            }
            IdMap.validate("uidMap", uidMap);
            if (!gidMap.isEmpty()) {
                IdMap.validate("gidMap", gidMap);
            }
        }
        if (seen.contains(NamespaceType.USER) && newNamespaces.contains(NamespaceType.USER)) {
            throw new InvalidSpecException("join", "asked both to join and to create a user namespace",
                    joinAndCreateHint(NamespaceType.USER));
        }
        List<dev.jns.sandbox.Mount> entries = mountPlan.entries();
        MountPlan.validate(entries);
        long plan = MountPlan.recordBytes(entries);
        if (total + plan > MAX_TOTAL_BYTES) {
            throw new InvalidSpecException("mounts", "the mount plan takes " + plan + " bytes and arguments and "
                    + "environment " + total + " as the launcher counts them; at most " + MAX_TOTAL_BYTES
                    + " are allowed together", "bind files instead of writing large ones with file(..)");
        }
        String root = mountPlan.root().orElse(null);
        if (!init && newNamespaces.contains(NamespaceType.TIME)) {
            throw new InvalidSpecException("init", "a new time namespace needs a process before the command "
                    + "(the namespace applies to children only)", "drop init(false) or newTime()");
        }
        if (!init && mountPlan.hasLockFile()) {
            throw new InvalidSpecException("init", "a lock file of the mount plan is held by the sandbox's init "
                    + "until the command ends", "drop init(false) or MountPlan.lockFile(..)");
        }
        if (mountPlan.propagation() == Propagation.SHARED || mountPlan.propagation() == Propagation.UNCHANGED) {
            for (int i = 0; i < entries.size(); i++) {
                if (entries.get(i).kind() == dev.jns.sandbox.Mount.Kind.BIND_DATA) {
                    throw new InvalidSpecException("mounts[" + i + "] (" + entries.get(i).describe() + ")",
                            "stages its file on a tmpfs for a moment, which " + mountPlan.propagation()
                            + " propagation could show to other mount namespaces", "use PRIVATE (the default) or SLAVE");
                }
            }
        }
        // SHARED: pivot_root refuses a shared parent. UNCHANGED: under a shared / (systemd's default) the staging
        // tmpfs and every bind would propagate into the caller's namespace before pivot_root fails; and once the
        // root is switched the caller's tree is gone, so keeping its propagation has no use (issue 13, item 10).
        if (root != null && mountPlan.propagationSet() && (mountPlan.propagation() == Propagation.SHARED
                || mountPlan.propagation() == Propagation.UNCHANGED)) {
            throw new InvalidSpecException("mounts propagation", "a root switch (pivot_root) needs / private or "
                    + "slave, not " + mountPlan.propagation() + ": the staging mounts would reach the caller's "
                    + "namespace", "use PRIVATE (the default) or SLAVE propagation");
        }
        Path dir = directory == null || root != null ? directory
                : Paths.get(System.getProperty("user.dir")).resolve(directory).normalize();
        if (dir != null && root != null) {
            Checks.checkPath("directory", dir.toString()); // a path in the new root: the JVM's means nothing there
        }
        return SpawnSpec.builder()
                .command(List.of(command))
                .argv0(argv0)
                .newNamespaces(newNamespaces)
                .joins(orderedJoins)
                .users(userMapping, uidMap, gidMap, setGroups)
                .names(hostname, domainname)
                .mountProc(mountProc)
                .propagation(mountPlan.propagation())
                .timeOffsets(monotonicOffset, boottimeOffset)
                .directory(dir)
                .environment(environment == null ? System.getenv() : environment)
                .stdio(stdin, stdout, stderr, redirectErrorStream)
                .runAs(runAsUid, runAsGid)
                .mounts(entries, root)
                .security(security)
                .limits(limits)
                .init(init)
                .timeout(timeout, killGrace)
                .captureLimit(captureLimit)
                .loopback(loopback)
                .passFds(passFds)
                .build();
    }

    /** Why a type cannot be both joined and created, and what works instead (see {@link #join}). */
    private static String joinAndCreateHint(NamespaceType type) {
        return switch (type) {
            case USER -> "a new user namespace inside a joined one is not supported (nor by bubblewrap: --userns "
                    + "excludes --unshare-user): join it and create the other types, which it then owns";
            default -> "a new " + type.procName() + " namespace does not nest in a joined one (only pid and user "
                    + "namespaces form a hierarchy): choose one";
        };
    }

    private static int joinRank(NamespaceType t) {
        return t == NamespaceType.USER ? 0 : t == NamespaceType.MOUNT ? 2 : 1;
    }

    /** The most bytes one argument or environment entry may have (the launcher's record limit). */
    public static final int MAX_ARG_BYTES = 64 * 1024;
    /**
     * The most bytes that arguments (and {@link #argv0}), environment entries and the mount plan may take
     * together, counted as the launcher counts them: each entry's UTF-8 bytes plus an
     * {@value #RECORD_HEADER_BYTES}-byte record header (see {@link MountPlan#recordBytes} for mount entries). The
     * launcher reads at most 1 MiB of spec; 64 KiB of it are kept for the other records (id maps, paths, limits).
     */
    public static final int MAX_TOTAL_BYTES = 1024 * 1024 - 64 * 1024;
    /** The launcher's record header: tag, reserved, length. */
    public static final int RECORD_HEADER_BYTES = 8;

    /** The JVM's environment never changes: checked and counted once. */
    private static volatile long jvmEnvironmentBytes = -1;

    private static long jvmEnvironmentBytes() {
        long n = jvmEnvironmentBytes;
        if (n < 0) {
            n = environmentBytes(System.getenv());
            jvmEnvironmentBytes = n;
        }
        return n;
    }

    /** Checks every entry of {@code env} (C text, size) and returns the bytes its records take. */
    private static long environmentBytes(Map<String, String> env) {
        long total = 0;
        for (Map.Entry<String, String> e : env.entrySet()) {
            Checks.checkNoNul("env " + e.getKey(), e.getKey() + "=" + e.getValue());
            total += RECORD_HEADER_BYTES + checkSize("env " + e.getKey(), e.getKey() + "=" + e.getValue());
        }
        return total;
    }

    private static int checkSize(String field, String s) {
        int n = s.getBytes(StandardCharsets.UTF_8).length;
        if (n > MAX_ARG_BYTES) {
            throw new InvalidSpecException(field, "is " + n + " bytes; at most " + MAX_ARG_BYTES + " are allowed",
                    "pass large data through a file or stdin");
        }
        return n;
    }

    /**
     * Starts the command. Returns once the command has been executed in its namespaces; every setup failure
     * is thrown from here, naming the step, the errno and what to do ({@link NamespaceException}); a command
     * that cannot be executed (missing, not executable) too.
     */
    public NsProcess start(String... command) {
        try {
            if (joinAllPid < 0) {
                return Namespaces.provider().start(toSpec(command));
            }
            List<NsHandle> opened = openJoinAll();
            try {
                return Namespaces.provider().start(toSpec(opened, command));
            } finally {
                opened.forEach(NsHandle::close);
            }
        } finally {
            dev.jns.internal.Providers.prepared();
        }
    }

    /** Opens the namespaces of {@link #joinAll(long)}'s process that differ from the caller's. */
    private List<NsHandle> openJoinAll() {
        List<NsHandle> opened = new ArrayList<>();
        try {
            for (NamespaceType t : NamespaceType.values()) {
                if (newNamespaces.contains(t) || joins.stream().anyMatch(h -> h.type() == t)) {
                    continue;
                }
                NsHandle mine;
                try {
                    mine = Namespaces.current(t);
                } catch (NamespaceException e) {
                    if (e.errno() == Errno.ENOENT) {
                        continue; // the kernel lacks this type
                    }
                    throw e;
                }
                try (mine) {
                    NsHandle theirs = Namespaces.of(joinAllPid, t);
                    if (theirs.equals(mine)) {
                        theirs.close();
                    } else {
                        opened.add(theirs);
                    }
                }
            }
            return opened;
        } catch (RuntimeException e) {
            opened.forEach(NsHandle::close);
            throw e;
        }
    }

    /** The default of {@link #captureLimit(long)}: 64 MiB per stream. */
    public static final long DEFAULT_CAPTURE_LIMIT = 64L << 20;

    /**
     * The most bytes {@link #run(String...)} keeps of stdout, and of stderr (default
     * {@link #DEFAULT_CAPTURE_LIMIT}, 64 MiB each). Past it the command still writes freely — the output is read
     * and dropped, never left to block it — and {@link SpawnResult#outputTruncated()} says so. For output of any
     * size, stream it instead: {@link #start(String...)} and read {@link NsProcess#getInputStream()}, or
     * {@link #redirectOutput(java.lang.ProcessBuilder.Redirect) redirectOutput}{@code (Redirect.to(file))}.
     *
     * @throws InvalidSpecException when {@code bytes} is negative
     */
    public Spawn captureLimit(long bytes) {
        if (bytes < 0) {
            throw new InvalidSpecException("captureLimit", bytes + " is negative", null);
        }
        captureLimit = bytes;
        return this;
    }

    /**
     * Starts the command, waits for it, and returns its exit code and what it wrote. Stdout and stderr are
     * captured (as UTF-8, up to {@link #captureLimit(long)} bytes each) unless redirected elsewhere; stdin,
     * unless redirected, is closed at once. It returns when the command has ended and every process it started
     * is gone (the process tree ends with its command), not when its output pipes close; it uses no thread but
     * the caller's. An interrupt of the calling thread kills the process tree and throws a {@link NamespaceException}
     * (EINTR). To stream the output instead of holding it in memory, use {@link #start(String...)} and the
     * process's streams, or redirect it to a file.
     */
    public SpawnResult run(String... command) {
        try {
            if (joinAllPid < 0) {
                return Namespaces.provider().run(toSpec(command));
            }
            List<NsHandle> opened = openJoinAll();
            try {
                return Namespaces.provider().run(toSpec(opened, command));
            } finally {
                opened.forEach(NsHandle::close);
            }
        } finally {
            dev.jns.internal.Providers.prepared();
        }
    }
}
