package dev.jns.spi;

import dev.jns.IdMap;
import dev.jns.NamespaceType;
import dev.jns.NsHandle;
import dev.jns.SetGroups;
import dev.jns.Spawn;
import dev.jns.sandbox.Capability;
import dev.jns.sandbox.Limits;
import dev.jns.sandbox.Mount;
import dev.jns.sandbox.MountPlan;
import dev.jns.sandbox.Propagation;
import dev.jns.sandbox.Security;

import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * A validated, immutable description of one spawn, made by {@link Spawn} for a {@link NamespaceProvider}.
 * Implied options are already resolved ({@code mountProc} implies a new mount namespace, a mapping implies a
 * new user namespace, time offsets a new time namespace). Built with {@link #builder()}; {@link #of} makes one
 * from a {@link Spawn}, checking every option as {@link Spawn#start} does.
 */
public final class SpawnSpec {
    private final List<String> command;
    private final Set<NamespaceType> newNamespaces;
    private final List<NsHandle> joins;
    private final UserMapping userMapping;
    private final List<IdMap> uidMap;
    private final List<IdMap> gidMap;
    private final SetGroups setGroups;
    private final String hostname;
    private final String domainname;
    private final boolean mountProc;
    private final Propagation propagation;
    private final Duration monotonicOffset;
    private final Duration boottimeOffset;
    private final Path directory;
    private final String argv0;
    private final Map<String, String> environment;
    private final Redirect stdin;
    private final Redirect stdout;
    private final Redirect stderr;
    private final boolean redirectErrorStream;
    private final long runAsUid;
    private final long runAsGid;
    private final Sandbox sandbox;
    private final long captureLimit;
    /** {@link #describe()}, made on first use (error messages and logs need it; most spawns only once). */
    private String description;

    private SpawnSpec(Builder b) {
        command = List.copyOf(b.command);
        newNamespaces = b.newNamespaces.isEmpty() ? Set.of()
                : Collections.unmodifiableSet(EnumSet.copyOf(b.newNamespaces));
        joins = List.copyOf(b.joins);
        userMapping = Objects.requireNonNull(b.userMapping, "userMapping");
        uidMap = List.copyOf(b.uidMap);
        gidMap = List.copyOf(b.gidMap);
        setGroups = b.setGroups;
        hostname = b.hostname;
        domainname = b.domainname;
        mountProc = b.mountProc;
        propagation = Objects.requireNonNull(b.propagation, "propagation");
        monotonicOffset = Objects.requireNonNull(b.monotonicOffset, "monotonicOffset");
        boottimeOffset = Objects.requireNonNull(b.boottimeOffset, "boottimeOffset");
        directory = b.directory;
        argv0 = b.argv0;
        // the JVM's own environment is immutable already: kept as it is (no copy of ~40 entries per spawn)
        environment = b.environment == System.getenv() ? b.environment : Map.copyOf(b.environment);
        stdin = Objects.requireNonNull(b.stdin, "stdin");
        stdout = Objects.requireNonNull(b.stdout, "stdout");
        stderr = Objects.requireNonNull(b.stderr, "stderr");
        redirectErrorStream = b.redirectErrorStream;
        runAsUid = b.runAsUid;
        runAsGid = b.runAsGid;
        sandbox = new Sandbox(b);
        captureLimit = b.captureLimit;
    }

    /** The most bytes {@code run()} keeps of stdout and of stderr, each ({@link dev.jns.Spawn#captureLimit}). */
    public long captureLimit() {
        return captureLimit;
    }

    /** An empty builder: no namespaces, the JVM's environment, pipes for stdio, the defaults of a sandbox. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Checks every option of {@code spawn} and their combinations, and freezes them into a spec, as
     * {@link Spawn#start} does (for implementations, tools and tests that validate without starting).
     *
     * @throws dev.jns.InvalidSpecException naming the first option at fault
     */
    public static SpawnSpec of(Spawn spawn, String... command) {
        return Access.bridge().toSpec(spawn, command);
    }

    /** Program and arguments, at least one element. */
    public List<String> command() {
        return command;
    }

    /** The namespaces to create. */
    public Set<NamespaceType> newNamespaces() {
        return newNamespaces;
    }

    /** Namespaces to join, at most one per type, none of a type in {@link #newNamespaces()}; user first, mount last. */
    public List<NsHandle> joins() {
        return joins;
    }

    /** How ids are mapped in a new user namespace. */
    public UserMapping userMapping() {
        return userMapping;
    }

    /** The uid map for {@link UserMapping#EXPLICIT}, else empty. */
    public List<IdMap> uidMap() {
        return uidMap;
    }

    /** The gid map for {@link UserMapping#EXPLICIT} (may be empty), else empty. */
    public List<IdMap> gidMap() {
        return gidMap;
    }

    /** What to write to {@code setgroups}, null for the implementation's default. */
    public SetGroups setGroups() {
        return setGroups;
    }

    /** Hostname to set in the new or joined uts namespace, or null. */
    public String hostname() {
        return hostname;
    }

    /** NIS domain name to set, or null. */
    public String domainname() {
        return domainname;
    }

    /** Whether to mount a new proc on /proc inside. */
    public boolean mountProc() {
        return mountProc;
    }

    /** Propagation applied to / in a new mount namespace. */
    public Propagation propagation() {
        return propagation;
    }

    /** CLOCK_MONOTONIC offset of a new time namespace (zero: none). */
    public Duration monotonicOffset() {
        return monotonicOffset;
    }

    /** CLOCK_BOOTTIME offset of a new time namespace (zero: none). */
    public Duration boottimeOffset() {
        return boottimeOffset;
    }

    /** The command's {@code argv[0]} when it differs from the program ({@code command().get(0)}), or null. */
    public String argv0() {
        return argv0;
    }

    /** Absolute working directory of the command, or null for the JVM's. */
    public Path directory() {
        return directory;
    }

    /** The command's whole environment. */
    public Map<String, String> environment() {
        return environment;
    }

    /** Where stdin comes from. */
    public Redirect stdin() {
        return stdin;
    }

    /** Where stdout goes. */
    public Redirect stdout() {
        return stdout;
    }

    /** Where stderr goes. */
    public Redirect stderr() {
        return stderr;
    }

    /** Whether stderr goes where stdout goes. */
    public boolean redirectErrorStream() {
        return redirectErrorStream;
    }

    /** Uid to switch to before anything else (root callers only), or -1. */
    public long runAsUid() {
        return runAsUid;
    }

    /** Gid to switch to, or -1. */
    public long runAsGid() {
        return runAsGid;
    }

    /** Mount plan, root switch, security, limits and process options. */
    public Sandbox sandbox() {
        return sandbox;
    }

    /** Whether a namespace of {@code type} is created or joined. */
    public boolean touches(NamespaceType type) {
        if (newNamespaces.contains(type)) {
            return true;
        }
        for (NsHandle h : joins) {
            if (h.type() == type) {
                return true;
            }
        }
        return false;
    }

    /** A short description for error messages: {@code "spawn of new [user, pid] running 'ps -e'"}, or {@code "spawn running 'ps -e'"} when nothing is created or joined. */
    public String describe() {
        String d = description;
        if (d == null) {
            d = buildDescription();
            description = d; // a racy cache is fine: any thread computes the same immutable String
        }
        return d;
    }

    private String buildDescription() {
        StringBuilder sb = new StringBuilder("spawn");
        if (!newNamespaces.isEmpty()) {
            // a loop rather than a stream: this is on every process's first spawn, where each stream
            // and lambda is linked for the first time
            StringJoiner names = new StringJoiner(", ", "[", "]");
            for (NamespaceType t : newNamespaces) {
                names.add(t.procName());
            }
            sb.append(" of new ").append(names);
        }
        if (!joins.isEmpty()) {
            sb.append(" joining ").append(joins);
        }
        String cmd = String.join(" ", command);
        if (cmd.length() > 80) {
            cmd = cmd.substring(0, 77) + "...";
        }
        return sb.append(" running '").append(cmd).append('\'').toString();
    }

    @Override
    public String toString() {
        return describe();
    }

    /**
     * The sandbox part of a spawn: the mount plan, root switch, security, limits, and process options.
     */
    public static final class Sandbox {
        private final List<Mount> mounts;
        private final String root;
        private final Security security;
        private final Limits limits;
        private final boolean init;
        private final Duration timeout;
        private final Duration killGrace;
        private final boolean loopback;
        private final Map<Integer, Integer> passFds;

        private Sandbox(Builder b) {
            mounts = List.copyOf(b.mounts);
            root = b.root;
            security = Objects.requireNonNull(b.security, "security");
            limits = Objects.requireNonNull(b.limits, "limits");
            init = b.init;
            timeout = b.timeout;
            killGrace = Objects.requireNonNull(b.killGrace, "killGrace");
            loopback = b.loopback;
            passFds = Collections.unmodifiableMap(new TreeMap<>(b.passFds));
        }

        /** The mount plan, in order (validated: see {@link MountPlan#validate}). */
        public List<Mount> mounts() {
            return mounts;
        }

        /** What becomes the root: null (none), "" (an empty tmpfs), or an absolute directory. */
        public String root() {
            return root;
        }

        /** Capabilities, no_new_privs, session. */
        public Security security() {
            return security;
        }

        /** Resource limits. */
        public Limits limits() {
            return limits;
        }

        /** Capabilities to keep (all others dropped, the kept ones made ambient), or null. */
        public Set<Capability> keepCaps() {
            return security.keptCapabilities().orElse(null);
        }

        /** Capabilities to drop (the others unchanged), or null; never both with {@link #keepCaps()}. */
        public Set<Capability> dropCaps() {
            return security.droppedCapabilities().orElse(null);
        }

        /** Resource limits: resource, soft, hard. */
        public List<Limits.ResourceLimit> rlimits() {
            return limits.rlimits();
        }

        /** Whether to set PR_SET_NO_NEW_PRIVS before exec. */
        public boolean noNewPrivileges() {
            return security.noNewPrivileges();
        }

        /** Whether to call setsid() before exec (the security's choice, or the default for a sandbox or not). */
        public boolean newSession() {
            return security.ownSession(confines());
        }

        /** Whether to run an init when a new pid namespace asks for one (false: the command is PID 1). */
        public boolean init() {
            return init;
        }

        /** How long the command may run from exec, or null. */
        public Duration timeout() {
            return timeout;
        }

        /** How long after SIGTERM the timeout sends SIGKILL. */
        public Duration killGrace() {
            return killGrace;
        }

        /** Whether to bring {@code lo} up in a new network namespace. */
        public boolean loopback() {
            return loopback;
        }

        /** Fds of the caller to give the command: target fd in the command to the caller's fd. */
        public Map<Integer, Integer> passFds() {
            return passFds;
        }

        /** Whether this is a sandbox in bubblewrap's sense: a mount plan or a root switch. */
        public boolean confines() {
            return !mounts.isEmpty() || root != null;
        }
    }

    /** How ids are mapped in a new user namespace. */
    public enum UserMapping {
        /** No map was asked for; the implementation maps the caller's own ids when it must add a user namespace. */
        NONE,
        /** The caller's uid and gid are 0 inside ({@code unshare -r}). */
        ROOT,
        /** The caller's uid and gid are the same inside ({@code unshare --map-current-user}). */
        CURRENT,
        /** {@code uidMap} and {@code gidMap} as given. */
        EXPLICIT
    }

    /** Builds a {@link SpawnSpec}; it checks only that required values are there ({@link Spawn} validates). */
    public static final class Builder {
        private List<String> command = List.of();
        private Set<NamespaceType> newNamespaces = Set.of();
        private List<NsHandle> joins = List.of();
        private UserMapping userMapping = UserMapping.NONE;
        private List<IdMap> uidMap = List.of();
        private List<IdMap> gidMap = List.of();
        private SetGroups setGroups;
        private String hostname;
        private String domainname;
        private boolean mountProc;
        private Propagation propagation = Propagation.PRIVATE;
        private Duration monotonicOffset = Duration.ZERO;
        private Duration boottimeOffset = Duration.ZERO;
        private Path directory;
        private String argv0;
        private Map<String, String> environment = System.getenv();
        private Redirect stdin = Redirect.PIPE;
        private Redirect stdout = Redirect.PIPE;
        private Redirect stderr = Redirect.PIPE;
        private boolean redirectErrorStream;
        private long runAsUid = -1;
        private long runAsGid = -1;
        private long captureLimit = dev.jns.Spawn.DEFAULT_CAPTURE_LIMIT;
        private List<Mount> mounts = List.of();
        private String root;
        private Security security = Security.defaults();
        private Limits limits = Limits.none();
        private boolean init = true;
        private Duration timeout;
        private Duration killGrace = Duration.ofSeconds(2);
        private boolean loopback = true;
        private Map<Integer, Integer> passFds = Map.of();

        private Builder() {
        }

        /** See {@link SpawnSpec#command()}. */
        public Builder command(List<String> v) {
            command = v;
            return this;
        }

        /** See {@link SpawnSpec#newNamespaces()}. */
        public Builder newNamespaces(Set<NamespaceType> v) {
            newNamespaces = v;
            return this;
        }

        /** See {@link SpawnSpec#joins()}. */
        public Builder joins(List<NsHandle> v) {
            joins = v;
            return this;
        }

        /** See {@link SpawnSpec#userMapping()}, {@link SpawnSpec#uidMap()}, {@link SpawnSpec#gidMap()}. */
        public Builder users(UserMapping mapping, List<IdMap> uid, List<IdMap> gid, SetGroups groups) {
            userMapping = mapping;
            uidMap = uid;
            gidMap = gid;
            setGroups = groups;
            return this;
        }

        /** See {@link SpawnSpec#hostname()} and {@link SpawnSpec#domainname()}. */
        public Builder names(String host, String domain) {
            hostname = host;
            domainname = domain;
            return this;
        }

        /** See {@link SpawnSpec#mountProc()}. */
        public Builder mountProc(boolean v) {
            mountProc = v;
            return this;
        }

        /** See {@link SpawnSpec#propagation()}. */
        public Builder propagation(Propagation v) {
            propagation = v;
            return this;
        }

        /** See {@link SpawnSpec#monotonicOffset()} and {@link SpawnSpec#boottimeOffset()}. */
        public Builder timeOffsets(Duration monotonic, Duration boottime) {
            monotonicOffset = monotonic;
            boottimeOffset = boottime;
            return this;
        }

        /** See {@link SpawnSpec#argv0()}. */
        public Builder argv0(String v) {
            argv0 = v;
            return this;
        }

        /** See {@link SpawnSpec#directory()}. */
        public Builder directory(Path v) {
            directory = v;
            return this;
        }

        /** See {@link SpawnSpec#environment()}. */
        public Builder environment(Map<String, String> v) {
            environment = v;
            return this;
        }

        /** See {@link SpawnSpec#stdin()} and the others. */
        public Builder stdio(Redirect in, Redirect out, Redirect err, boolean mergeErrorIntoOutput) {
            stdin = in;
            stdout = out;
            stderr = err;
            redirectErrorStream = mergeErrorIntoOutput;
            return this;
        }

        /** See {@link SpawnSpec#captureLimit()}. */
        public Builder captureLimit(long bytes) {
            captureLimit = bytes;
            return this;
        }

        /** See {@link SpawnSpec#runAsUid()}. */
        public Builder runAs(long uid, long gid) {
            runAsUid = uid;
            runAsGid = gid;
            return this;
        }

        /** See {@link Sandbox#mounts()} and {@link Sandbox#root()}. */
        public Builder mounts(List<Mount> entries, String rootSwitch) {
            mounts = entries;
            root = rootSwitch;
            return this;
        }

        /** See {@link Sandbox#security()}. */
        public Builder security(Security v) {
            security = v;
            return this;
        }

        /** See {@link Sandbox#limits()}. */
        public Builder limits(Limits v) {
            limits = v;
            return this;
        }

        /** See {@link Sandbox#init()}. */
        public Builder init(boolean v) {
            init = v;
            return this;
        }

        /** See {@link Sandbox#timeout()} and {@link Sandbox#killGrace()}. */
        public Builder timeout(Duration limit, Duration grace) {
            timeout = limit;
            killGrace = grace;
            return this;
        }

        /** See {@link Sandbox#loopback()}. */
        public Builder loopback(boolean v) {
            loopback = v;
            return this;
        }

        /** See {@link Sandbox#passFds()}. */
        public Builder passFds(Map<Integer, Integer> v) {
            passFds = v;
            return this;
        }

        /** The spec. */
        public SpawnSpec build() {
            return new SpawnSpec(this);
        }
    }

    /**
     * How {@link #of} reaches {@link Spawn}'s package-private validation. Internal: set by {@code Spawn}'s
     * static initialiser.
     */
    public static final class Access {
        private static volatile Bridge bridge;

        private Access() {
        }

        /** Internal: what {@link Spawn} implements. */
        public interface Bridge {
            /** Validates and freezes. */
            SpawnSpec toSpec(Spawn spawn, String... command);
        }

        /** Internal: called once by {@link Spawn}. */
        public static void set(Bridge b) {
            if (bridge != null) {
                throw new IllegalStateException("already set");
            }
            bridge = b;
        }

        static Bridge bridge() {
            Bridge b = bridge;
            if (b == null) {
                try {
                    Class.forName(Spawn.class.getName() + "$SpecBridge", true, Spawn.class.getClassLoader());
                } catch (ClassNotFoundException e) {
                    throw new IllegalStateException(e);
                }
                b = bridge;
            }
            return b;
        }
    }
}
