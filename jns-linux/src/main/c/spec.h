/* The spec: what the JVM asks for, read from fd 3 (docs/launcher-protocol.md, "Spec").
 * Parsed into one fixed-size static struct: no heap anywhere in the launcher. */
#ifndef JNS_SPEC_H
#define JNS_SPEC_H

#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "large.h"

/* Linux 5.6; older C libraries lack the name. The one definition in the launcher. */
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#define SPEC_VERSION 1
#define SPEC_MAX_TOTAL (1u << 20)       /* the whole stream, headers included */
#define SPEC_MAX_PAYLOAD (64u << 10)
#define SPEC_HEADER_SIZE 8u
/* The launcher's buffer of the raw stream: at most SPEC_MAX_TOTAL bytes, plus one header that may overstep it. */
#define SPEC_RAW_SIZE (SPEC_MAX_TOTAL + SPEC_HEADER_SIZE)
/* Every record has an 8-byte header, so this bounds any repeated record. */
#define SPEC_MAX_RECORDS (SPEC_MAX_TOTAL / SPEC_HEADER_SIZE)
#define SPEC_MAX_TIME_OFFSETS 2
#define SPEC_MAX_JOINS 16
#define SPEC_MAX_PASSES 16
#define SPEC_MAX_PASS_TARGET 1023
#define SPEC_MAX_NAME 64                /* hostname, domainname */
#define SPEC_MAX_MOUNTS 1024
#define SPEC_MAX_RLIMITS 16
#define SPEC_MOUNT_FIXED 24u            /* op, flags, mode, zero, size */
#define SPEC_MAX_CGROUPS 8              /* one directory per hierarchy the sandbox's cgroup uses */
#define SPEC_MAX_CGROUP_SETS 16

/* The named enums here, in steps.h and in status.h are the protocol's tables. ProtocolTablesTest
 * (jns-linux's tests) reads every one of them and checks it, both directions, against its Java
 * twin: a name or value added, renamed or changed on one side only fails the build. */
enum spec_tag {
    TAG_VERSION = 1,
    TAG_CLONE_FLAGS = 2,
    TAG_NEW_TIME = 3,
    TAG_TIME_OFFSET = 4,
    TAG_RUN_AS = 5,
    TAG_JOIN = 6,
    TAG_UID_MAP = 7,
    TAG_GID_MAP = 8,
    TAG_MAP_HELPER = 9,
    TAG_NEWUIDMAP = 10,
    TAG_NEWGIDMAP = 11,
    TAG_SETGROUPS = 12,
    TAG_HOSTNAME = 13,
    TAG_DOMAINNAME = 14,
    TAG_PROPAGATION = 15,
    TAG_MOUNT_PROC = 16,
    TAG_CWD = 17,
    TAG_ARG = 18,
    TAG_ENV = 19,
    TAG_OPTIONS = 20,
    TAG_MOUNT = 21,
    TAG_ROOT = 22,
    TAG_CAPS = 23,
    TAG_RLIMIT = 24,
    TAG_TIMEOUT = 25,
    TAG_DEBUG_STOP = 26,                /* test aid: SIGSTOP before a step */
    TAG_PASS_FD = 27,
    TAG_SECCOMP = 28,
    TAG_SECCOMP_RULE = 29,
    TAG_SECCOMP_BPF = 30,
    TAG_ARGV0 = 31,                     /* string: the command's argv[0] apart from the program */
    /* 40 and up: issue 13 item 1 and issue 19 (ids of a root caller's sandbox, idmapped binds);
     * the gap leaves 28.. to the other round-2 records. */
    TAG_SET_IDS = 40,                   /* u32 uid, u32 gid: C's ids inside its user namespace */
    TAG_MOUNT_IDMAP = 41,               /* u32 mount index, u32 0, uid map NUL gid map */
    TAG_CGROUP = 60,                    /* u32 roles, u32 0, path: a cgroup directory S creates */
    TAG_CGROUP_SET = 61,                /* u32 dir index, u32 0, file NUL value: a limit S writes */
    TAG_END = 99,
};

