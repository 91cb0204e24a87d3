package dev.jns.linux.spawn;

import dev.jns.sandbox.Capability;
import dev.jns.IdMap;
import dev.jns.sandbox.Limits;
import dev.jns.sandbox.BindOwner;
import dev.jns.sandbox.Mount;
import dev.jns.sandbox.MountPlan;
import dev.jns.InvalidSpecException;
import dev.jns.NamespaceException;
import dev.jns.NamespaceType;
import dev.jns.NsHandle;
import dev.jns.Outcome;
import dev.jns.sandbox.Propagation;
import dev.jns.SetGroups;
import dev.jns.sandbox.SeccompFilter;
import dev.jns.sandbox.Security;
import dev.jns.spi.SpawnSpec;
import dev.jns.spi.SpawnSpec.UserMapping;
import dev.jns.linux.cgroup.CgroupHost;
import dev.jns.linux.cgroup.CgroupPlan;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The decisions made for one spawn, from what was asked ({@link SpawnSpec}) and who asks
 * ({@link Privileges}): which namespaces are really created (a user namespace is added for an unprivileged
 * caller), how id maps are written (directly or through newuidmap/newgidmap), and what setgroups says.
 */
public final class LaunchPlan {
    // The launcher's fixed fds, the twins of steps.h's enum fixed_fd (ProtocolTablesTest): the positions of
    // Spawner's source list.
    /** The launcher's fd of the spec pipe. */
    static final int FD_SPEC = 3;
    /** The launcher's fd of the status pipe. */
    static final int FD_STATUS = 4;
    /** The launcher's fd of the lifeline. */
    static final int FD_LIFELINE = 5;
    /** The launcher's fd of the first namespace to join; the next ones follow, then the fds to pass. */
    public static final int FD_FIRST_JOIN = 6;

    /** The launcher's limits (spec.h SPEC_MAX_TOTAL, SPEC_MAX_PAYLOAD): the whole spec, one record's payload. */
    static final int SPEC_MAX_TOTAL = 1 << 20;
    static final int SPEC_MAX_PAYLOAD = 64 << 10;

    private static final int HELPER_UID = SpecEncoder.MAP_HELPER_UID;
    private static final int HELPER_GID = SpecEncoder.MAP_HELPER_GID;

    final SpawnSpec spec;
    final Privileges who;
    final Set<NamespaceType> created;
    final boolean userAdded;
    final String uidMap;
    final String gidMap;
    final int helpers;
    final String newuidmap;
    final String newgidmap;
    final SetGroups setGroups;
    /** The sandbox's cgroup, or null when its limits need none. */
    final CgroupPlan cgroup;
    /** The unprivileged host ids of a root caller's sandbox (issue 13 item 1), or null. */
    final SandboxIds sandboxIds;
    /** Per mount plan index: {uid idmap, gid idmap} of an idmapped bind (issue 19); absent: not idmapped. */
    final Map<Integer, String[]> idmaps;
    /** Whether the launcher's first process becomes uid and gid 0 of its user namespace (SET_IDS). */
    final boolean setIds;

    private LaunchPlan(SpawnSpec spec, Privileges who, Set<NamespaceType> created, boolean userAdded, String uidMap,
                       String gidMap, int helpers, String newuidmap, String newgidmap, SetGroups setGroups,
                       SandboxIds sandboxIds, boolean setIds, Map<Integer, String[]> idmaps, CgroupPlan cgroup) {
        this.spec = spec;
        this.who = who;
        this.created = created;
        this.userAdded = userAdded;
        this.uidMap = uidMap;
        this.gidMap = gidMap;
        this.helpers = helpers;
        this.newuidmap = newuidmap;
        this.newgidmap = newgidmap;
        this.setGroups = setGroups;
        this.sandboxIds = sandboxIds;
        this.setIds = setIds;
        this.idmaps = idmaps;
        this.cgroup = cgroup;
    }

