package dev.jns.linux.spawn;

import dev.jns.NamespaceType;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Writes the spec record stream that the launcher reads on fd 3 ({@code docs/launcher-protocol.md}):
 * {@code u16 tag | u16 0 | u32 length | payload}, native (little-endian) byte order.
 *
 * <p>The constants are the Java twins of the tables in {@code src/main/c/spec.h}: {@code T_} of
 * {@code enum spec_tag} ({@code TAG_}), {@code OPT_} of {@code enum option_bit} ({@code OPTION_}), the others
 * under the C names. {@code ProtocolTablesTest} checks every table both ways (names, values, nothing missing).
 */
public final class SpecEncoder {
    /** {@code SPEC_VERSION}: the VERSION record's value. */
    public static final int VERSION = 1;

    public static final int T_VERSION = 1;
    public static final int T_CLONE_FLAGS = 2;
    public static final int T_NEW_TIME = 3;
    public static final int T_TIME_OFFSET = 4;
    public static final int T_RUN_AS = 5;
    public static final int T_JOIN = 6;
    public static final int T_UID_MAP = 7;
    public static final int T_GID_MAP = 8;
    public static final int T_MAP_HELPER = 9;
    public static final int T_NEWUIDMAP = 10;
    public static final int T_NEWGIDMAP = 11;
    public static final int T_SETGROUPS = 12;
    public static final int T_HOSTNAME = 13;
    public static final int T_DOMAINNAME = 14;
    public static final int T_PROPAGATION = 15;
    public static final int T_MOUNT_PROC = 16;
    public static final int T_CWD = 17;
    public static final int T_ARG = 18;
    public static final int T_ENV = 19;
    public static final int T_OPTIONS = 20;
    public static final int T_MOUNT = 21;
    public static final int T_ROOT = 22;
    public static final int T_CAPS = 23;
    public static final int T_RLIMIT = 24;
    public static final int T_TIMEOUT = 25;
    /** Test aid: the launcher stops (SIGSTOP) before this step; sent only with {@code -Djns.testing.stopAtStep}. */
    public static final int T_DEBUG_STOP = 26;
    public static final int T_PASS_FD = 27;
    public static final int T_SECCOMP = 28;
    public static final int T_SECCOMP_RULE = 29;
    public static final int T_SECCOMP_BPF = 30;
    /** The command's argv[0] apart from the program (issue 16). */
    public static final int T_ARGV0 = 31;
    /** C's ids inside its user namespace (issue 13 item 1). */
    public static final int T_SET_IDS = 40;
    /** The idmap of one bind (issue 19). */
    public static final int T_MOUNT_IDMAP = 41;

    public static final int T_CGROUP = 60;
    public static final int T_CGROUP_SET = 61;

    /** CGROUP roles (enum cgroup_role): what a directory of the sandbox's cgroup is for. */
    public static final int CGROUP_V2 = dev.jns.linux.cgroup.CgroupPlan.V2;
    public static final int CGROUP_MEMORY = dev.jns.linux.cgroup.CgroupPlan.MEMORY;
    public static final int CGROUP_PIDS = dev.jns.linux.cgroup.CgroupPlan.PIDS;
    public static final int CGROUP_CPU = dev.jns.linux.cgroup.CgroupPlan.CPU;
    public static final int CGROUP_CPUACCT = dev.jns.linux.cgroup.CgroupPlan.CPUACCT;
    public static final int CGROUP_FREEZER = dev.jns.linux.cgroup.CgroupPlan.FREEZER;
    public static final int CGROUP_OTHER = dev.jns.linux.cgroup.CgroupPlan.OTHER;
    public static final int T_END = 99;

    /** OPTIONS bits. */
    public static final int OPT_FORCE_INIT = 1;
    public static final int OPT_NO_INIT = 2;
    public static final int OPT_NEW_SESSION = 4;
    public static final int OPT_NO_NEW_PRIVS = 8;
    public static final int OPT_LOOPBACK_UP = 16;
    public static final int OPT_UNMASKED_PROC = 32;
    public static final int OPT_NEW_KEYRING = 64;
    /** The JVM opens nothing in the init's /proc (run()): a rootless supervisor may share its memory with it. */
    public static final int OPT_INIT_UNREAD = 128;

