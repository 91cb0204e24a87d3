package dev.jns.linux.spawn;

/**
 * The launcher's setup steps, by the code it reports in ERROR records ({@code docs/launcher-protocol.md}). The
 * twin of {@code enum step} in {@code src/main/c/steps.h}: same names (without {@code STEP_}), same codes, checked
 * by {@code ProtocolTablesTest}.
 */
public enum Step {
    READ_SPEC(1, "read spec"),
    PARSE_SPEC(2, "parse spec"),
    DROP_TO_UID(3, "switch to the runAs uid"),
    JOIN_NAMESPACE(4, "join namespace"),
    VERIFY_NAMESPACE(5, "verify namespace identity"),
    CLONE(6, "clone"),
    WRITE_SETGROUPS(7, "write /proc/PID/setgroups"),
    WRITE_UID_MAP(8, "write /proc/PID/uid_map"),
    WRITE_GID_MAP(9, "write /proc/PID/gid_map"),
    NEWUIDMAP(10, "newuidmap"),
    NEWGIDMAP(11, "newgidmap"),
    WAIT_FOR_PARENT(12, "wait for the id maps"),
    UNSHARE_TIME(13, "unshare time namespace"),
    WRITE_TIMENS_OFFSETS(14, "write /proc/self/timens_offsets"),
    SETHOSTNAME(15, "sethostname"),
    SETDOMAINNAME(16, "setdomainname"),
    MOUNT_PROPAGATION(17, "set mount propagation of /"),
    MOUNT_PROC(18, "mount /proc"),
    FORK(19, "fork the command under init"),
    CHDIR(20, "chdir"),
    PRCTL(21, "prctl"),
    CLOSE_FDS(22, "close inherited fds"),
    EXEC(23, "exec"),
    SIGNALS(24, "set up signals"),
    INTERNAL(25, "launcher internals"),
    MOUNT_PLAN(26, "mount plan"),
    SWITCH_ROOT(27, "switch root"),
    CAPABILITIES(28, "set capabilities"),
    RLIMIT(29, "setrlimit"),
    NO_NEW_PRIVS(30, "set no_new_privs"),
    SETSID(31, "setsid"),
    LOOPBACK(32, "bring lo up"),
    PASS_FDS(33, "pass fds to the command"),
    KEYRING(34, "join a new session keyring"),
    SECCOMP(35, "seccomp filter"),
    MASK_PROC(36, "mask /proc"),
    SET_IDS(40, "switch to the sandbox's ids"),
    IDMAP_MOUNT(41, "idmap a bind"),
    CGROUP(60, "set up the sandbox's cgroup"),
    CGROUP_LIMIT(61, "set a cgroup limit");

    private final int code;
    private final String label;

    Step(int code, String label) {
        this.code = code;
        this.label = label;
    }

    /** The code in the protocol. */
    public int code() {
        return code;
    }

    /** What the step does, for messages. */
    public String label() {
        return label;
    }

    /** The step of a code; {@link #INTERNAL} for an unknown one. */
    public static Step of(int code) {
        for (Step s : values()) {
            if (s.code == code) {
                return s;
            }
        }
        return INTERNAL;
    }
}