    /** Decides how to carry out {@code spec} for a JVM with privileges {@code jvm}. */
    public static LaunchPlan of(SpawnSpec spec, Privileges jvm) {
        checkSeccomp(spec);
        Privileges who = jvm;
        if (spec.runAsUid() >= 0) {
            if (!jvm.privileged()) {
                throw new InvalidSpecException("runAs", "switching to uid " + spec.runAsUid() + " needs root",
                        "drop runAs(), or run the JVM as root");
            }
            who = Privileges.unprivileged(spec.runAsUid(), spec.runAsGid());
        }
        EnumSet<NamespaceType> created = spec.newNamespaces().isEmpty()
                ? EnumSet.noneOf(NamespaceType.class) : EnumSet.copyOf(spec.newNamespaces());
        UserMapping mapping = spec.userMapping();
        boolean userAdded = false;
        boolean joinsUser = false;
        for (NsHandle h : spec.joins()) {
            joinsUser |= h.type() == NamespaceType.USER;
        }
        if (!who.privileged() && !joinsUser && !created.contains(NamespaceType.USER) && !created.isEmpty()) {
            // Without CAP_SYS_ADMIN only a user namespace can be made; it then owns the others (as bwrap does).
            created.add(NamespaceType.USER);
            mapping = UserMapping.CURRENT;
            userAdded = true;
        }
        // Issue 13, item 1: a root caller's sandbox never runs as host root unless asked (Security.allowHostRoot).
        SandboxIds sandboxIds = null;
        boolean setIds = false;
        if (who.privileged() && spec.sandbox().confines() && !joinsUser && !allowHostRoot(spec)) {
            if (mapping == UserMapping.EXPLICIT) {
                refuseHostRoot("uidMap", spec.uidMap());
                refuseHostRoot("gidMap", spec.gidMap());
                // the caller's own uid 0 is then not mapped: the sandbox starts as its inside root
                setIds = mapsInsideRoot(spec.uidMap()) && mapsInsideRoot(spec.gidMap());
            } else {
                sandboxIds = SandboxIds.resolve(subordinateIds(spec));
                created.add(NamespaceType.USER);
            }
        }
        String uid = null;
        String gid = null;
        if (sandboxIds != null) {
            uid = sandboxIds.uidMap();
            gid = sandboxIds.gidMap();
        } else if (created.contains(NamespaceType.USER)) {
            // if, not switch, over the enums of this file (and Spawner's): javac makes the switches over enums of a
            // file one synthetic class of switch maps, whose initialization loads every enum switched over (here
            // BindOwner.Kind and SeccompFilter.Action too, with their outer classes), which a JVM's first spawn
            // would pay for without using them
            if (mapping == UserMapping.ROOT) {
                uid = "0 " + who.euid() + " 1\n";
                gid = "0 " + who.egid() + " 1\n";
            } else if (mapping == UserMapping.CURRENT) {
                uid = who.euid() + " " + who.euid() + " 1\n";
                gid = who.egid() + " " + who.egid() + " 1\n";
            } else if (mapping == UserMapping.EXPLICIT) {
                uid = IdMap.format(spec.uidMap());
                gid = spec.gidMap().isEmpty() ? null : IdMap.format(spec.gidMap());
            }
            // UserMapping.NONE, as unshare -U: ids stay unmapped (the overflow id, 65534, inside)
        }
        SetGroups asked = spec.setGroups();
        int helpers = 0;
        if (uid != null && !who.privileged() && !selfOnly(spec.uidMap(), mapping, who.euid())) {
            helpers |= HELPER_UID;
        }
        if (gid != null && !who.privileged()
                && (!selfOnly(spec.gidMap(), mapping, who.egid()) || asked == SetGroups.ALLOW)) {
            helpers |= HELPER_GID;
        }
        SetGroups setGroups = asked;
        if (gid != null && !who.privileged() && (helpers & HELPER_GID) == 0) {
            setGroups = SetGroups.DENY; // the kernel requires it before an unprivileged gid_map write
        }
        if ((helpers & HELPER_GID) != 0) {
            setGroups = null; // newgidmap decides
        }
        String newuidmap = (helpers & HELPER_UID) != 0 ? helper("newuidmap", spec) : null;
        String newgidmap = (helpers & HELPER_GID) != 0 ? helper("newgidmap", spec) : null;
        Limits limits = spec.sandbox().limits();
        CgroupPlan cgroup = limits.usesCgroup()
                ? CgroupPlan.of(spec.describe(), limits, CgroupHost.current(), who.euid()) : null;
        Map<Integer, String[]> idmaps = idmaps(spec, who, sandboxIds, created, uid, gid,
                setIds || sandboxIds != null);
        return new LaunchPlan(spec, who, created, userAdded, uid, gid, helpers, newuidmap, newgidmap, setGroups,
                sandboxIds, setIds || sandboxIds != null, idmaps, cgroup);
    }

    private static boolean mapsInsideRoot(List<IdMap> maps) {
        for (IdMap m : maps) {
            if (m.inside() == 0) {
                return true;
            }
        }
        return false;
    }

