#include "status.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launcher.h"
#include "steps.h"

/* Per process, not just per address space: C may run in S's (sharedvm.c). */
_Thread_local int status_fd = FD_STATUS;
_Thread_local int status_sentinel_fd = -1;
_Thread_local pid_t status_child = 0;
_Thread_local int status_drain_spec = 0;
_Thread_local void (*status_cleanup)(void) = NULL;
_Thread_local int status_wait_fd = -1;

struct record_header {
    uint32_t kind;
    int32_t a;
    int32_t b;
    uint32_t detail_length;
};

/* One record into buf, which holds STATUS_RECORD_MAX bytes (a longer detail is cut); its length. */
static size_t status_encode(char *buf, uint32_t kind, int32_t a, int32_t b, const char *detail, size_t detail_len)
{
    struct record_header h;
    if (detail_len > STATUS_RECORD_MAX - sizeof h)
        detail_len = STATUS_RECORD_MAX - sizeof h;
    h.kind = kind;
    h.a = a;
    h.b = b;
    h.detail_length = (uint32_t)detail_len;
    memcpy(buf, &h, sizeof h);
    if (detail_len > 0)
        memcpy(buf + sizeof h, detail, detail_len);
    return sizeof h + detail_len;
}

/* One write of len bytes (at most PIPE_BUF: a pipe takes them whole, and a reader sees all or none). */
static int status_put(const char *buf, size_t len)
{
    ssize_t n;
    RETRY_EINTR(n, write(status_fd, buf, len));
    if (n == (ssize_t)len)
        return 0;
    if (n >= 0)             /* cannot happen for a pipe write <= PIPE_BUF */
        errno = EIO;
    return -1;
}

int status_write(uint32_t kind, int32_t a, int32_t b, const char *detail, size_t detail_len)
{
    char buf[STATUS_RECORD_MAX];
    return status_put(buf, status_encode(buf, kind, a, b, detail, detail_len));
}

int status_write_exit(int wait_status, const struct rusage *ru, int from_init)
{
    char detail[96];
    long long utime = (long long)ru->ru_utime.tv_sec * 1000000 + ru->ru_utime.tv_usec;
    long long stime = (long long)ru->ru_stime.tv_sec * 1000000 + ru->ru_stime.tv_usec;
    int n = snprintf(detail, sizeof detail, "%lld %lld %ld", utime, stime, ru->ru_maxrss);
    return status_write(STATUS_EXIT, wait_status, from_init ? 1 : 0, detail, (size_t)n);
}

int drain_to_eof(int fd)
{
    char buf[256];
    for (;;) {
        ssize_t n;
        RETRY_EINTR(n, read(fd, buf, sizeof buf));
        if (n == 0)
            return 0;
        if (n < 0)
            return -1;
    }
}

int exit_code_of(int wait_status)
{
    if (WIFSIGNALED(wait_status))
        return 128 + WTERMSIG(wait_status);
    return WEXITSTATUS(wait_status);
}

void report_error(int step, int err, const char *fmt, ...)
{
    if (status_wait_fd >= 0) {
        int fd = status_wait_fd;
        status_wait_fd = -1;
        char byte;
        ssize_t got;
        RETRY_EINTR(got, read(fd, &byte, 1));
        if (got == 0)
            _exit(127);     /* S failed (and said why) or died: nothing to add */
    }
    char detail[STATUS_RECORD_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    if ((size_t)n >= sizeof detail)
        n = sizeof detail - 1;
    /* Nothing more can be reported if this fails: the exit code still says 127. */
    (void)status_write(STATUS_ERROR, step, err, detail, (size_t)n);
    if (status_sentinel_fd >= 0) {
        ssize_t w;
        RETRY_EINTR(w, write(status_sentinel_fd, "!", 1));
        (void)w;            /* nothing more to do if it fails: S sees no STARTED either way */
    }
    if (status_child > 0) {
        kill(status_child, SIGKILL);
        if (status_drain_spec) {
            /* S: C's pid stays reserved until the JVM has its pidfd; then everything C started goes
             * too (S is their subreaper). */
            (void)drain_to_eof(FD_SPEC);
            (void)reap_all(status_child, 0, NULL, NULL);
        } else {
            pid_t r;
            RETRY_EINTR(r, waitpid(status_child, NULL, __WALL));
            (void)r;
        }
    }
    if (status_cleanup)
        status_cleanup();
    _exit(127);
}

int status_write_nsids(pid_t pid, int proc_fd, const char *dir, const char *const *names, int n_names,
                       int *mnt_fd)
{
    char buf[STATUS_RECORD_MAX - 16];
    size_t len = 0;
    /* One walk to the directory, then one short lookup per name: each full path walked /proc/PID again. */
    int ns_dir = openat(proc_fd, dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (mnt_fd != NULL && ns_dir >= 0)
        *mnt_fd = openat(ns_dir, "mnt", O_RDONLY | O_CLOEXEC);
    for (int i = 0; ns_dir >= 0 && i < n_names; i++) {
        struct stat st;
        /* the mount namespace held: its fd says it, without a second lookup of the link */
        int held = mnt_fd != NULL && *mnt_fd >= 0 && strcmp(names[i], "mnt") == 0;
        if ((held ? fstat(*mnt_fd, &st) : fstatat(ns_dir, names[i], &st, 0)) < 0)
            continue;   /* a type this kernel lacks: nothing to say */
        int n = snprintf(buf + len, sizeof buf - len, "%s%s=%llu", len ? " " : "", names[i],
                         (unsigned long long)st.st_ino);
        if (n < 0 || (size_t)n >= sizeof buf - len)
            break;
        len += (size_t)n;
    }
    if (ns_dir >= 0)
        close(ns_dir);
    /* PID and NSIDS in one write: the JVM, which waits for PID, wakes up once for both (two writes a few
     * microseconds apart woke it for each: it read PID before the ids were read) */
    char records[2 * STATUS_RECORD_MAX];
    size_t n = pid > 0 ? status_encode(records, STATUS_PID, (int32_t)pid, 0, NULL, 0) : 0;
    n += status_encode(records + n, STATUS_NSIDS, 0, 0, buf, len);
    return status_put(records, n);
}