    /** SECCOMP flags. */
    public static final int SECCOMP_DEFAULT = 1;
    public static final int SECCOMP_NO_USERNS = 2;

    /** SECCOMP_RULE actions. */
    public static final int RULE_ALLOW = 1;
    public static final int RULE_ERRNO = 2;
    public static final int RULE_KILL = 3;

    /** MAP_HELPER bits: which map newuidmap/newgidmap write. */
    public static final int MAP_HELPER_UID = 1;
    public static final int MAP_HELPER_GID = 2;

    /** SETGROUPS values. */
    public static final int SETGROUPS_ALLOW = 1;
    public static final int SETGROUPS_DENY = 2;

    /** PROPAGATION values. */
    public static final int PROPAGATION_PRIVATE = 1;
    public static final int PROPAGATION_SLAVE = 2;
    public static final int PROPAGATION_SHARED = 3;

    /** MOUNT flag bits: a missing source skips the entry. */
    public static final int MOUNT_FLAG_TRY = 1;
    public static final int MOUNT_FLAG_NO_SYMLINKS = 2;
    /** MOUNT flag bit: a FILE bound read-only onto itself. */
    public static final int MOUNT_FLAG_READ_ONLY = 4;
    /**
     * MOUNT flag bit: the source (a bind) or the content (a file, bindData) is a launcher fd; the record's data is
     * then {@link #fdRef}.
     */
    public static final int MOUNT_FLAG_FD = 8;

    /** CAPS flag bits: raise the kept capabilities as ambient. */
    public static final int CAPS_AMBIENT = 1;

    private final ByteArrayOutputStream out;

    public SpecEncoder() {
        this(1024);
    }

    /** An encoder whose buffer starts at {@code capacity} bytes (a spawn's spec is about 2 KiB: no regrowth). */
    SpecEncoder(int capacity) {
        out = new ByteArrayOutputStream(capacity);
        u32(T_VERSION, VERSION);
    }

    private SpecEncoder(boolean bare) {
        out = new ByteArrayOutputStream(1024);
    }

    /** An encoder without the VERSION record: for a run of records to append to a spec ({@link #records}). */
    static SpecEncoder bare() {
        return new SpecEncoder(true);
    }

    /** The records of a {@link #bare()} encoder so far (no END record). */
    byte[] recordBytes() {
        return out.toByteArray();
    }

    /** Appends records encoded by a {@link #bare()} encoder. */
    SpecEncoder records(byte[] encoded) {
        out.writeBytes(encoded);
        return this;
    }

    /** {@code u16 tag | u16 0 | u32 length}, little-endian. */
    private void header(int tag, int length) {
        out.write(tag);
        out.write(tag >>> 8);
        out.write(0);
        out.write(0);
        out.write(length);
        out.write(length >>> 8);
        out.write(length >>> 16);
        out.write(length >>> 24);
    }

    /** A record whose payload is {@code payload}. */
    public SpecEncoder raw(int tag, byte[] payload) {
        if (payload.length > LaunchPlan.SPEC_MAX_PAYLOAD) {
            throw new dev.jns.InvalidSpecException("spec", "a record (tag " + tag + ") would take " + payload.length
                    + " bytes; the launcher reads at most " + LaunchPlan.SPEC_MAX_PAYLOAD + " per record", null);
        }
        header(tag, payload.length);
        out.writeBytes(payload);
        return this;
    }

    public SpecEncoder empty(int tag) {
        return raw(tag, new byte[0]);
    }

    public SpecEncoder u32(int tag, int value) {
        header(tag, 4);
        int32(value);
        return this;
    }

    public SpecEncoder u64(int tag, long value) {
        header(tag, 8);
        int32((int) value);
        int32((int) (value >>> 32));
        return this;
    }

    /** Little-endian, straight into the stream (no ByteBuffer for a number). */
    private void int32(int v) {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
        out.write(v >>> 24);
    }

    public SpecEncoder string(int tag, String value) {
        return raw(tag, value.getBytes(StandardCharsets.UTF_8));
    }

    public SpecEncoder runAs(long uid, long gid) {
        return raw(T_RUN_AS, le(8).putInt((int) uid).putInt((int) gid).array());
    }