    /** Whether the caller opted in to host root inside a sandbox. */
    private static boolean allowHostRoot(SpawnSpec spec) {
        return spec.sandbox().security().allowsHostRoot();
    }

    /** The spawn's own subordinate range setting, or null for the system property's. */
    private static String subordinateIds(SpawnSpec spec) {
        return spec.sandbox().security().subordinateIds().orElse(null);
    }

    /** An explicit map of a root caller's sandbox may not reach host id 0 without the opt-in. */
    private static void refuseHostRoot(String field, List<IdMap> maps) {
        for (IdMap m : maps) {
            if (m.outside() == 0) {
                throw new InvalidSpecException(field, "maps host id 0 into a sandbox: the sandbox's processes would "
                        + "be host root to the kernel (global sysctls, setuid-root files, no RLIMIT_NPROC)",
                        "map unprivileged host ids (e.g. a /etc/subuid range), or opt in with "
                        + "Security.builder().allowHostRoot(true)");
            }
        }
    }

    /**
     * The idmapped binds (issue 19): each bind's {@link BindOwner}, or the default: in a root caller's sandbox with
     * unprivileged ids, a writable bind of a source that belongs to a user other than root is idmapped so that the
     * sandbox's root reads and writes it as that user (outputs belong to the source's owner, not to a subordinate
     * id). A root-owned source is not idmapped by default: the sandbox's root would then create root-owned files,
     * setuid ones included, on the host; that takes an explicit owner.
     */
    private static Map<Integer, String[]> idmaps(SpawnSpec spec, Privileges who, SandboxIds sandboxIds,
                                                 Set<NamespaceType> created, String uid, String gid, boolean setIds) {
        List<Mount> mounts = spec.sandbox().mounts();
        if (mounts.isEmpty()) {
            return Map.of(); // most spawns: nothing to parse
        }
        Map<Integer, String[]> out = new java.util.TreeMap<>();
        // the host ids the sandbox's processes run as: inside 0 after SET_IDS, else the caller's own (mapped to
        // something inside, or the overflow id: then -1)
        long[] actor = uid == null || gid == null ? new long[] {who.euid(), who.egid()}
                : setIds ? new long[] {BindIdmap.rootOf(uid), BindIdmap.rootOf(gid)}
                : new long[] {BindIdmap.maps(uid, who.euid()) ? who.euid() : -1,
                        BindIdmap.maps(gid, who.egid()) ? who.egid() : -1};
        for (int i = 0; i < mounts.size(); i++) {
            Mount m = mounts.get(i);
            BindOwner owner = m.owner();
            // a root caller's writable bind without an owner: the source's, unless root
            boolean defaulted = owner == null && sandboxIds != null && m.kind() == Mount.Kind.BIND;
            if (owner == null) {
                owner = defaulted ? BindOwner.sourceOwner() : BindOwner.none();
            }
            BindOwner.Kind kind = owner.kind(); // if, not switch: see the user maps in of()
            long[] target = kind == BindOwner.Kind.CALLER ? new long[] {who.euid(), who.egid()}
                    : kind == BindOwner.Kind.IDS ? new long[] {owner.uid(), owner.gid()}
                    : kind == BindOwner.Kind.SOURCE ? sourceOwner(m.source())
                    : null; // NONE
            if (target == null) {
                continue; // no idmap, or a missing source: the launcher reports it (or skips a *Try entry)
            }
            if (defaulted && (target[0] == 0 || target[1] == 0)) {
                continue; // never root-owned outputs without asking
            }
            String field = "mounts[" + i + "] (" + m.describe() + ").owner";
            if (!created.contains(NamespaceType.USER) || uid == null || gid == null) {
                if (target[0] == who.euid() && target[1] == who.egid()) {
                    continue; // no ids of its own: the sandbox writes as the caller anyway
                }
                throw new InvalidSpecException(field, "an idmapped bind needs the sandbox's own user namespace "
                        + "with mapped ids", "add newUser() with a map, or leave the owner out");
            }
            if (target[0] == actor[0] && target[1] == actor[1]) {
                continue; // the sandbox's processes already are the owner on the host (rootless): no idmap
            }
            if (actor[0] < 0 || actor[1] < 0) {
                throw new InvalidSpecException(field, "the sandbox's own uid or gid is not mapped, so nothing "
                        + "inside can act as the owner", "map the ids the sandbox runs as (e.g. mapRootUser())");
            }
            out.put(i, new String[] {BindIdmap.of(uid, actor[0], target[0]), BindIdmap.of(gid, actor[1], target[1])});
        }
        return out;
    }

