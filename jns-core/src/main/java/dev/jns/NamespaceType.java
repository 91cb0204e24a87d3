package dev.jns;

import java.util.Locale;

/**
 * The eight kinds of Linux namespace, with the {@code CLONE_NEW*} flag that creates one and the name the
 * kernel uses for it under {@code /proc/PID/ns/}.
 */
public enum NamespaceType {
    /** Control group root directory ({@code CLONE_NEWCGROUP}, {@code /proc/PID/ns/cgroup}). */
    CGROUP(0x02000000L, "cgroup"),
    /** System V IPC and POSIX message queues ({@code CLONE_NEWIPC}, {@code ipc}). */
    IPC(0x08000000L, "ipc"),
    /** Mount points ({@code CLONE_NEWNS}, {@code mnt}). */
    MOUNT(0x00020000L, "mnt"),
    /** Network devices, stacks, ports ({@code CLONE_NEWNET}, {@code net}). */
    NET(0x40000000L, "net"),
    /** Process ids ({@code CLONE_NEWPID}, {@code pid}). */
    PID(0x20000000L, "pid"),
    /** Boot and monotonic clocks ({@code CLONE_NEWTIME}, {@code time}); Linux 5.6 and later. */
    TIME(0x00000080L, "time"),
    /** User and group ids, capabilities ({@code CLONE_NEWUSER}, {@code user}). */
    USER(0x10000000L, "user"),
    /** Hostname and NIS domain name ({@code CLONE_NEWUTS}, {@code uts}). */
    UTS(0x04000000L, "uts");

    private final long cloneFlag;
    private final String procName;
    /** values() copies its array on every call. */
    private static final NamespaceType[] ALL = values();

    NamespaceType(long cloneFlag, String procName) {
        this.cloneFlag = cloneFlag;
        this.procName = procName;
    }

    /** The {@code CLONE_NEW*} flag of this type, as used by clone(2), unshare(2) and setns(2). */
    public long cloneFlag() {
        return cloneFlag;
    }

    /** The file name under {@code /proc/PID/ns/}: {@code cgroup ipc mnt net pid time user uts}. */
    public String procName() {
        return procName;
    }

    /**
     * The type whose {@link #procName()} is {@code name}. Also accepts the enum constant's name in any
     * case ({@code "mount"}, {@code "NET"}) and the {@code *_for_children} links of pid and time.
     *
     * @throws IllegalArgumentException naming the value when it is no namespace type
     */
    public static NamespaceType ofProcName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("namespace type name is null");
        }
        String n = name.endsWith("_for_children") ? name.substring(0, name.length() - "_for_children".length()) : name;
        for (NamespaceType t : ALL) {
            if (t.procName.equals(n)) {
                return t;
            }
        }
        String upper = n.toUpperCase(Locale.ROOT);
        for (NamespaceType t : ALL) {
            if (t.name().equals(upper)) {
                return t;
            }
        }
        throw new IllegalArgumentException("not a namespace type: '" + name
                + "' (expected one of cgroup, ipc, mnt, net, pid, time, user, uts)");
    }

    /** The type whose {@link #cloneFlag()} is exactly {@code flag}. */
    public static NamespaceType ofCloneFlag(long flag) {
        for (NamespaceType t : values()) {
            if (t.cloneFlag == flag) {
                return t;
            }
        }
        throw new IllegalArgumentException("not a CLONE_NEW* flag: 0x" + Long.toHexString(flag));
    }
}