enum map_helper_bit { MAP_HELPER_UID = 1, MAP_HELPER_GID = 2 };
enum setgroups_value { SETGROUPS_ALLOW = 1, SETGROUPS_DENY = 2 };
enum propagation_value {
    PROPAGATION_PRIVATE = 1,
    PROPAGATION_SLAVE = 2,
    PROPAGATION_SHARED = 3,
};
enum option_bit {
    OPTION_FORCE_INIT = 1,
    OPTION_NO_INIT = 2,
    OPTION_NEW_SESSION = 4,
    OPTION_NO_NEW_PRIVS = 8,
    OPTION_LOOPBACK_UP = 16,
    OPTION_UNMASKED_PROC = 32,          /* a proc the launcher mounts is not masked (item 2 of issue 13) */
    OPTION_NEW_KEYRING = 64,            /* E joins a new anonymous session keyring */
    OPTION_INIT_UNREAD = 128,           /* the JVM opens nothing in /proc/C (run()): see c_shares_memory */
};
#define OPTION_ALL (OPTION_FORCE_INIT | OPTION_NO_INIT | OPTION_NEW_SESSION | OPTION_NO_NEW_PRIVS \
                    | OPTION_LOOPBACK_UP | OPTION_UNMASKED_PROC | OPTION_NEW_KEYRING \
                    | OPTION_INIT_UNREAD)

/* Mount plan operations (TAG_MOUNT), in the order of docs/launcher-protocol.md. */
enum mount_op {
    MOUNT_BIND = 1,
    MOUNT_RO_BIND = 2,
    MOUNT_DEV_BIND = 3,
    MOUNT_TMPFS = 4,
    MOUNT_PROC = 5,
    MOUNT_DEV = 6,
    MOUNT_MQUEUE = 7,
    MOUNT_DIR = 8,
    MOUNT_SYMLINK = 9,
    MOUNT_FILE = 10,
    MOUNT_REMOUNT_RO = 11,
    MOUNT_BIND_DATA = 12,
    MOUNT_OVERLAY_SRC = 13,
    MOUNT_OVERLAY = 14,
    MOUNT_TMP_OVERLAY = 15,
    MOUNT_RO_OVERLAY = 16,
    MOUNT_CHMOD = 17,
    MOUNT_LOCK_FILE = 18,
};
#define MOUNT_OP_MAX MOUNT_LOCK_FILE
/* 1 = try: a missing source skips the entry; 2 = no symlinks: the source is resolved with
 * RESOLVE_NO_SYMLINKS (binds and overlay layers only); 4 = read-only (FILE: the file is bound
 * read-only onto itself, as bubblewrap's --ro-bind-data); 8 = from an fd: the data is
 * "u32 launcher fd, u32 0, u64 offset, u64 length" and names the bind's source object (binds,
 * src empty) or where the content lies (FILE, BIND_DATA: a sealed memfd of the JVM). */
enum mount_flag {
    MOUNT_FLAG_TRY = 1,
    MOUNT_FLAG_NO_SYMLINKS = 2,
    MOUNT_FLAG_READ_ONLY = 4,
    MOUNT_FLAG_FD = 8,
};
#define MOUNT_FLAGS_ALL (MOUNT_FLAG_TRY | MOUNT_FLAG_NO_SYMLINKS | MOUNT_FLAG_READ_ONLY | MOUNT_FLAG_FD)
#define SPEC_MOUNT_FD_DATA 24u          /* u32 fd, u32 0, u64 offset, u64 length */
/* Distinct launcher fds MOUNT records may name: the plan's data memfd and 16 fd binds. */
#define SPEC_MAX_MOUNT_FDS 17
/* The most lower layers of one overlay (overlayfs's own limit is 500). */
#define SPEC_MAX_OVERLAY_LOWERS 128
enum caps_flag { CAPS_AMBIENT = 1 };
/* CGROUP roles: what a directory is for. One directory may serve several v1 controllers (co-mounted
 * hierarchies, e.g. cpu,cpuacct). */