    /** {uid, gid} of a bind source as the JVM sees it (symlinks followed, as the launcher binds it), or null. */
    private static long[] sourceOwner(String source) {
        try {
            Path p = Path.of(source);
            return new long[] {((Number) Files.getAttribute(p, "unix:uid")).longValue(),
                    ((Number) Files.getAttribute(p, "unix:gid")).longValue()};
        } catch (java.io.IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return null; // missing: the launcher reports it (or skips a *Try entry)
        }
    }

    private static boolean selfOnly(List<IdMap> explicit, UserMapping mapping, long own) {
        if (mapping != UserMapping.EXPLICIT) {
            return true;
        }
        return explicit.size() == 1 && explicit.get(0).count() == 1 && explicit.get(0).outside() == own;
    }

    private static String helper(String name, SpawnSpec spec) {
        for (String dir : new String[] {"/usr/bin", "/bin", "/usr/sbin", "/usr/local/bin"}) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        throw NamespaceException.builder(spec.describe()).step("find " + name).errno(dev.jns.Errno.ENOENT)
                .detail("mapping ids other than your own without root needs the setuid helper " + name)
                .hint("install it (Debian/Ubuntu: apt-get install uidmap; Fedora: shadow-utils), and give the user ranges "
                + "in /etc/subuid and /etc/subgid (usermod --add-subuids 100000-165535 --add-subgids 100000-165535 USER)")
                .build();
    }

    /** The clone(2) flags: every new namespace but time, which the launcher unshares itself. */
    long cloneFlags() {
        long flags = 0;
        for (NamespaceType t : created) {
            if (t != NamespaceType.TIME) {
                flags |= t.cloneFlag();
            }
        }
        return flags;
    }