    public SpecEncoder join(int fd, long nstype, long dev, long ino) {
        return raw(T_JOIN, le(24).putInt(fd).putInt((int) nstype).putLong(dev).putLong(ino).array());
    }

    public SpecEncoder passFd(int launcherFd, int target) {
        return raw(T_PASS_FD, le(8).putInt(launcherFd).putInt(target).array());
    }

    public SpecEncoder timeOffset(int clockId, long seconds, long nanos) {
        return raw(T_TIME_OFFSET, le(24).putInt(clockId).putInt(0).putLong(seconds).putLong(nanos).array());
    }

    /** A MOUNT record: {@code u32 op | u32 flags | u32 mode | u32 0 | u64 size | src NUL | dst NUL | data}. */
    public SpecEncoder mount(MountOp op, boolean optional, int mode, long size, String src, String dst,
                             byte[] data) {
        return mount(op, optional ? MOUNT_FLAG_TRY : 0, mode, size, src, dst, data);
    }

    /** A MOUNT record with the given flag bits ({@link #MOUNT_FLAG_TRY}, {@link #MOUNT_FLAG_NO_SYMLINKS}). */
    public SpecEncoder mount(MountOp op, int flags, int mode, long size, String src, String dst, byte[] data) {
        byte[] s = src.getBytes(StandardCharsets.UTF_8);
        byte[] d = dst.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = le(24 + s.length + 1 + d.length + 1 + data.length);
        b.putInt(op.code()).putInt(flags).putInt(mode).putInt(0).putLong(size);
        b.put(s).put((byte) 0).put(d).put((byte) 0).put(data);
        return raw(T_MOUNT, b.array());
    }

    /** The data of a MOUNT record with {@link #MOUNT_FLAG_FD}: {@code u32 fd | u32 0 | u64 offset | u64 length}. */
    public static byte[] fdRef(int fd, long offset, long length) {
        return le(24).putInt(fd).putInt(0).putLong(offset).putLong(length).array();
    }

    /** SET_IDS: the uid and gid C switches to inside its new user namespace. */
    public SpecEncoder setIds(long uid, long gid) {
        return raw(T_SET_IDS, le(8).putInt((int) uid).putInt((int) gid).array());
    }

    /** MOUNT_IDMAP: {@code u32 index | u32 0 | uid map NUL gid map}, after the MOUNT record it is about. */
    public SpecEncoder mountIdmap(int index, String uidMap, String gidMap) {
        byte[] u = uidMap.getBytes(StandardCharsets.UTF_8);
        byte[] g = gidMap.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = le(8 + u.length + 1 + g.length);
        b.putInt(index).putInt(0).put(u).put((byte) 0).put(g);
        return raw(T_MOUNT_IDMAP, b.array());
    }

    /** CAPS: the capabilities to keep, and whether to raise them as ambient. */
    public SpecEncoder caps(long keep, boolean ambient) {
        return raw(T_CAPS, le(16).putLong(keep).putInt(ambient ? CAPS_AMBIENT : 0).putInt(0).array());
    }

    /** RLIMIT: resource, soft, hard (-1 = RLIM_INFINITY). */
    public SpecEncoder rlimit(int resource, long soft, long hard) {
        return raw(T_RLIMIT, le(24).putInt(resource).putInt(0).putLong(soft).putLong(hard).array());
    }

    /** TIMEOUT: milliseconds from exec, and the grace between SIGTERM and SIGKILL. */
    public SpecEncoder timeout(long millis, long graceMillis) {
        return raw(T_TIMEOUT, le(16).putLong(millis).putLong(graceMillis).array());
    }

    /** SECCOMP: flags, and the capabilities whose calls the default refusals leave allowed. */
    public SpecEncoder seccomp(int flags, long capabilityMask) {
        return raw(T_SECCOMP, le(16).putInt(flags).putInt(0).putLong(capabilityMask).array());
    }

    /**
     * SECCOMP_RULE: action (1 allow, 2 errno, 3 kill), errno, conditions as {@code {index, op, a, b}} rows, the
     * system call's name.
     */
    public SpecEncoder seccompRule(int action, int errno, long[][] conditions, String name) {
        byte[] n = name.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b = le(16 + 24 * conditions.length + n.length);
        b.putInt(action).putInt(errno).putInt(conditions.length).putInt(0);
        for (long[] c : conditions) {
            b.putInt((int) c[0]).putInt((int) c[1]).putLong(c[2]).putLong(c[3]);
        }
        b.put(n);
        return raw(T_SECCOMP_RULE, b.array());
    }