enum cgroup_role {
    CGROUP_V2 = 1,          /* the cgroup v2 directory: clone3 target, cgroup.kill, cgroup.events, stats */
    CGROUP_MEMORY = 2,      /* v1 memory: peak and OOM kills */
    CGROUP_PIDS = 4,        /* v1 pids: peak */
    CGROUP_CPU = 8,         /* v1 cpu: a quota only */
    CGROUP_CPUACCT = 16,    /* v1 cpuacct: CPU time */
    CGROUP_FREEZER = 32,    /* v1 freezer: the kill of the whole sandbox without cgroup.kill */
    CGROUP_OTHER = 64,      /* v1 any other hierarchy: membership only */
};
#define CGROUP_ROLES_ALL 127

/* SECCOMP flags, SECCOMP_RULE actions and comparisons (docs/launcher-protocol.md). */
enum seccomp_flag { SECCOMP_DEFAULT = 1, SECCOMP_NO_USERNS = 2 };
#define SECCOMP_FLAGS_ALL (SECCOMP_DEFAULT | SECCOMP_NO_USERNS)
enum rule_action { RULE_ALLOW = 1, RULE_ERRNO = 2, RULE_KILL = 3 };
#define SPEC_MAX_SECCOMP_RULES 256
#define SPEC_MAX_RULE_ARGS 6
#define SPEC_RULE_FIXED 16u             /* action, errno, n_args, zero */
#define SPEC_RULE_ARG 24u               /* index, op, a, b */
#define SPEC_MAX_SYSCALL_NAME 63
#define SPEC_MAX_BPF_INSNS 4096         /* BPF_MAXINSNS */

struct rule_arg {
    uint32_t index;                     /* 0..5 */
    uint32_t op;                        /* 1 NE, 2 LT, 3 LE, 4 EQ, 5 GE, 6 GT, 7 MASKED_EQ (libseccomp's) */
    uint64_t a, b;                      /* a: the value (the mask for MASKED_EQ), b: the value for MASKED_EQ */
};

struct seccomp_rule {
    uint32_t action;
    uint32_t err;                       /* RULE_ERRNO: 1..4095 */
    uint32_t n_args;
    struct rule_arg args[SPEC_MAX_RULE_ARGS];
    const char *name;                   /* the system call, as libseccomp names it */
};

struct mount_entry {
    uint32_t op;
    uint32_t flags;
    uint32_t mode;
    uint64_t size;
    const char *src;                    /* "" when the op has none; the target of a symlink */
    const char *dst;
    const char *data;                   /* FILE and BIND_DATA content; OVERLAY: the work directory */
    uint32_t data_len;
    /* MOUNT_FLAG_FD: the launcher fd, and (FILE, BIND_DATA) where the content lies in it. */
    int fd;
    uint64_t fd_offset, fd_length;
    /* MOUNT_IDMAP: the maps of the user namespace a bind is idmapped with (uid_map and gid_map
     * text, "on-disk-id host-id count" lines); NULL when the bind is not idmapped. */
    const char *idmap_uid;
    const char *idmap_gid;
};

struct rlimit_entry {
    uint32_t resource;
    uint64_t soft, hard;
};

struct cgroup_dir {
    uint32_t roles;
    const char *path;                   /* absolute; the last component starts with "jns-" */
};

struct cgroup_set {
    int dir;                            /* index into cgroups[] */
    const char *file;                   /* a file name in that directory ("memory.max") */
    const char *value;
};

struct time_offset {
    int32_t clockid;
    int64_t sec;
    int64_t nsec;
};

struct join {
    int fd;
    int nstype;
    uint64_t dev;
    uint64_t ino;
};

