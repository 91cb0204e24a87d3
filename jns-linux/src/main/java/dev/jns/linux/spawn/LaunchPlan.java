package dev.jns.linux.spawn;

import dev.jns.sandbox.Capability;
import dev.jns.IdMap;
import dev.jns.sandbox.Limits;
import dev.jns.sandbox.Mount;
import dev.jns.InvalidSpecException;
import dev.jns.NamespaceException;
import dev.jns.NamespaceType;
import dev.jns.NsHandle;
import dev.jns.sandbox.Propagation;
import dev.jns.SetGroups;
import dev.jns.spi.SpawnSpec;
import dev.jns.spi.SpawnSpec.UserMapping;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

    private LaunchPlan(SpawnSpec spec, Privileges who, Set<NamespaceType> created, boolean userAdded, String uidMap,
                       String gidMap, int helpers, String newuidmap, String newgidmap, SetGroups setGroups) {
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
    }

    /** Decides how to carry out {@code spec} for a JVM with privileges {@code jvm}. */
    public static LaunchPlan of(SpawnSpec spec, Privileges jvm) {
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
        boolean joinsUser = spec.joins().stream().anyMatch(h -> h.type() == NamespaceType.USER);
        if (!who.privileged() && !joinsUser && !created.contains(NamespaceType.USER) && !created.isEmpty()) {
            // Without CAP_SYS_ADMIN only a user namespace can be made; it then owns the others (as bwrap does).
            created.add(NamespaceType.USER);
            mapping = UserMapping.CURRENT;
            userAdded = true;
        }
        String uid = null;
        String gid = null;
        if (created.contains(NamespaceType.USER)) {
            switch (mapping) {
                case ROOT -> {
                    uid = "0 " + who.euid() + " 1\n";
                    gid = "0 " + who.egid() + " 1\n";
                }
                case CURRENT -> {
                    uid = who.euid() + " " + who.euid() + " 1\n";
                    gid = who.egid() + " " + who.egid() + " 1\n";
                }
                case EXPLICIT -> {
                    uid = IdMap.format(spec.uidMap());
                    gid = spec.gidMap().isEmpty() ? null : IdMap.format(spec.gidMap());
                }
                case NONE -> {
                    // as unshare -U: ids stay unmapped (the overflow id, 65534, inside)
                }
            }
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
        return new LaunchPlan(spec, who, created, userAdded, uid, gid, helpers, newuidmap, newgidmap, setGroups);
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
     * order of {@link SpawnSpec#joins()}; {@code joinDevIno} has each handle's (dev, ino).
     */
    byte[] encode(List<long[]> joinDevIno) {
        SpecEncoder e = new SpecEncoder();
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
            e.u32(SpecEncoder.T_PROPAGATION, switch (spec.propagation()) {
                case PRIVATE -> SpecEncoder.PROPAGATION_PRIVATE;
                case SLAVE -> SpecEncoder.PROPAGATION_SLAVE;
                case SHARED -> SpecEncoder.PROPAGATION_SHARED;
                case UNCHANGED -> 0;
            });
        }
        if (spec.mountProc()) {
            e.empty(SpecEncoder.T_MOUNT_PROC);
        }
        if (spec.directory() != null) {
            e.string(SpecEncoder.T_CWD, spec.directory().toString());
        }
        encodeSandbox(e);
        Integer stopAt = Integer.getInteger("jns.testing.stopAtStep"); // test aid, docs/launcher-protocol.md
        if (stopAt != null) {
            e.u32(SpecEncoder.T_DEBUG_STOP, stopAt);
        }
        for (String arg : spec.command()) {
            e.string(SpecEncoder.T_ARG, arg);
        }
        for (Map.Entry<String, String> env : spec.environment().entrySet()) {
            e.string(SpecEncoder.T_ENV, env.getKey() + "=" + env.getValue());
        }
        return e.finish();
    }

    /** The sandbox records (issue 5): OPTIONS, MOUNT, ROOT, CAPS, RLIMIT, TIMEOUT. */
    private void encodeSandbox(SpecEncoder e) {
        SpawnSpec.Sandbox sb = spec.sandbox();
        int options = 0;
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
        if (options != 0) {
            e.u32(SpecEncoder.T_OPTIONS, options);
        }
        for (Mount m : sb.mounts()) {
            int flags = (m.optional() ? SpecEncoder.MOUNT_FLAG_TRY : 0)
                    | (m.noSymlinks() ? SpecEncoder.MOUNT_FLAG_NO_SYMLINKS : 0);
            e.mount(MountOp.of(m.kind()), flags, m.mode(), m.size(), m.source(), m.destination(), m.content());
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
    }

    private static long mask(java.util.Set<Capability> caps) {
        long m = 0;
        for (Capability c : caps) {
            m |= 1L << c.number();
        }
        return m;
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

    /** Whether the command runs under jns's init (a new pid or time namespace, unless init(false)). */
    boolean hasInit() {
        return (created.contains(NamespaceType.PID) || created.contains(NamespaceType.TIME)) && spec.sandbox().init();
    }

    /** The namespaces really created, the added user namespace included. */
    public Set<NamespaceType> created() {
        return created;
    }

    /** Whether a user namespace was added because the caller is unprivileged. */
    public boolean userAdded() {
        return userAdded;
    }
}