    /**
     * The spec records, with the namespaces to join at launcher fds {@link #FD_FIRST_JOIN}, +1, ... in the
     * order of {@link SpawnSpec#joins()}; {@code joinDevIno} has each handle's (dev, ino). {@code initUnread}:
     * this JVM will open nothing in the init's /proc (a {@code run()}, whose namespaces come from the launcher's
     * NSIDS record; an {@code NsProcess} opens /proc/INIT/ns for {@code namespace()}), so the init need not stay
     * dumpable for a rootless JVM and may share the supervisor's address space.
     */
    byte[] encode(List<long[]> joinDevIno, boolean initUnread) {
        boolean jvmEnvironment = spec.environment() == System.getenv();
        // the default sandbox's records besides the environment take about 200 bytes: the buffer is not regrown
        SpecEncoder e = new SpecEncoder(jvmEnvironment ? jvmEnvironmentRecords().length + 512 : 2048);
        e.u64(SpecEncoder.T_CLONE_FLAGS, cloneFlags());
        if (spec.runAsUid() >= 0) {
            e.runAs(spec.runAsUid(), spec.runAsGid());
        }
        List<NsHandle> joins = spec.joins();
        for (int i = 0; i < joins.size(); i++) {
            long[] di = joinDevIno.get(i);
            e.join(FD_FIRST_JOIN + i, joins.get(i).type().cloneFlag(), di[0], di[1]);
        }
        int passFd = FD_FIRST_JOIN + joins.size(); // the fds to pass follow the join fds, in target order
        for (int target : spec.sandbox().passFds().keySet()) {
            e.passFd(passFd++, target);
        }
        if (created.contains(NamespaceType.TIME)) {
            e.empty(SpecEncoder.T_NEW_TIME);
            offset(e, 1, spec.monotonicOffset());
            offset(e, 7, spec.boottimeOffset());
        }
        if (uidMap != null) {
            e.string(SpecEncoder.T_UID_MAP, uidMap);
        }
        if (gidMap != null) {
            e.string(SpecEncoder.T_GID_MAP, gidMap);
        }
        if (helpers != 0) {
            e.u32(SpecEncoder.T_MAP_HELPER, helpers);
        }
        if (newuidmap != null) {
            e.string(SpecEncoder.T_NEWUIDMAP, newuidmap);
        }
        if (newgidmap != null) {
            e.string(SpecEncoder.T_NEWGIDMAP, newgidmap);
        }
        if (setIds) {
            e.setIds(0, 0); // the launcher's C becomes the sandbox's root (the caller's uid 0 is not mapped)
        }
        if (setGroups != null && created.contains(NamespaceType.USER) && gidMap != null) {
            e.u32(SpecEncoder.T_SETGROUPS,
                    setGroups == SetGroups.ALLOW ? SpecEncoder.SETGROUPS_ALLOW : SpecEncoder.SETGROUPS_DENY);
        }
        if (spec.hostname() != null) {
            e.string(SpecEncoder.T_HOSTNAME, spec.hostname());
        }
        if (spec.domainname() != null) {
            e.string(SpecEncoder.T_DOMAINNAME, spec.domainname());
        }
        if (created.contains(NamespaceType.MOUNT) && spec.propagation() != Propagation.UNCHANGED) {
            Propagation p = spec.propagation(); // if, not switch: see the user maps in of()
            e.u32(SpecEncoder.T_PROPAGATION, p == Propagation.PRIVATE ? SpecEncoder.PROPAGATION_PRIVATE
                    : p == Propagation.SLAVE ? SpecEncoder.PROPAGATION_SLAVE
                    : SpecEncoder.PROPAGATION_SHARED); // not UNCHANGED, by the test above
        }
        if (spec.mountProc()) {
            e.empty(SpecEncoder.T_MOUNT_PROC);
        }
        if (spec.directory() != null) {
            e.string(SpecEncoder.T_CWD, spec.directory().toString());
        }
        encodeSandbox(e, initUnread);
        Integer stopAt = Integer.getInteger("jns.testing.stopAtStep"); // test aid, docs/launcher-protocol.md
        if (stopAt != null) {
            e.u32(SpecEncoder.T_DEBUG_STOP, stopAt);
        }
        if (spec.argv0() != null) {
            e.string(SpecEncoder.T_ARGV0, spec.argv0());
        }
        for (String arg : spec.command()) {
            e.string(SpecEncoder.T_ARG, arg);
        }
        if (jvmEnvironment) {
            e.records(jvmEnvironmentRecords());
        } else {
            environmentRecords(e, spec.environment());
        }
        byte[] bytes = e.finish();
        if (bytes.length > SPEC_MAX_TOTAL) {
            // Spawn counts arguments, environment and the mount plan; this catches the rest (e.g. many idmaps)
            throw new InvalidSpecException("spec", "the launcher's spec would take " + bytes.length
                    + " bytes; it reads at most " + SPEC_MAX_TOTAL, "fewer or shorter arguments, environment "
                    + "entries, mount plan entries or id map lines");
        }
        return bytes;
    }

