#include "spec.h"

#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "steps.h"
#ifndef SPEC_PARSER_ONLY
#include "launcher.h"
#include "status.h"
#endif

#define ALLOWED_CLONE_FLAGS \
    (CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC \
     | CLONE_NEWCGROUP)

/* Records the error and makes the enclosing function return -1. */
#define PARSE_FAIL(...) \
    do { \
        spec_fail(err, __VA_ARGS__); \
        return -1; \
    } while (0)

__attribute__((format(printf, 2, 3)))
static void spec_fail(struct spec_error *err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    err->step = STEP_PARSE_SPEC;
    err->err = EINVAL;
    vsnprintf(err->detail, sizeof err->detail, fmt, ap);
    va_end(ap);
}

/* Calls a checker that returns -1 on failure (err already filled in) and passes the failure on. */
#define CHECK(call) \
    do { \
        if ((call) < 0) \
            return -1; \
    } while (0)

static uint32_t u32_at(const char *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static int32_t i32_at(const char *p) { int32_t v; memcpy(&v, p, 4); return v; }
static uint64_t u64_at(const char *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static int64_t i64_at(const char *p) { int64_t v; memcpy(&v, p, 8); return v; }

static bool is_ns_type(uint32_t t)
{
    switch (t) {
    case CLONE_NEWUSER: case CLONE_NEWNS: case CLONE_NEWPID: case CLONE_NEWNET:
    case CLONE_NEWUTS: case CLONE_NEWIPC: case CLONE_NEWCGROUP: case CLONE_NEWTIME:
        return true;
    default:
        return false;
    }
}

static bool new_or_joined(const struct spec *s, int type)
{
    if (s->clone_flags & (uint64_t)type)
        return true;
    for (int i = 0; i < s->n_joins; i++)
        if (s->joins[i].nstype == type)
            return true;
    return false;
}

/* One parser per record type. Each gets the payload p[0..len) (p[len] is a NUL the framing
 * added) after the generic checks of its row in `records` below (NUL-free string, singular,
 * exact length), stores what it means in s and checks its values; returns 0 or -1 with err. */
typedef int record_parser(struct spec *s, char *p, uint32_t len, struct spec_error *err);

static int parse_version(struct spec *s, char *p, uint32_t len, struct spec_error *err)
{
    (void)s, (void)len;
    if (u32_at(p) != SPEC_VERSION)
        PARSE_FAIL("VERSION %u, this launcher speaks %u (stale launcher binary?)", u32_at(p),
                   SPEC_VERSION);
    return 0;
}

static int parse_clone_flags(struct spec *s, char *p, uint32_t len, struct spec_error *err)
{
    (void)len;
    s->clone_flags = u64_at(p);
    if (s->clone_flags & ~(uint64_t)ALLOWED_CLONE_FLAGS)
        PARSE_FAIL("CLONE_FLAGS: 0x%llx has flags other than CLONE_NEW{USER,NS,PID,"
                   "NET,UTS,IPC,CGROUP}", (unsigned long long)s->clone_flags);
    return 0;
}

static int parse_new_time(struct spec *s, char *p, uint32_t len, struct spec_error *err)
{
    (void)p, (void)len, (void)err;
    s->new_time = true;
    return 0;
}

static int parse_time_offset(struct spec *s, char *p, uint32_t len, struct spec_error *err)
{
    (void)len;
    if (s->n_time_offsets == SPEC_MAX_TIME_OFFSETS)
        PARSE_FAIL("TIME_OFFSET: more than %d", SPEC_MAX_TIME_OFFSETS);
    struct time_offset *t = &s->time_offsets[s->n_time_offsets++];
    t->clockid = i32_at(p);
    t->sec = i64_at(p + 8);
    t->nsec = i64_at(p + 16);
    if ((t->clockid != 1 && t->clockid != 7) || u32_at(p + 4) != 0)
        PARSE_FAIL("TIME_OFFSET: clock %d is not 1 (monotonic) or 7 (boottime)", t->clockid);
    return 0;
}

static int parse_run_as(struct spec *s, char *p, uint32_t len, struct spec_error *err)
{
    (void)len, (void)err;
    s->run_as = true;
    s->uid = u32_at(p);
    s->gid = u32_at(p + 4);
    return 0;
}

static int parse_join(struct spec *s, char *p, uint32_t len, struct spec_error *err)
{
    (void)len;
    if (s->n_joins == SPEC_MAX_JOINS)
        PARSE_FAIL("JOIN: more than %d", SPEC_MAX_JOINS);
    struct join *j = &s->joins[s->n_joins++];
    uint32_t jfd = u32_at(p);
    uint32_t type = u32_at(p + 4);
    if (jfd < FD_FIRST_JOIN || jfd > 65535)
        PARSE_FAIL("JOIN: fd %u is not a join fd (6 and up)", jfd);
    if (!is_ns_type(type))
        PARSE_FAIL("JOIN: nstype 0x%x is not one CLONE_NEW* flag", type);
    for (int i = 0; i < s->n_joins - 1; i++)
        if (s->joins[i].fd == (int)jfd)
            PARSE_FAIL("JOIN: fd %u given twice", jfd);
    j->fd = (int)jfd;
    j->nstype = (int)type;
    j->dev = u64_at(p + 8);
    j->ino = u64_at(p + 16);
    return 0;
}

static int parse_pass_fd(struct spec *s, char *p, uint32_t len, struct spec_error *err)
{
    (void)len;
    if (s->n_passes == SPEC_MAX_PASSES)
        PARSE_FAIL("PASS_FD: more than %d", SPEC_MAX_PASSES);
    uint32_t pfd = u32_at(p);
    uint32_t target = u32_at(p + 4);
    if (pfd < FD_FIRST_JOIN || pfd > 65535)
        PARSE_FAIL("PASS_FD: fd %u is not a launcher fd (6 and up)", pfd);
    if (target < 3 || target > SPEC_MAX_PASS_TARGET)
        PARSE_FAIL("PASS_FD: target %u is not 3..%d", target, SPEC_MAX_PASS_TARGET);
    for (int i = 0; i < s->n_passes; i++)
        if (s->passes[i].fd == (int)pfd || s->passes[i].target == (int)target)
            PARSE_FAIL("PASS_FD: fd %u or target %u given twice", pfd, target);
    for (int i = 0; i < s->n_joins; i++)
        if (s->joins[i].fd == (int)pfd)
            PARSE_FAIL("PASS_FD: fd %u is a join fd", pfd);
    s->passes[s->n_passes].fd = (int)pfd;
    s->passes[s->n_passes].target = (int)target;
    s->n_passes++;
    return 0;
}

static int parse_uid_map(struct spec *s, char *p, uint32_t len, struct spec_error *err)
{
    (void)len, (void)err;
    s->uid_map = p;
    return 0;
}

static int parse_gid_map(struct spec *s, char *p, uint32_t len, struct spec_error *err)
{
    (void)len, (void)err;
    s->gid_map = p;
    return 0;
}

static int parse_map_helper(struct spec *s, char *p, uint32_t len, struct spec_error *err)
{
    (void)len;
    s->map_helper = u32_at(p);
    if (s->map_helper & ~(uint32_t)(MAP_HELPER_UID | MAP_HELPER_GID))
        PARSE_FAIL("MAP_HELPER: unknown bits 0x%x", s->map_helper);
    return 0;
}

static int parse_newuidmap(struct spec *s, char *p, uint32_t len, struct spec_error *err)
{
    (void)len, (void)err;
    s->newuidmap = p;
    return 0;
}

static int parse_newgidmap(struct spec *s, char *p, uint32_t len, struct spec_error *err)
{
    (void)len, (void)err;
    s->newgidmap = p;
    return 0;
}

static int parse_setgroups(struct spec *s, char *p, uint32_t len, struct spec_error *err)
{
    (void)len;
    s->setgroups = u32_at(p);
    if (s->setgroups != SETGROUPS_ALLOW && s->setgroups != SETGROUPS_DENY)
        PARSE_FAIL("SETGROUPS: %u is not 1 (allow) or 2 (deny)", s->setgroups);
    return 0;
}

static int name_length(const char *tag, uint32_t len, struct spec_error *err)
{
    if (len < 1 || len > SPEC_MAX_NAME)
        PARSE_FAIL("%s: %u bytes, must be 1..%d", tag, len, SPEC_MAX_NAME);
    return 0;
}

static int parse_hostname(struct spec *s, char *p, uint32_t len, struct spec_error *err)
{
    CHECK(name_length("HOSTNAME", len, err));
    s->hostname = p;
    return 0;
}

static int parse_domainname(struct spec *s, char *p, uint32_t len, struct spec_error *err)
{
    CHECK(name_length("DOMAINNAME", len, err));
    s->domainname = p;
    return 0;
}

static int parse_propagation(struct spec *s, char *p, uint32_t len, struct spec_error *err)
{
    (void)len;
    s->propagation = u32_at(p);
    if (s->propagation < PROPAGATION_PRIVATE || s->propagation > PROPAGATION_SHARED)
        PARSE_FAIL("PROPAGATION: %u is not 1, 2 or 3", s->propagation);
    return 0;
}

static int parse_mount_proc(struct spec *s, char *p, uint32_t len, struct spec_error *err)
{
    (void)p, (void)len, (void)err;
    s->mount_proc = true;
    return 0;
}

static int parse_cwd(struct spec *s, char *p, uint32_t len, struct spec_error *err)
{
    (void)len, (void)err;
    s->cwd = p;
    return 0;
}

static int parse_argv0(struct spec *s, char *p, uint32_t len, struct spec_error *err)
{
    (void)len, (void)err;
    s->argv0 = p;
    return 0;
}

static int parse_arg(struct spec *s, char *p, uint32_t len, struct spec_error *err)
{
    (void)len, (void)err;
    s->argv[s->argc++] = p;
    return 0;
}

static int parse_env(struct spec *s, char *p, uint32_t len, struct spec_error *err)
{
    (void)len;
    if (strchr(p, '=') == NULL)
        PARSE_FAIL("ENV: \"%.64s\" has no '='", p);
    s->envp[s->envc++] = p;
    return 0;
}

static int parse_options(struct spec *s, char *p, uint32_t len, struct spec_error *err)
{
    (void)len;
    s->options = u32_at(p);
    if (s->options & ~(uint32_t)OPTION_ALL)
        PARSE_FAIL("OPTIONS: unknown bits 0x%x", s->options);
    if ((s->options & OPTION_FORCE_INIT) && (s->options & OPTION_NO_INIT))
        PARSE_FAIL("OPTIONS: bits 1 (force an init) and 2 (no init) together");
    return 0;
}

/* A MOUNT payload: u32 op | u32 flags | u32 mode | u32 0 | u64 size | src NUL | dst NUL | data.
 * The strings stay where they are (p[len] is a NUL the framing added). */
static int parse_mount(struct spec *s, char *p, uint32_t len, struct spec_error *err)
{
    if (s->n_mounts == SPEC_MAX_MOUNTS)
        PARSE_FAIL("MOUNT: more than %d", SPEC_MAX_MOUNTS);
    int index = s->n_mounts;
    struct mount_entry *m = &s->mounts[index];
    if (len < SPEC_MOUNT_FIXED + 2)
        PARSE_FAIL("MOUNT %d: payload of %u bytes is too short", index, len);
    m->op = u32_at(p);
    m->flags = u32_at(p + 4);
    m->mode = u32_at(p + 8);
    m->size = u64_at(p + 16);
    if (m->op < 1 || m->op > MOUNT_OP_MAX)
        PARSE_FAIL("MOUNT %d: unknown op %u", index, m->op);
    if ((m->flags & ~(uint32_t)MOUNT_FLAGS_ALL) || u32_at(p + 12) != 0)
        PARSE_FAIL("MOUNT %d: unknown flag bits 0x%x", index, m->flags);
    if (m->mode > 07777)
        PARSE_FAIL("MOUNT %d: mode 0%o is over 07777", index, m->mode);
    char *end = p + len;
    char *src = p + SPEC_MOUNT_FIXED;
    char *nul = memchr(src, '\0', (size_t)(end - src));
    if (nul == NULL)
        PARSE_FAIL("MOUNT %d: the source is not NUL-terminated", index);
    char *dst = nul + 1;
    nul = dst < end ? memchr(dst, '\0', (size_t)(end - dst)) : NULL;
    if (nul == NULL)
        PARSE_FAIL("MOUNT %d: the destination is not NUL-terminated", index);
    m->src = src;
    m->dst = dst;
    m->data = nul + 1;
    m->data_len = (uint32_t)(end - (nul + 1));
    if (dst[0] != '/')
        PARSE_FAIL("MOUNT %d: destination \"%.64s\" is not absolute", index, dst);
    bool has_src = m->op == MOUNT_BIND || m->op == MOUNT_RO_BIND || m->op == MOUNT_DEV_BIND
        || m->op == MOUNT_SYMLINK || m->op == MOUNT_OVERLAY_SRC || m->op == MOUNT_OVERLAY;
    bool bind = m->op == MOUNT_BIND || m->op == MOUNT_RO_BIND || m->op == MOUNT_DEV_BIND;
    bool content = m->op == MOUNT_FILE || m->op == MOUNT_BIND_DATA;
    m->fd = -1;
    if (m->flags & MOUNT_FLAG_FD) {
        /* The source object (a bind) or the content (a file) is a launcher fd. */
        if (!bind && !content)
            PARSE_FAIL("MOUNT %d: flag 8 (from an fd) is for binds, files and bindData only", index);
        if (m->data_len != SPEC_MOUNT_FD_DATA || u32_at(m->data + 4) != 0)
            PARSE_FAIL("MOUNT %d: flag 8 needs data of u32 fd, u32 0, u64 offset, u64 length", index);
        uint32_t fd = u32_at(m->data);
        m->fd_offset = u64_at(m->data + 8);
        m->fd_length = u64_at(m->data + 16);
        if (fd < FD_FIRST_JOIN || fd > INT32_MAX)
            PARSE_FAIL("MOUNT %d: fd %u is not a launcher fd (6 and up)", index, fd);
        if (bind && (m->fd_offset != 0 || m->fd_length != 0 || (m->flags & MOUNT_FLAG_NO_SYMLINKS)))
            PARSE_FAIL("MOUNT %d: a bind from an fd takes no offset, length or flag 2", index);
        if (m->fd_offset > UINT64_MAX - m->fd_length)
            PARSE_FAIL("MOUNT %d: offset and length overflow", index);
        m->fd = (int)fd;
        int known = 0;
        for (int i = 0; i < s->n_mount_fds; i++)
            known |= s->mount_fds[i] == m->fd;
        /* A bind's fd is its own; the content fd may be shared by every file of the plan. */
        if (known && bind)
            PARSE_FAIL("MOUNT %d: fd %d is named by another MOUNT", index, m->fd);
        if (!known) {
            if (s->n_mount_fds == SPEC_MAX_MOUNT_FDS)
                PARSE_FAIL("MOUNT %d: more than %d distinct fds", index, SPEC_MAX_MOUNT_FDS);
            s->mount_fds[s->n_mount_fds++] = m->fd;
        }
    }
    if (bind && (m->flags & MOUNT_FLAG_FD))
        has_src = false;            /* the fd is the source */
    if (has_src != (src[0] != '\0'))
        PARSE_FAIL("MOUNT %d: op %u %s a source", index, m->op, has_src ? "needs" : "takes no");
    if (has_src && m->op != MOUNT_SYMLINK && src[0] != '/')
        PARSE_FAIL("MOUNT %d: source \"%.64s\" is not absolute", index, src);
    if ((m->flags & MOUNT_FLAG_NO_SYMLINKS) && !(has_src && m->op != MOUNT_SYMLINK))
        PARSE_FAIL("MOUNT %d: flag 2 (no symlinks) is for binds and overlay layers only", index);
    if ((m->flags & MOUNT_FLAG_READ_ONLY) && m->op != MOUNT_FILE)
        PARSE_FAIL("MOUNT %d: flag 4 (read-only) is for files only", index);
    if (!content && m->op != MOUNT_OVERLAY && m->data_len != 0 && !(m->flags & MOUNT_FLAG_FD))
        PARSE_FAIL("MOUNT %d: op %u takes no content", index, m->op);
    if (m->op == MOUNT_LOCK_FILE && m->flags != 0)
        PARSE_FAIL("MOUNT %d: a lock file takes no flags", index);
    if (m->op == MOUNT_LOCK_FILE)
        s->n_lock_files++;
    if (m->op == MOUNT_OVERLAY && (m->data_len == 0 || m->data[0] != '/'
                                   || memchr(m->data, '\0', m->data_len) != NULL))
        PARSE_FAIL("MOUNT %d: an overlay needs an absolute work directory", index);
    /* Lower layers come as a run of OVERLAY_SRC entries right before their overlay, with its
     * destination (as bubblewrap's --overlay-src). */
    bool overlay = m->op == MOUNT_OVERLAY || m->op == MOUNT_TMP_OVERLAY
        || m->op == MOUNT_RO_OVERLAY;
    const struct mount_entry *prev = index > 0 ? &s->mounts[index - 1] : NULL;
    if (prev && prev->op == MOUNT_OVERLAY_SRC && m->op != MOUNT_OVERLAY_SRC && !overlay)
        PARSE_FAIL("MOUNT %d: overlay layers must be followed by their overlay", index);
    if (overlay || m->op == MOUNT_OVERLAY_SRC) {
        int lowers = m->op == MOUNT_OVERLAY_SRC;
        for (int i = index - 1; i >= 0 && s->mounts[i].op == MOUNT_OVERLAY_SRC; i--) {
            if (strcmp(s->mounts[i].dst, dst) != 0)
                PARSE_FAIL("MOUNT %d: overlay layer %d is for another destination", index, i);
            lowers++;
        }
        if (overlay && lowers == 0)
            PARSE_FAIL("MOUNT %d: an overlay needs at least one lower layer", index);
        if (lowers > SPEC_MAX_OVERLAY_LOWERS)
            PARSE_FAIL("MOUNT %d: more than %d overlay layers", index, SPEC_MAX_OVERLAY_LOWERS);
    }
    s->n_mounts++;
    return 0;
}

static int parse_root(struct spec *s, char *p, uint32_t len, struct spec_error *err)
{
    if (len > 0 && p[0] != '/')
        PARSE_FAIL("ROOT: \"%.64s\" is not an absolute path", p);
    s->root = p;
    return 0;
}

static int parse_caps(struct spec *s, char *p, uint32_t len, struct spec_error *err)
{
    (void)len;
    s->caps = true;
    s->caps_keep = u64_at(p);
    s->caps_flags = u32_at(p + 8);
    if ((s->caps_flags & ~(uint32_t)CAPS_AMBIENT) || u32_at(p + 12) != 0)
        PARSE_FAIL("CAPS: unknown bits 0x%x", s->caps_flags);
    return 0;
}

static int parse_rlimit(struct spec *s, char *p, uint32_t len, struct spec_error *err)
{
    (void)len;
    if (s->n_rlimits == SPEC_MAX_RLIMITS)
        PARSE_FAIL("RLIMIT: more than %d", SPEC_MAX_RLIMITS);
    struct rlimit_entry *r = &s->rlimits[s->n_rlimits++];
    r->resource = u32_at(p);
    r->soft = u64_at(p + 8);
    r->hard = u64_at(p + 16);
    if (r->resource > 15 || u32_at(p + 4) != 0)
        PARSE_FAIL("RLIMIT: resource %u is not 0..15", r->resource);
    if (r->soft > r->hard)
        PARSE_FAIL("RLIMIT: resource %u: soft limit above the hard limit", r->resource);
    return 0;
}

static int parse_timeout(struct spec *s, char *p, uint32_t len, struct spec_error *err)
{
    (void)len;
    s->timeout_ms = u64_at(p);
    s->grace_ms = u64_at(p + 8);
    if (s->timeout_ms == 0 || s->timeout_ms > (1ull << 40) || s->grace_ms > (1ull << 40))
        PARSE_FAIL("TIMEOUT: %llu ms (grace %llu ms) out of range",
                   (unsigned long long)s->timeout_ms, (unsigned long long)s->grace_ms);
    return 0;
}

static int parse_debug_stop(struct spec *s, char *p, uint32_t len, struct spec_error *err)
{
    (void)len;
    s->debug_stop = u32_at(p);
    if (s->debug_stop < STEP_READ_SPEC || s->debug_stop > STEP_MASK_PROC)
        PARSE_FAIL("DEBUG_STOP: %u is not a step code", s->debug_stop);
    return 0;
}

static int parse_seccomp(struct spec *s, char *p, uint32_t len, struct spec_error *err)
{
    (void)len;
    s->seccomp = true;
    s->seccomp_flags = u32_at(p);
    s->seccomp_caps = u64_at(p + 8);
    if ((s->seccomp_flags & ~(uint32_t)SECCOMP_FLAGS_ALL) || u32_at(p + 4) != 0)
        PARSE_FAIL("SECCOMP: unknown flag bits 0x%x", s->seccomp_flags);
    return 0;
}

/* A SECCOMP_RULE payload: u32 action | u32 errno | u32 n_args | u32 0 | n_args x (u32 index | u32 op |
 * u64 a | u64 b) | name. The name stays in place (p[len] is a NUL the framing added). */
static int parse_seccomp_rule(struct spec *s, char *p, uint32_t len, struct spec_error *err)
{
    if (s->n_rules == SPEC_MAX_SECCOMP_RULES)
        PARSE_FAIL("SECCOMP_RULE: more than %d", SPEC_MAX_SECCOMP_RULES);
    int index = s->n_rules;
    struct seccomp_rule *r = &s->rules[index];
    if (len < SPEC_RULE_FIXED + 1)
        PARSE_FAIL("SECCOMP_RULE %d: payload of %u bytes is too short", index, len);
    r->action = u32_at(p);
    r->err = u32_at(p + 4);
    r->n_args = u32_at(p + 8);
    if (u32_at(p + 12) != 0)
        PARSE_FAIL("SECCOMP_RULE %d: reserved bytes are not zero", index);
    if (r->action < RULE_ALLOW || r->action > RULE_KILL)
        PARSE_FAIL("SECCOMP_RULE %d: unknown action %u", index, r->action);
    if ((r->action == RULE_ERRNO) != (r->err != 0) || r->err > 4095)
        PARSE_FAIL("SECCOMP_RULE %d: errno %u does not fit action %u (errno: 1..4095)", index, r->err,
                   r->action);
    if (r->action == RULE_ALLOW && r->n_args != 0)
        PARSE_FAIL("SECCOMP_RULE %d: allow takes no argument conditions", index);
    if (r->n_args > SPEC_MAX_RULE_ARGS)
        PARSE_FAIL("SECCOMP_RULE %d: %u argument conditions, at most %d", index, r->n_args,
                   SPEC_MAX_RULE_ARGS);
    uint32_t fixed = SPEC_RULE_FIXED + r->n_args * SPEC_RULE_ARG;
    if (len <= fixed)
        PARSE_FAIL("SECCOMP_RULE %d: the system call name is missing", index);
    uint32_t seen_index = 0;
    for (uint32_t i = 0; i < r->n_args; i++) {
        const char *q = p + SPEC_RULE_FIXED + i * SPEC_RULE_ARG;
        struct rule_arg *a = &r->args[i];
        a->index = u32_at(q);
        a->op = u32_at(q + 4);
        a->a = u64_at(q + 8);
        a->b = u64_at(q + 16);
        if (a->index > 5 || a->op < 1 || a->op > 7)
            PARSE_FAIL("SECCOMP_RULE %d: condition %u: argument %u / op %u out of range", index, i,
                       a->index, a->op);
        /* libseccomp takes one condition per argument in a rule */
        if (seen_index & (1u << a->index))
            PARSE_FAIL("SECCOMP_RULE %d: two conditions on argument %u", index, a->index);
        seen_index |= 1u << a->index;
        if (a->op != 7 && a->b != 0)
            PARSE_FAIL("SECCOMP_RULE %d: condition %u: second value only for op 7", index, i);
    }
    char *name = p + fixed;
    uint32_t name_len = len - fixed;
    if (name_len > SPEC_MAX_SYSCALL_NAME)
        PARSE_FAIL("SECCOMP_RULE %d: name of %u bytes, at most %d", index, name_len,
                   SPEC_MAX_SYSCALL_NAME);
    for (uint32_t i = 0; i < name_len; i++) {
        char c = name[i];
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'))
            PARSE_FAIL("SECCOMP_RULE %d: the name has a byte 0x%02x outside [a-z0-9_]", index,
                       (unsigned char)c);
    }
    r->name = name;
    s->n_rules++;
    return 0;
}

static int parse_seccomp_bpf(struct spec *s, char *p, uint32_t len, struct spec_error *err)
{
    if (len == 0 || len % 8 != 0 || len > SPEC_MAX_BPF_INSNS * 8)
        PARSE_FAIL("SECCOMP_BPF: %u bytes is not 1..%d instructions of 8 bytes", len,
                   SPEC_MAX_BPF_INSNS);
    s->bpf = p;
    s->bpf_len = len;
    return 0;
}

static int parse_set_ids(struct spec *s, char *p, uint32_t len, struct spec_error *err)
{
    (void)len;
    s->set_ids = true;
    s->inside_uid = u32_at(p);
    s->inside_gid = u32_at(p + 4);
    if (s->inside_uid == UINT32_MAX || s->inside_gid == UINT32_MAX)
        PARSE_FAIL("SET_IDS: %u:%u is not an id", s->inside_uid, s->inside_gid);
    return 0;
}

/* A map text for MOUNT_IDMAP: 1..340 lines of three decimal numbers, each line ending in '\n'. */
static bool is_map_text(const char *t, const char *end)
{
    int lines = 0, numbers = 0;
    bool in_number = false;
    if (t == end)
        return false;
    for (const char *c = t; c < end; c++) {
        if (*c >= '0' && *c <= '9') {
            if (!in_number)
                numbers++;
            in_number = true;
        } else if (*c == ' ') {
            in_number = false;
        } else if (*c == '\n') {
            if (numbers != 3)
                return false;
            numbers = 0;
            in_number = false;
            lines++;
        } else {
            return false;
        }
    }
    return end[-1] == '\n' && lines <= 340;
}

/* A MOUNT_IDMAP payload: u32 index | u32 0 | uid map NUL gid map. It follows the MOUNT it is
 * about, which must be a bind; at most one per entry. The maps stay in place. */
static int parse_mount_idmap(struct spec *s, char *p, uint32_t len, struct spec_error *err)
{
    if (len < 8 + 3)
        PARSE_FAIL("MOUNT_IDMAP: payload of %u bytes is too short", len);
    uint32_t index = u32_at(p);
    if (u32_at(p + 4) != 0)
        PARSE_FAIL("MOUNT_IDMAP: reserved bytes are not zero");
    if (index >= (uint32_t)s->n_mounts)
        PARSE_FAIL("MOUNT_IDMAP: entry %u is not a MOUNT before it", index);
    struct mount_entry *m = &s->mounts[index];
    if (m->op != MOUNT_BIND && m->op != MOUNT_RO_BIND && m->op != MOUNT_DEV_BIND)
        PARSE_FAIL("MOUNT_IDMAP: entry %u is not a bind", index);
    if (m->idmap_uid != NULL)
        PARSE_FAIL("MOUNT_IDMAP: entry %u given twice", index);
    char *end = p + len;
    char *uid = p + 8;
    char *nul = memchr(uid, '\0', (size_t)(end - uid));
    if (nul == NULL || !is_map_text(uid, nul) || !is_map_text(nul + 1, end))
        PARSE_FAIL("MOUNT_IDMAP: entry %u: maps are not two NUL-separated texts of "
                   "\"inside outside count\" lines", index);
    m->idmap_uid = uid;
    m->idmap_gid = nul + 1;
    return 0;
}

/* A CGROUP payload: u32 roles | u32 0 | path. S creates the directory, so the path must name a new
 * "jns-*" directory by an absolute path without "." or ".." components: nothing else can be made or
 * removed through it. */
static int parse_cgroup(struct spec *s, char *p, uint32_t len, struct spec_error *err)
{
    if (s->n_cgroups == SPEC_MAX_CGROUPS)
        PARSE_FAIL("CGROUP: more than %d", SPEC_MAX_CGROUPS);
    if (len < 9)
        PARSE_FAIL("CGROUP: payload of %u bytes is too short", len);
    uint32_t roles = u32_at(p);
    if (roles == 0 || (roles & ~(uint32_t)CGROUP_ROLES_ALL) || u32_at(p + 4) != 0)
        PARSE_FAIL("CGROUP: roles 0x%x are not known", roles);
    if ((roles & CGROUP_V2) && roles != CGROUP_V2)
        PARSE_FAIL("CGROUP: a v2 directory has no v1 roles (0x%x)", roles);
    char *path = p + 8;
    if (memchr(path, '\0', len - 8) != NULL)
        PARSE_FAIL("CGROUP: path contains a NUL byte");
    if (path[0] != '/')
        PARSE_FAIL("CGROUP: \"%.64s\" is not absolute", path);
    const char *last = strrchr(path, '/') + 1;
    if (strncmp(last, "jns-", 4) != 0 || strlen(last) < 5)
        PARSE_FAIL("CGROUP: \"%.64s\" does not end in a jns-* directory", path);
    for (const char *c = path; (c = strstr(c, "/.")) != NULL; c++)
        if (c[2] == '/' || c[2] == '\0' || (c[2] == '.' && (c[3] == '/' || c[3] == '\0')))
            PARSE_FAIL("CGROUP: \"%.64s\" has a . or .. component", path);
    for (int i = 0; i < s->n_cgroups; i++) {
        if ((roles & CGROUP_V2) && (s->cgroups[i].roles & CGROUP_V2))
            PARSE_FAIL("CGROUP: more than one v2 directory");
        if (strcmp(s->cgroups[i].path, path) == 0)
            PARSE_FAIL("CGROUP: \"%.64s\" given twice", path);
    }
    s->cgroups[s->n_cgroups].roles = roles;
    s->cgroups[s->n_cgroups].path = path;
    s->n_cgroups++;
    return 0;
}

/* A CGROUP_SET payload: u32 dir | u32 0 | file NUL value. The file is a plain name in that directory. */
static int parse_cgroup_set(struct spec *s, char *p, uint32_t len, struct spec_error *err)
{
    if (s->n_cgroup_sets == SPEC_MAX_CGROUP_SETS)
        PARSE_FAIL("CGROUP_SET: more than %d", SPEC_MAX_CGROUP_SETS);
    if (len < 11)
        PARSE_FAIL("CGROUP_SET: payload of %u bytes is too short", len);
    uint32_t dir = u32_at(p);
    if (dir >= (uint32_t)s->n_cgroups || u32_at(p + 4) != 0)
        PARSE_FAIL("CGROUP_SET: directory %u is not a CGROUP given before it", dir);
    char *file = p + 8;
    size_t flen = strnlen(file, len - 8);
    if (flen == len - 8)
        PARSE_FAIL("CGROUP_SET: no NUL after the file name");
    char *value = file + flen + 1;
    size_t vlen = len - 8 - flen - 1;
    if (flen == 0 || file[0] == '.' || strchr(file, '/') != NULL)
        PARSE_FAIL("CGROUP_SET: \"%.64s\" is not a file name", file);
    if (vlen == 0 || memchr(value, '\0', vlen) != NULL)
        PARSE_FAIL("CGROUP_SET: %s: the value is empty or has a NUL", file);
    struct cgroup_set *c = &s->cgroup_sets[s->n_cgroup_sets++];
    c->dir = (int)dir;
    c->file = file;
    c->value = value;
    return 0;
}

enum {
    ONCE = 1,       /* singular: a second one is an error */
    STRING = 2,     /* text without NUL; stays in s->strings */
    KEPT = 4,       /* binary, but stays in s->strings (MOUNT's paths and content) */
};
#define ANY_LENGTH UINT32_MAX

/* Every record type: its name (for messages), the generic checks, its parser. */
static const struct record {
    uint32_t tag;
    const char *name;
    unsigned flags;
    uint32_t length;            /* the exact payload length, or ANY_LENGTH */
    record_parser *parse;       /* NULL for END */
} records[] = {
    { TAG_VERSION, "VERSION", ONCE, 4, parse_version },
    { TAG_CLONE_FLAGS, "CLONE_FLAGS", ONCE, 8, parse_clone_flags },
    { TAG_NEW_TIME, "NEW_TIME", ONCE, 0, parse_new_time },
    { TAG_TIME_OFFSET, "TIME_OFFSET", 0, 24, parse_time_offset },
    { TAG_RUN_AS, "RUN_AS", ONCE, 8, parse_run_as },
    { TAG_JOIN, "JOIN", 0, 24, parse_join },
    { TAG_UID_MAP, "UID_MAP", ONCE | STRING, ANY_LENGTH, parse_uid_map },
    { TAG_GID_MAP, "GID_MAP", ONCE | STRING, ANY_LENGTH, parse_gid_map },
    { TAG_MAP_HELPER, "MAP_HELPER", ONCE, 4, parse_map_helper },
    { TAG_NEWUIDMAP, "NEWUIDMAP", ONCE | STRING, ANY_LENGTH, parse_newuidmap },
    { TAG_NEWGIDMAP, "NEWGIDMAP", ONCE | STRING, ANY_LENGTH, parse_newgidmap },
    { TAG_SETGROUPS, "SETGROUPS", ONCE, 4, parse_setgroups },
    { TAG_HOSTNAME, "HOSTNAME", ONCE | STRING, ANY_LENGTH, parse_hostname },
    { TAG_DOMAINNAME, "DOMAINNAME", ONCE | STRING, ANY_LENGTH, parse_domainname },
    { TAG_PROPAGATION, "PROPAGATION", ONCE, 4, parse_propagation },
    { TAG_MOUNT_PROC, "MOUNT_PROC", ONCE, 0, parse_mount_proc },
    { TAG_CWD, "CWD", ONCE | STRING, ANY_LENGTH, parse_cwd },
    { TAG_ARG, "ARG", STRING, ANY_LENGTH, parse_arg },
    { TAG_ENV, "ENV", STRING, ANY_LENGTH, parse_env },
    { TAG_OPTIONS, "OPTIONS", ONCE, 4, parse_options },
    { TAG_MOUNT, "MOUNT", KEPT, ANY_LENGTH, parse_mount },
    { TAG_ROOT, "ROOT", ONCE | STRING, ANY_LENGTH, parse_root },
    { TAG_CAPS, "CAPS", ONCE, 16, parse_caps },
    { TAG_RLIMIT, "RLIMIT", 0, 24, parse_rlimit },
    { TAG_TIMEOUT, "TIMEOUT", ONCE, 16, parse_timeout },
    { TAG_DEBUG_STOP, "DEBUG_STOP", ONCE, 4, parse_debug_stop },
    { TAG_PASS_FD, "PASS_FD", 0, 8, parse_pass_fd },
    { TAG_SECCOMP, "SECCOMP", ONCE, 16, parse_seccomp },
    { TAG_SECCOMP_RULE, "SECCOMP_RULE", KEPT, ANY_LENGTH, parse_seccomp_rule },
    { TAG_SECCOMP_BPF, "SECCOMP_BPF", ONCE | KEPT, ANY_LENGTH, parse_seccomp_bpf },
    { TAG_SET_IDS, "SET_IDS", ONCE, 8, parse_set_ids },
    { TAG_MOUNT_IDMAP, "MOUNT_IDMAP", KEPT, ANY_LENGTH, parse_mount_idmap },
    { TAG_CGROUP, "CGROUP", KEPT, ANY_LENGTH, parse_cgroup },
    { TAG_CGROUP_SET, "CGROUP_SET", KEPT, ANY_LENGTH, parse_cgroup_set },
    { TAG_ARGV0, "ARGV0", ONCE | STRING, ANY_LENGTH, parse_argv0 },
    { TAG_END, "END", 0, 0, NULL },
};
#define N_RECORDS (sizeof records / sizeof records[0])
_Static_assert(N_RECORDS <= 64, "the singular records seen are bits of a uint64_t");

/* The row of a tag, or NULL. */
static const struct record *record_of(uint32_t tag)
{
    for (size_t i = 0; i < N_RECORDS; i++)
        if (records[i].tag == tag)
            return &records[i];
    return NULL;
}

static const char *tag_name(uint32_t tag)
{
    const struct record *r = record_of(tag);
    return r ? r->name : "unknown";
}

/* Frames the record at buf[*total..buf_len): checks its header against the limits and the
 * stream's start, returns its tag, length and payload, and moves *total past it. */
static int next_record(const char *buf, size_t buf_len, size_t *total, bool first,
                       uint32_t *tag_out, uint32_t *len_out, const char **payload,
                       struct spec_error *err)
{
    if (buf_len - *total < SPEC_HEADER_SIZE)
        PARSE_FAIL("spec ended before END (in a record header)");
    const char *header = buf + *total;
    uint16_t tag16, zero;
    memcpy(&tag16, header, 2);      /* native byte order, as the doc says */
    memcpy(&zero, header + 2, 2);
    uint32_t tag = tag16;
    uint32_t len = u32_at(header + 4);
    if (zero != 0)
        PARSE_FAIL("%s (tag %u): reserved header bytes are not zero", tag_name(tag), tag);
    if (len > SPEC_MAX_PAYLOAD)
        PARSE_FAIL("%s (tag %u): payload of %u bytes is over the limit of %u", tag_name(tag), tag,
                   len, SPEC_MAX_PAYLOAD);
    if (*total + SPEC_HEADER_SIZE + len > SPEC_MAX_TOTAL)
        PARSE_FAIL("%s: the spec is over the limit of %u bytes", tag_name(tag), SPEC_MAX_TOTAL);
    if (first && tag != TAG_VERSION)
        PARSE_FAIL("%s (tag %u): the spec must start with VERSION", tag_name(tag), tag);
    if (buf_len - *total - SPEC_HEADER_SIZE < len)
        PARSE_FAIL("spec ended before END (in %s)", tag_name(tag));
    *total += SPEC_HEADER_SIZE + len;
    *tag_out = tag;
    *len_out = len;
    *payload = header + SPEC_HEADER_SIZE;
    return 0;
}

/* One record: copied to the string area (numbers are read from the copy), the generic checks
 * of its row, then its parser. *used: bytes of s->strings in use; *seen: singular rows seen. */
static int parse_record(uint32_t tag, const char *payload, uint32_t len, struct spec *s,
                        size_t *used, uint64_t *seen, struct spec_error *err)
{
    const struct record *r = record_of(tag);
    if (r == NULL)
        PARSE_FAIL("unknown tag %u", tag);
    /* The area can not overflow: each payload + NUL is smaller than payload + header, and the
     * stream is at most SPEC_MAX_TOTAL bytes. */
    char *p = s->strings + *used;
    memcpy(p, payload, len);
    p[len] = '\0';
    if ((r->flags & STRING) && memchr(p, '\0', len) != NULL)
        PARSE_FAIL("%s: string contains a NUL byte", r->name);
    if (r->flags & (STRING | KEPT))
        *used += len + 1;
    if (r->flags & ONCE) {
        uint64_t bit = 1ull << (r - records);
        if (*seen & bit)
            PARSE_FAIL("%s: given more than once", r->name);
        *seen |= bit;
    }
    if (r->length != ANY_LENGTH && len != r->length)
        PARSE_FAIL("%s: payload of %u bytes, expected %u", r->name, len, r->length);
    return r->parse ? r->parse(s, p, len, err) : 0;
}

/* The rules that span records (docs/launcher-protocol.md, "Cross-record rules"). */
static int check_across_records(const struct spec *s, struct spec_error *err)
{
    bool newuser = (s->clone_flags & CLONE_NEWUSER) != 0;
    if (s->argc == 0)
        PARSE_FAIL("ARG: none given, the program is missing");
    if (s->argv[0][0] == '\0')
        PARSE_FAIL("ARG: the program name is empty");
    if (!newuser && (s->uid_map || s->gid_map || s->map_helper || s->setgroups))
        PARSE_FAIL("UID_MAP/GID_MAP/MAP_HELPER/SETGROUPS: only with CLONE_NEWUSER");
    if ((s->map_helper & MAP_HELPER_UID) && (!s->newuidmap || !s->uid_map))
        PARSE_FAIL("MAP_HELPER bit 1: NEWUIDMAP and UID_MAP are required");
    if ((s->map_helper & MAP_HELPER_GID) && (!s->newgidmap || !s->gid_map))
        PARSE_FAIL("MAP_HELPER bit 2: NEWGIDMAP and GID_MAP are required");
    if ((s->map_helper & MAP_HELPER_GID) && s->setgroups)
        PARSE_FAIL("SETGROUPS: not with MAP_HELPER bit 2 (newgidmap decides)");
    if (s->n_time_offsets > 0 && !s->new_time)
        PARSE_FAIL("TIME_OFFSET: only with NEW_TIME");
    /* These change the namespace they run in: never let them reach the caller's own. */
    if ((s->hostname || s->domainname) && !new_or_joined(s, CLONE_NEWUTS))
        PARSE_FAIL("HOSTNAME/DOMAINNAME: only with a new or joined uts namespace");
    if ((s->propagation || s->mount_proc) && !new_or_joined(s, CLONE_NEWNS))
        PARSE_FAIL("PROPAGATION/MOUNT_PROC: only with a new or joined mount namespace");
    if ((s->n_mounts > 0 || s->root) && !(s->clone_flags & CLONE_NEWNS))
        PARSE_FAIL("MOUNT/ROOT: only with a new mount namespace (CLONE_NEWNS)");
    /* The staging tmpfs and the root's bind must not reach the caller's namespace: pivot_root
     * fails under a shared parent anyway, after the staging tmpfs has propagated. */
    if (s->root && s->propagation != PROPAGATION_PRIVATE && s->propagation != PROPAGATION_SLAVE)
        PARSE_FAIL("ROOT: needs PROPAGATION private or slave (a shared or unchanged / would let "
                   "the staging mounts reach the caller's namespace)");
    if (s->n_mounts > 0 && s->mounts[s->n_mounts - 1].op == MOUNT_OVERLAY_SRC)
        PARSE_FAIL("MOUNT %d: overlay layers must be followed by their overlay", s->n_mounts - 1);
    if ((s->options & OPTION_NO_INIT) && s->new_time)
        PARSE_FAIL("OPTIONS bit 2 (no init): a new time namespace needs an init");
    for (int i = 0; i < s->n_passes; i++)
        for (int j = 0; j < s->n_joins; j++)
            if (s->passes[i].fd == s->joins[j].fd)
                PARSE_FAIL("PASS_FD: fd %d is a join fd", s->passes[i].fd);
    for (int i = 0; i < s->n_mount_fds; i++) {
        for (int j = 0; j < s->n_joins; j++)
            if (s->mount_fds[i] == s->joins[j].fd)
                PARSE_FAIL("MOUNT: fd %d is a join fd", s->mount_fds[i]);
        for (int j = 0; j < s->n_passes; j++)
            if (s->mount_fds[i] == s->passes[j].fd)
                PARSE_FAIL("MOUNT: fd %d is an fd to pass", s->mount_fds[i]);
    }
    /* A lock is held by the init for the sandbox's life (as bubblewrap's --lock-file). */
    bool init = ((s->clone_flags & CLONE_NEWPID) || s->new_time || (s->options & OPTION_FORCE_INIT))
        && !(s->options & OPTION_NO_INIT);
    if (s->n_lock_files > 0 && !init)
        PARSE_FAIL("MOUNT: a lock file needs an init (a new pid namespace or OPTIONS bit 1)");
    if (s->n_rules > 0 && !s->seccomp)
        PARSE_FAIL("SECCOMP_RULE: only with SECCOMP");
    if (s->set_ids && !newuser)
        PARSE_FAIL("SET_IDS: only with CLONE_NEWUSER");
    /* Bringing lo up changes the net namespace: only a new one of the sandbox's own. */
    if ((s->options & OPTION_LOOPBACK_UP) && !(s->clone_flags & CLONE_NEWNET))
        PARSE_FAIL("OPTIONS bit 16 (loopback up): only with a new net namespace");
    return 0;
}

/* spec_parse into a struct that is all zero already. */
static int parse_zeroed(const char *buf, size_t buf_len, struct spec *s, struct spec_error *err)
{
    memset(err, 0, sizeof *err);
    size_t total = 0;          /* bytes of the stream so far */
    size_t used = 0;           /* bytes of s->strings in use */
    uint64_t seen = 0;         /* singular records seen */
    uint32_t tag = 0;
    for (bool first = true; tag != TAG_END; first = false) {
        uint32_t len;
        const char *payload;
        CHECK(next_record(buf, buf_len, &total, first, &tag, &len, &payload, err));
        CHECK(parse_record(tag, payload, len, s, &used, &seen, err));
    }
    if (total != buf_len)
        PARSE_FAIL("END: %zu bytes follow it", buf_len - total);
    s->argv[s->argc] = NULL;
    s->envp[s->envc] = NULL;
    return check_across_records(s, err);
}

int spec_parse(const char *buf, size_t buf_len, struct spec *s, struct spec_error *err)
{
    /* argv, envp and strings are written as used; everything before them is reset (envc too, by
     * name: the fuzzer found a reused struct that kept counting ENV records from the previous parse
     * when envc lay past argv). The launcher parses into a zeroed struct with parse_zeroed. */
    memset(s, 0, offsetof(struct spec, argv));
    s->argc = 0;
    s->envc = 0;
    return parse_zeroed(buf, buf_len, s, err);
}

/* What neither kind of light supervisor runs: what has S or C write static memory of the launcher's
 * (joins, ids, seccomp, the mount plan, cgroups) or a time namespace (C's vDSO data is its address
 * space's). */
static int light_common(const struct spec *s)
{
    return !s->new_time && s->n_joins == 0 && !s->run_as && !s->set_ids && !s->seccomp && s->bpf == NULL
        && s->n_mounts == 0 && s->n_mount_fds == 0 && s->n_cgroups == 0 && s->root == NULL
        && !(s->options & OPTION_FORCE_INIT);
}

int spec_light(const struct spec *s)
{
    return s->clone_flags == 0 && light_common(s);
}

int spec_light_sandbox(const struct spec *s)
{
    const uint64_t allowed = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC
        | CLONE_NEWNET | CLONE_NEWCGROUP;
    return s->clone_flags != 0 && (s->clone_flags & ~allowed) == 0 && s->map_helper == 0 && light_common(s);
}

#ifndef SPEC_PARSER_ONLY
/* The raw stream of a forked or spawned S (a light one has its region's: light.c). */
static char raw_storage[SPEC_RAW_SIZE] LAUNCHER_LARGE;

void spec_read(int fd, struct spec *s)
{
    char *raw = light ? light_raw() : raw_storage;
    const size_t raw_size = SPEC_RAW_SIZE;
    /* Read in large chunks (the JVM writes the whole spec at once and nothing after END), framing the
     * records as they come, until END is complete; spec_parse judges them (a stream cut short, a length
     * over a limit: the framing stops and the parser names the problem). */
    size_t n = 0;
    size_t pos = 0;   /* start of the first record not yet framed */
    int done = 0;
    while (!done && n < raw_size) {
        ssize_t got;
        RETRY_EINTR(got, read(fd, raw + n, raw_size - n));
        if (got < 0)
            report_error(STEP_READ_SPEC, errno, "reading the spec from fd %d", fd);
        if (got == 0)
            break;
        n += (size_t)got;
        while (pos + SPEC_HEADER_SIZE <= n) {
            uint16_t tag;
            uint32_t len;
            memcpy(&tag, raw + pos, 2);
            memcpy(&len, raw + pos + 4, 4);
            if (len > SPEC_MAX_PAYLOAD || pos + SPEC_HEADER_SIZE + len > SPEC_MAX_TOTAL) {
                done = 1;   /* over a limit: the parser says so */
                break;
            }
            if (pos + SPEC_HEADER_SIZE + len > n)
                break;      /* the rest of this record is still coming */
            pos += SPEC_HEADER_SIZE + len;
            if (tag == TAG_END) {
                done = 1;
                break;
            }
        }
    }
    /* A forked S's spec is a static object that nothing has written yet (the fork server never
     * parses one; each supervisor parses once): all zero, so it is not cleared again. Clearing it
     * would write 135 KiB of fresh pages, a page fault each, in every supervisor, and C's fork
     * would then copy them. A light S's region served others before: its scalars and counts are
     * cleared (a few KiB); the arrays after them are read only up to their counts, which a light spec
     * keeps at zero for mounts and rules (spec_light), and argv, envp and strings are written as used. */
    if (light)
        memset(s, 0, offsetof(struct spec, mounts));
    struct spec_error err;
    if (parse_zeroed(raw, n, s, &err) < 0)
        report_error(err.step, err.err, "%s", err.detail);
}
#endif
