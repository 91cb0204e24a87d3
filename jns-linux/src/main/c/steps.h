/* Step codes of docs/launcher-protocol.md ("Steps"). The numbers are the protocol:
 * the JVM maps them to names, so never renumber; add new ones at the end. */
#ifndef JNS_STEPS_H
#define JNS_STEPS_H

enum step {
    STEP_READ_SPEC = 1,
    STEP_PARSE_SPEC = 2,
    STEP_DROP_TO_UID = 3,
    STEP_JOIN_NAMESPACE = 4,
    STEP_VERIFY_NAMESPACE = 5,
    STEP_CLONE = 6,
    STEP_WRITE_SETGROUPS = 7,
    STEP_WRITE_UID_MAP = 8,
    STEP_WRITE_GID_MAP = 9,
    STEP_NEWUIDMAP = 10,
    STEP_NEWGIDMAP = 11,
    STEP_WAIT_FOR_PARENT = 12,
    STEP_UNSHARE_TIME = 13,
    STEP_WRITE_TIMENS_OFFSETS = 14,
    STEP_SETHOSTNAME = 15,
    STEP_SETDOMAINNAME = 16,
    STEP_MOUNT_PROPAGATION = 17,
    STEP_MOUNT_PROC = 18,
    STEP_FORK = 19,
    STEP_CHDIR = 20,
    STEP_PRCTL = 21,
    STEP_CLOSE_FDS = 22,
    STEP_EXEC = 23,
    STEP_SIGNALS = 24,
    STEP_INTERNAL = 25,
    STEP_MOUNT_PLAN = 26,
    STEP_SWITCH_ROOT = 27,
    STEP_CAPABILITIES = 28,
    STEP_RLIMIT = 29,
    STEP_NO_NEW_PRIVS = 30,
    STEP_SETSID = 31,
    STEP_LOOPBACK = 32,
    STEP_PASS_FDS = 33,
    STEP_KEYRING = 34,
    STEP_SECCOMP = 35,
    STEP_MASK_PROC = 36,
    /* 40 and up: issue 13 item 1 and issue 19; 34.. are left to the other round-2 steps. */
    STEP_SET_IDS = 40,
    STEP_IDMAP_MOUNT = 41,
    STEP_CGROUP = 60,               /* create, place, kill or remove the sandbox's cgroup */
    STEP_CGROUP_LIMIT = 61,         /* write a limit of the sandbox's cgroup */
};

/* The fixed file descriptors the JVM hands over. */
enum fixed_fd {
    FD_SPEC = 3,
    FD_STATUS = 4,
    FD_LIFELINE = 5,
    FD_FIRST_JOIN = 6,
};

#endif
