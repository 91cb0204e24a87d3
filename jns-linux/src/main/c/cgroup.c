/* The sandbox's cgroup, in S (see cgroup.h). Every directory is opened once, before S joins any
 * namespace, and used through its fd from then on: the paths are those of the JVM's mount namespace. */
#include "cgroup.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "launcher.h"
#include "status.h"
#include "steps.h"

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* How long S waits for the last processes to leave a killed cgroup, and for a frozen one to freeze. */
#define SETTLE_MS 2000

struct cg_dir {
    int parent_fd;          /* the directory it was made in (for rmdir after S joined namespaces) */
    int fd;                 /* the cgroup directory itself */
    const char *path;
    const char *name;       /* the last component of path */
    uint32_t roles;
};

static struct cg_dir dirs[SPEC_MAX_CGROUPS];
static int n_dirs;          /* directories made, in spec order */
static pid_t owner;         /* the S that made them: only it cleans up (C inherits this memory) */
static int placed_v2 = -1;  /* the v2 directory clone3 placed C in, or -1 */

static void sleep_ms(long ms)
{
    struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Writes value to dir/file in one write(2), as the kernel wants cgroup files written. 0 or errno. */
static int write_at(int dfd, const char *file, const char *value)
{
    int fd = openat(dfd, file, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return errno;
    size_t len = strlen(value);
    ssize_t n;
    do
        n = write(fd, value, len);
    while (n < 0 && errno == EINTR);
    int e = n < 0 ? errno : (size_t)n != len ? EIO : 0;
    close(fd);
    return e;
}

/* Reads dir/file (up to size - 1 bytes) into buf, NUL-terminated. Returns the length or -1 (errno). */
static ssize_t read_at(int dfd, const char *file, char *buf, size_t size)
{
    int fd = openat(dfd, file, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    size_t len = 0;
    while (len < size - 1) {
        ssize_t n = read(fd, buf + len, size - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        len += (size_t)n;
    }
    close(fd);
    buf[len] = '\0';
    return (ssize_t)len;
}

/* A file that holds one number ("memory.peak"); -1 when absent or not a number ("max"). */
static long long read_number(int dfd, const char *file)
{
    char buf[64];
    if (read_at(dfd, file, buf, sizeof buf) <= 0)
        return -1;
    char *end;
    errno = 0;
    long long v = strtoll(buf, &end, 10);
    return errno != 0 || end == buf ? -1 : v;
}

/* The value of "key N" in a flat-keyed file ("memory.events", "cpu.stat"); -1 when absent. */
static long long read_key(int dfd, const char *file, const char *key)
{
    char buf[4096];
    if (read_at(dfd, file, buf, sizeof buf) <= 0)
        return -1;
    size_t klen = strlen(key);
    for (char *line = buf; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
        if (strncmp(line, key, klen) == 0 && line[klen] == ' ')
            return strtoll(line + klen + 1, NULL, 10);
    return -1;
}

static int v2_index(void)
{
    for (int i = 0; i < n_dirs; i++)
        if (dirs[i].roles & CGROUP_V2)
            return i;
    return -1;
}

static int role_index(uint32_t role)
{
    for (int i = 0; i < n_dirs; i++)
        if (dirs[i].roles & role)
            return i;
    return -1;
}

/* SIGKILLs every pid listed in dir's cgroup.procs (pids as S's pid namespace sees them). Returns how
 * many it listed, or -1 (errno). */
static int kill_listed(int dfd)
{
    static char buf[64 << 10] LAUNCHER_LARGE;
    if (read_at(dfd, "cgroup.procs", buf, sizeof buf) < 0)
        return -1;
    int n = 0;
    for (char *p = buf; *p;) {
        char *end;
        long pid = strtol(p, &end, 10);
        if (end == p)
            break;
        if (pid > 0 && kill((pid_t)pid, SIGKILL) == 0)
            n++;
        p = end;
        while (*p == '\n')
            p++;
    }
    return n;
}

/* Whether no process is left in the cgroup: v2 cgroup.events says "populated 0", v1 cgroup.procs is
 * empty in every hierarchy. */
static int is_empty(void)
{
    int v2 = v2_index();
    if (v2 >= 0)
        return read_key(dirs[v2].fd, "cgroup.events", "populated") == 0;
    char buf[16];
    for (int i = 0; i < n_dirs; i++)
        if (read_at(dirs[i].fd, "cgroup.procs", buf, sizeof buf) != 0)
            return 0;
    return 1;
}

/* Waits (bounded) until the killed processes have left. v2 notifies changes of cgroup.events with
 * POLLPRI; v1 has no such file, so it is looked at again every millisecond. */
static void wait_empty(void)
{
    long long until = now_ms() + SETTLE_MS;
    int v2 = v2_index();
    int efd = v2 >= 0 ? openat(dirs[v2].fd, "cgroup.events", O_RDONLY | O_CLOEXEC) : -1;
    while (!is_empty() && now_ms() < until) {
        if (efd >= 0) {
            struct pollfd p = { .fd = efd, .events = POLLPRI };
            char b[256];
            if (pread(efd, b, sizeof b, 0) < 0)   /* (a read arms the notification) */
                break;
            if (is_empty())
                break;
            (void)poll(&p, 1, 50);
        } else {
            sleep_ms(1);
        }
    }
    if (efd >= 0)
        close(efd);
}

void cg_remove_on_error(void);

void cg_create(const struct spec *s)
{
    if (s->n_cgroups == 0)
        return;
    owner = getpid();
    status_cleanup = cg_remove_on_error;
    for (int i = 0; i < s->n_cgroups; i++) {
        struct cg_dir *d = &dirs[i];
        d->path = s->cgroups[i].path;
        d->roles = s->cgroups[i].roles;
        d->name = strrchr(d->path, '/') + 1;
        char parent[4096];
        size_t plen = (size_t)(d->name - 1 - d->path);
        if (plen >= sizeof parent)
            report_error(STEP_CGROUP, ENAMETOOLONG, "%s", d->path);
        memcpy(parent, d->path, plen);
        parent[plen] = '\0';
        d->parent_fd = open(plen ? parent : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (d->parent_fd < 0)
            report_error(STEP_CGROUP, errno, "open %s", plen ? parent : "/");
        /* One new cgroup per sandbox, below the one the JVM chose: never a file of an ancestor. */
        if (mkdirat(d->parent_fd, d->name, 0755) < 0)
            report_error(STEP_CGROUP, errno, "mkdir %s", d->path);
        n_dirs = i + 1;
        d->fd = openat(d->parent_fd, d->name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (d->fd < 0)
            report_error(STEP_CGROUP, errno, "open %s", d->path);
    }
    /* The limits, before any process is in the cgroup. */
    for (int i = 0; i < s->n_cgroup_sets; i++) {
        const struct cgroup_set *c = &s->cgroup_sets[i];
        int e = write_at(dirs[c->dir].fd, c->file, c->value);
        if (e != 0)
            report_error(STEP_CGROUP_LIMIT, e, "%s = %s in %s", c->file, c->value, dirs[c->dir].path);
    }
}

unsigned long cg_clone_flags(unsigned long flags)
{
    return n_dirs == 0 ? flags : flags & ~(unsigned long)CLONE_NEWCGROUP;
}

pid_t cg_clone(const struct spec *s, unsigned long flags)
{
    if (n_dirs == 0)
        return raw_clone(flags);
    /* C unshares its cgroup namespace once it is in its cgroups (cg_enter_namespace): on a v1 or hybrid
     * host clone3 can place it in the v2 directory only, and the namespace's root is fixed at creation. */
    (void)s;
    flags &= ~(unsigned long)CLONE_NEWCGROUP;
#ifdef SYS_clone3
    int v2 = v2_index();
    if (v2 >= 0) {
        /* struct clone_args (CLONE_ARGS_SIZE_VER2): C is born in its cgroup, so nothing of it ever runs
         * or is charged outside, not even for a moment. */
        struct {
            uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls,
                set_tid, set_tid_size, cgroup;
        } args;
        memset(&args, 0, sizeof args);
        args.flags = (uint64_t)flags | CLONE_INTO_CGROUP;
        args.exit_signal = SIGCHLD;
        args.cgroup = (uint64_t)dirs[v2].fd;
        long r = syscall(SYS_clone3, &args, sizeof args);
        if (r > 0)
            placed_v2 = v2;
        if (r >= 0)
            return (pid_t)r;
        /* Kernels before 5.7 (no CLONE_INTO_CGROUP: E2BIG) or without clone3 (ENOSYS): C is moved by
         * cg_place before it is released, which is as good for limits. */
        if (errno != ENOSYS && errno != E2BIG)
            return -1;
    }
#endif
    return raw_clone(flags);
}

void cg_place(pid_t c)
{
    char pid[16];
    snprintf(pid, sizeof pid, "%d", (int)c);
    for (int i = 0; i < n_dirs; i++) {
        if (i == placed_v2)
            continue;
        /* C waits for the sync byte: it runs nothing of the command before this move. */
        int e = write_at(dirs[i].fd, "cgroup.procs", pid);
        if (e != 0)
            report_error(STEP_CGROUP, e, "move process %d into %s", (int)c, dirs[i].path);
    }
}

void cg_enter_namespace(const struct spec *s)
{
    /* The sandbox must not keep fds of the host's cgroup directories (an init never execs). */
    for (int i = 0; i < n_dirs; i++) {
        close(dirs[i].fd);
        close(dirs[i].parent_fd);
    }
    if (n_dirs != 0)    /* not written without a cgroup: a light S's C shares the server's memory (light.c) */
        n_dirs = 0;
    if (s->n_cgroups == 0 || !(s->clone_flags & CLONE_NEWCGROUP))
        return;
    if (unshare(CLONE_NEWCGROUP) < 0)
        report_error(STEP_CGROUP, errno, "unshare(CLONE_NEWCGROUP) in the sandbox's cgroup");
    static const char *const cgroup_ns[] = { "cgroup" };
    if (status_write_nsids(0, proc_fd, "self/ns", cgroup_ns, 1, NULL) < 0)
        report_error(STEP_INTERNAL, errno, "write NSIDS (cgroup)");
}

int cg_kill(void)
{
    if (n_dirs == 0)
        return 0;
    int v2 = v2_index();
    if (v2 >= 0) {
        /* Linux 5.14: the kernel kills every process of the cgroup, forks in flight included. */
        int e = write_at(dirs[v2].fd, "cgroup.kill", "1");
        if (e != ENOENT)
            return e;
    }
    int fz = role_index(CGROUP_FREEZER);
    if (fz >= 0) {
        /* v1: frozen processes cannot fork, so the list read while frozen is complete; SIGKILL takes
         * effect at the thaw. */
        int e = write_at(dirs[fz].fd, "freezer.state", "FROZEN");
        if (e != 0)
            return e;
        char state[32];
        long long until = now_ms() + SETTLE_MS;
        while (read_at(dirs[fz].fd, "freezer.state", state, sizeof state) > 0
               && strncmp(state, "FROZEN", 6) != 0 && now_ms() < until)
            sleep_ms(1);
        int n = kill_listed(dirs[fz].fd);
        e = n < 0 ? errno : 0;
        int t = write_at(dirs[fz].fd, "freezer.state", "THAWED");
        return e != 0 ? e : t;
    }
    /* Neither: kill what is listed until nothing is (a fork between read and kill shows up next round). */
    int any = v2 >= 0 ? v2 : 0;
    for (int round = 0; round < 100; round++) {
        int n = kill_listed(dirs[any].fd);
        if (n <= 0)
            return n < 0 ? errno : 0;
    }
    return EAGAIN;
}

size_t cg_read_stats(char *buf, size_t size)
{
    long long peak = -1, oom = -1, cpu_usec = -1, pids_peak = -1;
    for (int i = 0; i < n_dirs; i++) {
        int fd = dirs[i].fd;
        uint32_t r = dirs[i].roles;
        if (r & CGROUP_V2) {
            peak = read_number(fd, "memory.peak");                 /* Linux 5.19 */
            oom = read_key(fd, "memory.events", "oom_kill");
            cpu_usec = read_key(fd, "cpu.stat", "usage_usec");     /* every v2 cgroup has it */
            pids_peak = read_number(fd, "pids.peak");              /* Linux 6.6 */
        }
    }
    for (int i = 0; i < n_dirs; i++) {
        int fd = dirs[i].fd;
        uint32_t r = dirs[i].roles;
        if ((r & CGROUP_MEMORY) && peak < 0)
            peak = read_number(fd, "memory.max_usage_in_bytes");
        if ((r & CGROUP_MEMORY) && oom < 0)
            oom = read_key(fd, "memory.oom_control", "oom_kill"); /* Linux 4.13 */
        if ((r & CGROUP_CPUACCT) && cpu_usec < 0) {
            long long ns = read_number(fd, "cpuacct.usage");
            cpu_usec = ns < 0 ? -1 : ns / 1000;
        }
        if ((r & CGROUP_PIDS) && pids_peak < 0)
            pids_peak = read_number(fd, "pids.peak");
    }
    size_t len = 0;
    const char *names[] = { "memory_peak", "oom_kill", "cpu_usec", "pids_peak" };
    long long values[] = { peak, oom, cpu_usec, pids_peak };
    for (int i = 0; i < 4; i++) {
        if (values[i] < 0)
            continue;
        int n = snprintf(buf + len, size - len, "%s%s=%lld", len ? " " : "", names[i], values[i]);
        if (n < 0 || (size_t)n >= size - len)
            break;
        len += (size_t)n;
    }
    return len;
}

int cg_remove(void)
{
    int first = 0;
    for (int i = n_dirs - 1; i >= 0; i--) {
        struct cg_dir *d = &dirs[i];
        int e = 0;
        /* EBUSY while the last killed processes are still leaving; bounded. */
        for (int tries = 0; tries < SETTLE_MS; tries++) {
            e = unlinkat(d->parent_fd, d->name, AT_REMOVEDIR) < 0 ? errno : 0;
            if (e != EBUSY)
                break;
            sleep_ms(1);
        }
        if (e != 0 && e != ENOENT && first == 0)
            first = e;
        close(d->fd);
        close(d->parent_fd);
    }
    n_dirs = 0;
    return first;
}

void cg_finish(void)
{
    if (n_dirs == 0)
        return;
    int e = cg_kill();
    wait_empty();
    char stats[STATUS_RECORD_MAX - 16];
    size_t len = cg_read_stats(stats, sizeof stats);
    int v2 = v2_index();
    char left[300] = "";
    const char *first_path = dirs[v2 >= 0 ? v2 : 0].path;
    int r = cg_remove();
    if (r != 0 || e != 0)
        snprintf(left, sizeof left, "%sleft=%s kill_errno=%d rmdir_errno=%d", len ? " " : "", first_path, e, r);
    size_t l2 = strlen(left);
    if (len + l2 < sizeof stats) {
        memcpy(stats + len, left, l2);
        len += l2;
    }
    (void)status_write(STATUS_CGROUP, 0, 0, stats, len);
}

/* report_error's cleanup in S: the sandbox's processes are gone (killed and reaped), so the cgroup only
 * has to be emptied of stragglers and removed. */
void cg_remove_on_error(void)
{
    if (n_dirs == 0 || getpid() != owner)
        return;
    (void)cg_kill();
    wait_empty();
    (void)cg_remove();
}