/* Strings point into spec.strings and are NUL-terminated; NULL when absent. */
struct spec {
    uint64_t clone_flags;
    bool new_time;
    int n_time_offsets;
    struct time_offset time_offsets[SPEC_MAX_TIME_OFFSETS];
    bool run_as;
    uint32_t uid, gid;
    bool set_ids;                       /* SET_IDS: C becomes inside_uid/inside_gid */
    uint32_t inside_uid, inside_gid;
    int n_joins;
    struct join joins[SPEC_MAX_JOINS];
    int n_passes;                       /* PASS_FD: launcher fd -> the command's fd */
    struct { int fd; int target; } passes[SPEC_MAX_PASSES];
    const char *uid_map;
    const char *gid_map;
    uint32_t map_helper;
    const char *newuidmap;
    const char *newgidmap;
    uint32_t setgroups;                 /* 0 = not given */
    const char *hostname;
    const char *domainname;
    uint32_t propagation;               /* 0 = not given */
    bool mount_proc;
    const char *cwd;
    const char *argv0;                  /* ARGV0: argv[0] of the command, NULL = the program */
    uint32_t options;
    int n_mounts;
    int n_mount_fds;                    /* the distinct fds of MOUNT records with flag 8 */
    int mount_fds[SPEC_MAX_MOUNT_FDS];
    int n_lock_files;                   /* MOUNT op 18: the init holds them */
    const char *root;                   /* ROOT: "" = empty tmpfs root, else a directory; NULL = none */
    bool caps;                          /* CAPS given */
    uint64_t caps_keep;
    uint32_t caps_flags;
    int n_rlimits;
    struct rlimit_entry rlimits[SPEC_MAX_RLIMITS];
    uint64_t timeout_ms;                /* 0 = none */
    uint64_t grace_ms;
    uint32_t debug_stop;                /* DEBUG_STOP: step to stop before, 0 = none */
    bool seccomp;                       /* SECCOMP given */
    uint32_t seccomp_flags;
    uint64_t seccomp_caps;              /* capabilities whose system calls the default filter allows */
    int n_rules;
    const char *bpf;                    /* SECCOMP_BPF: struct sock_filter[], bpf_len bytes; NULL = none */
    uint32_t bpf_len;
    int n_cgroups;
    struct cgroup_dir cgroups[SPEC_MAX_CGROUPS];
    int n_cgroup_sets;
    struct cgroup_set cgroup_sets[SPEC_MAX_CGROUP_SETS];
    int argc;
    int envc;
    /* The large arrays last, after every count and scalar: a spec touches the pages of the few
     * entries it has, and each page a process first touches costs a page fault (12-20 us on this
     * project's PVM guest; the counts behind the mount and rule arrays cost S two of them). */
    struct mount_entry mounts[SPEC_MAX_MOUNTS];
    struct seccomp_rule rules[SPEC_MAX_SECCOMP_RULES];
    char *argv[SPEC_MAX_RECORDS + 1];   /* NULL-terminated */
    char *envp[SPEC_MAX_RECORDS + 1];   /* NULL-terminated */
    /* Payloads of string records, each followed by a NUL: payload + 1 <= payload + header. */
    char strings[SPEC_MAX_TOTAL];
};

/* Why spec_parse refused a spec: the step (parse spec), an errno (EINVAL) and a detail that
 * names the record. */
struct spec_error {
    int step;
    int err;
    char detail[256];
};

/* Whether a light supervisor may run this spec (light.c): no namespace made or joined, no time namespace,
 * no RUN_AS or SET_IDS, no seccomp filter, no mount, root or cgroup, no forced init. The JVM's
 * SpecEncoder.light decides the same from the bytes. */
int spec_light(const struct spec *s);
/* Whether a light supervisor of a root launcher may run this sandbox (light.c): new user, pid, mount, uts,
 * ipc, net or cgroup namespaces, id maps that S writes itself (no helper), /proc, a hostname, propagation;
 * nothing joined, no time namespace, no RUN_AS or SET_IDS, no seccomp filter, no mount entry, root, idmap
 * or cgroup, no forced init. SpecEncoder.light decides the same from the bytes for a root JVM. */
int spec_light_sandbox(const struct spec *s);
/* Parses and checks one whole spec stream, buf[0..len): VERSION first, END last and nothing
 * after it. No I/O and no exit: returns 0, or -1 with *err filled in. On success the strings
 * of s point into s->strings (s may be reused: parsing resets what it needs). Never reads
 * outside buf. */
int spec_parse(const char *buf, size_t len, struct spec *s, struct spec_error *err);

/* Reads records from fd up to and including END (never beyond it: the JVM keeps its end of
 * the pipe open until it has read PID), then parses them as spec_parse does, into an s that must
 * be all zero (the launcher's static spec, read once per process: not cleared again). On failure
 * reports (step read spec or parse spec) and exits 127. */
void spec_read(int fd, struct spec *s);

#endif