    /** The sandbox records (issue 5): OPTIONS, MOUNT, ROOT, CAPS, RLIMIT, TIMEOUT. */
    private void encodeSandbox(SpecEncoder e, boolean initUnread) {
        SpawnSpec.Sandbox sb = spec.sandbox();
        int options = initUnread ? SpecEncoder.OPT_INIT_UNREAD : 0;
        if (!sb.init()) {
            options |= SpecEncoder.OPT_NO_INIT;
        }
        if (sb.newSession()) {
            options |= SpecEncoder.OPT_NEW_SESSION;
        }
        if (sb.noNewPrivileges()) {
            options |= SpecEncoder.OPT_NO_NEW_PRIVS;
        }
        if (sb.loopback() && created.contains(NamespaceType.NET)) {
            options |= SpecEncoder.OPT_LOOPBACK_UP;
        }
        Security security = sb.security();
        if (!security.maskProc()) {
            options |= SpecEncoder.OPT_UNMASKED_PROC;
        }
        if (security.newKeyring(sb.confines())) {
            options |= SpecEncoder.OPT_NEW_KEYRING;
        }
        boolean lockFiles = false;
        for (Mount m : sb.mounts()) {
            lockFiles |= m.kind() == Mount.Kind.LOCK_FILE;
        }
        if (lockFiles && sb.init()
                && !created.contains(NamespaceType.PID) && !created.contains(NamespaceType.TIME)) {
            options |= SpecEncoder.OPT_FORCE_INIT; // the init holds the locks (Spawn refuses init(false))
        }
        if (options != 0) {
            e.u32(SpecEncoder.T_OPTIONS, options);
        }
        // The launcher fds of the mount plan follow the fds to pass: the data memfd (when a content is not
        // inline), then one per fd bind, in plan order (Spawner hands them over in this order: mountFds()).
        int next = FD_FIRST_JOIN + spec.joins().size() + sb.passFds().size();
        int dataFd = memfdContents().isEmpty() ? -1 : next++;
        long offset = 0;
        for (Mount m : sb.mounts()) {
            int flags = (m.optional() ? SpecEncoder.MOUNT_FLAG_TRY : 0)
                    | (m.noSymlinks() ? SpecEncoder.MOUNT_FLAG_NO_SYMLINKS : 0)
                    | (m.kind() == Mount.Kind.RO_FILE ? SpecEncoder.MOUNT_FLAG_READ_ONLY : 0);
            if (m.kind().isFdBind()) {
                e.mount(MountOp.of(m.kind()), flags | SpecEncoder.MOUNT_FLAG_FD, m.mode(), m.size(), "",
                        m.destination(), SpecEncoder.fdRef(next++, 0, 0));
            } else if (!MountPlan.inlineContent(m)) {
                e.mount(MountOp.of(m.kind()), flags | SpecEncoder.MOUNT_FLAG_FD, m.mode(), m.size(), m.source(),
                        m.destination(), SpecEncoder.fdRef(dataFd, offset, m.contentLength()));
                offset += m.contentLength();
            } else {
                e.mount(MountOp.of(m.kind()), flags, m.mode(), m.size(), m.source(), m.destination(), m.content());
            }
        }
        for (Map.Entry<Integer, String[]> idmap : idmaps.entrySet()) {
            e.mountIdmap(idmap.getKey(), idmap.getValue()[0], idmap.getValue()[1]);
        }
        if (sb.root() != null) {
            e.string(SpecEncoder.T_ROOT, sb.root());
        }
        if (sb.keepCaps() != null) {
            e.caps(mask(sb.keepCaps()), true);
        } else if (sb.dropCaps() != null) {
            e.caps(~mask(sb.dropCaps()), false);
        } else if (sb.confines()) {
            e.caps(0, false); // a sandbox drops every capability unless asked (as bubblewrap)
        }
        for (Limits.ResourceLimit l : sb.rlimits()) {
            e.rlimit(l.resource().ordinal(), l.soft(), l.hard());
        }
        if (sb.timeout() != null) {
            e.timeout(sb.timeout().toMillis(), sb.killGrace().toMillis());
        }
        if (cgroup != null) {
            for (CgroupPlan.Dir d : cgroup.dirs()) {
                e.cgroup(d.roles(), d.path().toString());
            }
            for (CgroupPlan.Setting s : cgroup.settings()) {
                e.cgroupSet(s.dir(), s.file(), s.value());
            }
        }
        encodeSeccomp(e, sb);
    }

    /** SECCOMP, SECCOMP_RULE and SECCOMP_BPF records (issue 13, item 5). */
    private static void encodeSeccomp(SpecEncoder e, SpawnSpec.Sandbox sb) {
        SeccompFilter filter = sb.security().seccomp(sb.confines());
        boolean noUserns = sb.security().disableNestedUserNamespaces();
        if (!filter.defaultRefusals() && filter.rules().isEmpty() && !noUserns) {
            encodeBpf(e, filter);
            return;
        }
        int flags = (filter.defaultRefusals() ? SpecEncoder.SECCOMP_DEFAULT : 0)
                | (noUserns ? SpecEncoder.SECCOMP_NO_USERNS : 0);
        e.seccomp(flags, keptCapabilities(sb));
        for (SeccompFilter.Rule r : filter.rules()) {
            long[][] conditions = new long[r.conditions().size()][];
            for (int i = 0; i < conditions.length; i++) {
                SeccompFilter.Condition c = r.conditions().get(i);
                conditions[i] = c.op() == SeccompFilter.Op.MASKED_EQ
                        ? new long[] {c.argument(), c.op().code(), c.mask(), c.value()}
                        : new long[] {c.argument(), c.op().code(), c.value(), 0};
            }
            SeccompFilter.Action a = r.action(); // if, not switch: see the user maps in of()
            int action = a == SeccompFilter.Action.ALLOW ? SpecEncoder.RULE_ALLOW
                    : a == SeccompFilter.Action.ERRNO ? SpecEncoder.RULE_ERRNO
                    : SpecEncoder.RULE_KILL;
            e.seccompRule(action, r.errno(), conditions, r.syscall());
        }
        encodeBpf(e, filter);
    }