    /** CGROUP: a directory the launcher creates for the sandbox, and what it is for (roles). */
    public SpecEncoder cgroup(int roles, String path) {
        byte[] p = path.getBytes(StandardCharsets.UTF_8);
        return raw(T_CGROUP, le(8 + p.length).putInt(roles).putInt(0).put(p).array());
    }

    /** CGROUP_SET: a limit the launcher writes into directory {@code dir} (index of a CGROUP record). */
    public SpecEncoder cgroupSet(int dir, String file, String value) {
        byte[] f = file.getBytes(StandardCharsets.UTF_8);
        byte[] v = value.getBytes(StandardCharsets.UTF_8);
        return raw(T_CGROUP_SET, le(8 + f.length + 1 + v.length).putInt(dir).putInt(0).put(f).put((byte) 0).put(v)
                .array());
    }

    /**
     * Whether a supervisor for this encoded spec may run in the fork server's memory (the launcher's
     * {@code light.c}): what the launcher's {@code spec_light} and, for a {@code rootLauncher} (a JVM of real uid
     * 0), {@code spec_light_sandbox} say of the parsed spec. Either way: nothing joined, no time namespace, no
     * runAs or inside ids, no seccomp filter, no mount entry, root or idmap, no cgroup and no forced init, which
     * are what the launcher keeps to supervisors of their own. Without namespaces for any JVM; with new user, pid,
     * mount, uts, ipc, net or cgroup namespaces (with /proc, a hostname, id maps the launcher writes itself) for
     * a root one. False for bytes that are not a whole spec.
     */
    public static boolean light(byte[] spec, boolean rootLauncher) {
        long sandboxFlags = NamespaceType.USER.cloneFlag() | NamespaceType.PID.cloneFlag()
                | NamespaceType.MOUNT.cloneFlag() | NamespaceType.UTS.cloneFlag() | NamespaceType.IPC.cloneFlag()
                | NamespaceType.NET.cloneFlag() | NamespaceType.CGROUP.cloneFlag();
        long flags = 0;
        boolean helper = false;
        int at = 0;
        while (at + 8 <= spec.length) {
            int tag = (spec[at] & 0xff) | (spec[at + 1] & 0xff) << 8;
            long len = (spec[at + 4] & 0xff) | (spec[at + 5] & 0xff) << 8 | (spec[at + 6] & 0xff) << 16
                    | (long) (spec[at + 7] & 0xff) << 24;
            int payload = at + 8;
            if (len > spec.length - payload) {
                return false;
            }
            switch (tag) {
                case T_END:
                    if (payload + len != spec.length) {
                        return false;
                    }
                    return flags == 0 || rootLauncher && !helper && (flags & ~sandboxFlags) == 0;
                case T_CLONE_FLAGS:
                    if (len != 8) {
                        return false;
                    }
                    for (int i = 0; i < 8; i++) {
                        flags |= (spec[payload + i] & 0xffL) << (8 * i);
                    }
                    break;
                case T_OPTIONS:
                    if (len < 1 || (spec[payload] & OPT_FORCE_INIT) != 0) {
                        return false;
                    }
                    break;
                case T_MAP_HELPER:
                    for (int i = 0; i < len; i++) {
                        helper |= spec[payload + i] != 0;
                    }
                    break;
                case T_NEW_TIME, T_RUN_AS, T_JOIN, T_SET_IDS, T_SECCOMP, T_SECCOMP_RULE, T_SECCOMP_BPF, T_MOUNT,
                        T_MOUNT_IDMAP, T_ROOT, T_CGROUP, T_CGROUP_SET:
                    return false;
                default:
                    break;
            }
            at = payload + (int) len;
        }
        return false;
    }

    /** Ends the stream and returns its bytes. */
    public byte[] finish() {
        empty(T_END);
        return out.toByteArray();
    }

    private static ByteBuffer le(int n) {
        return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
    }
}