    /** The SECCOMP_BPF record of a filter that has a program of the caller's (no lambda: the first spawn's path). */
    private static void encodeBpf(SpecEncoder e, SeccompFilter filter) {
        if (filter.bpf().isPresent()) {
            e.raw(SpecEncoder.T_SECCOMP_BPF, filter.bpf().get());
        }
    }

    /** The capabilities the command keeps, as a mask: what lifts the default filter's capability-bound refusals. */
    private static long keptCapabilities(SpawnSpec.Sandbox sb) {
        if (sb.keepCaps() != null) {
            return mask(sb.keepCaps());
        }
        if (sb.dropCaps() != null) {
            return ~mask(sb.dropCaps());
        }
        return sb.confines() ? 0 : ~0L; // a sandbox drops all; a plain spawn keeps what its namespaces give
    }

    /** A seccomp filter needs no_new_privs, or CAP_SYS_ADMIN kept: refused here rather than after a fork. */
    private static void checkSeccomp(SpawnSpec spec) {
        SpawnSpec.Sandbox sb = spec.sandbox();
        SeccompFilter filter = sb.security().seccomp(sb.confines());
        boolean filtered = filter.active() || sb.security().disableNestedUserNamespaces();
        if (filtered && !sb.noNewPrivileges() && (keptCapabilities(sb) & (1L << 21)) == 0) {
            throw new InvalidSpecException("security", "a seccomp filter without no_new_privs",
                    "the kernel loads a filter only with no_new_privs or CAP_SYS_ADMIN: keep noNewPrivileges(true), "
                    + "or choose seccomp(SeccompFilter.none())");
        }
    }

    /** C's mount steps: the propagation, the proc, the plan, the root switch. */
    private void addMountSteps(List<Step> steps) {
        SpawnSpec.Sandbox sb = spec.sandbox();
        if (created.contains(NamespaceType.MOUNT) && spec.propagation() != Propagation.UNCHANGED) {
            steps.add(Step.MOUNT_PROPAGATION);
        }
        if (spec.mountProc()) {
            steps.add(Step.MOUNT_PROC);
        }
        if (!sb.mounts().isEmpty()) {
            steps.add(Step.MOUNT_PLAN);
        }
        if (sb.root() != null) {
            steps.add(Step.SWITCH_ROOT);
        }
    }

    /**
     * The launcher's setup steps for this plan, in the order it runs them ({@code docs/launcher-protocol.md},
     * "Steps"): what the DEBUG log reports as done when the launcher says how far it got.
     */
    List<Step> steps() {
        SpawnSpec.Sandbox sb = spec.sandbox();
        List<Step> steps = new java.util.ArrayList<>(List.of(Step.READ_SPEC, Step.PARSE_SPEC));
        if (spec.runAsUid() >= 0) {
            steps.add(Step.DROP_TO_UID);
        }
        steps.addAll(List.of(Step.PRCTL, Step.CLOSE_FDS));
        for (int i = 0; i < spec.joins().size(); i++) {
            steps.addAll(List.of(Step.VERIFY_NAMESPACE, Step.JOIN_NAMESPACE));
        }
        steps.addAll(List.of(Step.SIGNALS, Step.CLONE));
        boolean time = created.contains(NamespaceType.TIME);
        // The launcher's C mounts a proc that comes alone (in a new mount namespace: no plan entry, no root, no
        // ids to take, no time namespace, no cgroup) while S writes the id maps (child.c): its steps come first then.
        boolean mountsEarly = spec.mountProc() && created.contains(NamespaceType.MOUNT) && sb.mounts().isEmpty()
                && sb.root() == null && !setIds && !time && cgroup == null;
        if (mountsEarly) {
            addMountSteps(steps);
        }
        if (setGroups != null && created.contains(NamespaceType.USER) && gidMap != null) {
            steps.add(Step.WRITE_SETGROUPS);
        }
        if (uidMap != null) {
            steps.add((helpers & HELPER_UID) != 0 ? Step.NEWUIDMAP : Step.WRITE_UID_MAP);
        }
        if (gidMap != null) {
            steps.add((helpers & HELPER_GID) != 0 ? Step.NEWGIDMAP : Step.WRITE_GID_MAP);
        }
        steps.addAll(List.of(Step.PRCTL, Step.WAIT_FOR_PARENT));
        if (time) {
            steps.addAll(List.of(Step.UNSHARE_TIME, Step.WRITE_TIMENS_OFFSETS));
        }
        if (spec.hostname() != null) {
            steps.add(Step.SETHOSTNAME);
        }
        if (spec.domainname() != null) {
            steps.add(Step.SETDOMAINNAME);
        }
        if (sb.loopback() && created.contains(NamespaceType.NET)) {
            steps.add(Step.LOOPBACK);
        }
        if (!mountsEarly) {
            addMountSteps(steps);
        }
        if (sb.init() && (created.contains(NamespaceType.PID) || time)) {
            steps.addAll(List.of(Step.FORK, Step.PRCTL, Step.SIGNALS));
        } else {
            steps.add(Step.SIGNALS);
        }
        if (spec.directory() != null) {
            steps.add(Step.CHDIR);
        }
        if (sb.newSession()) {
            steps.add(Step.SETSID);
        }
        if (!sb.rlimits().isEmpty()) {
            steps.add(Step.RLIMIT);
        }
        if (sb.keepCaps() != null || sb.dropCaps() != null || sb.confines()) {
            steps.add(Step.CAPABILITIES);
        }
        if (sb.noNewPrivileges()) {
            steps.add(Step.NO_NEW_PRIVS);
        }
        if (!sb.passFds().isEmpty()) {
            steps.add(Step.PASS_FDS);
        }
        steps.add(Step.EXEC);
        return steps;
    }

    private static long mask(java.util.Set<Capability> caps) {
        long m = 0;
        for (Capability c : caps) {
            m |= 1L << c.number();
        }
        return m;
    }

    /**
     * The entries whose content goes in the plan's memfd (over {@link MountPlan#INLINE_FILE_BYTES}), in plan order:
     * the memfd holds their contents one after the other.
     */
    List<Mount> memfdContents() {
        List<Mount> out = new ArrayList<>(0);
        for (Mount m : spec.sandbox().mounts()) {
            if (!MountPlan.inlineContent(m)) {
                out.add(m);
            }
        }
        return out;
    }

    /** The caller's descriptors of the fd binds, in plan order (launcher fds after the data memfd). */
    List<Integer> fdBindSources() {
        List<Integer> out = new ArrayList<>(0);
        for (Mount m : spec.sandbox().mounts()) {
            if (m.kind().isFdBind()) {
                out.add(Integer.parseInt(m.source()));
            }
        }
        return out;
    }

    /** The mount plan entry of a launcher index, or null. */
    Mount mountEntry(int index) {
        List<Mount> m = spec.sandbox().mounts();
        return index >= 0 && index < m.size() ? m.get(index) : null;
    }

    private static void offset(SpecEncoder e, int clock, Duration d) {
        if (!d.isZero()) {
            e.timeOffset(clock, d.getSeconds(), d.getNano());
        }
    }

    /** What the launcher's CGROUP record says of this plan's cgroup, or null without a cgroup or a record. */
    Outcome.CgroupUsage cgroupUsage(String cgroupRecord) {
        return cgroup == null || cgroupRecord == null ? null : cgroup.usage(cgroupRecord);
    }

    /** Whether the command runs under jns's init (a new pid or time namespace, unless init(false)). */
    boolean hasInit() {
        return (created.contains(NamespaceType.PID) || created.contains(NamespaceType.TIME)) && spec.sandbox().init();
    }

    /**
     * Whether a run() may end at the init's end, without waiting for the launcher's: the init is PID 1 of a new
     * pid namespace (its end means every process of the sandbox is gone, and it reports the command's status
     * before it ends) and there is no cgroup (whose figures the launcher reports after the end).
     */
    boolean endsWithInit() {
        return hasInit() && created.contains(NamespaceType.PID) && cgroup == null;
    }

    /** The namespaces really created, the added user namespace included. */
    public Set<NamespaceType> created() {
        return created;
    }

    /** Whether a user namespace was added because the caller is unprivileged. */
    public boolean userAdded() {
        return userAdded;
    }

    /** The ENV records of the JVM's own environment, which never changes: encoded once. */
    private static volatile byte[] jvmEnvironmentRecords;

    private static byte[] jvmEnvironmentRecords() {
        byte[] r = jvmEnvironmentRecords;
        if (r == null) {
            SpecEncoder e = SpecEncoder.bare();
            environmentRecords(e, System.getenv());
            r = e.recordBytes();
            jvmEnvironmentRecords = r;
        }
        return r;
    }

    private static void environmentRecords(SpecEncoder e, Map<String, String> environment) {
        for (Map.Entry<String, String> env : environment.entrySet()) {
            e.string(SpecEncoder.T_ENV, env.getKey() + "=" + env.getValue());
        }
    }
}
