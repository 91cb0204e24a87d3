/* S as a child subreaper: every process of the sandbox, at any depth (background jobs, setsid'd double
 * forks), becomes S's child when its parent dies, because S set PR_SET_CHILD_SUBREAPER before clone. When
 * the sandbox ends, S kills them all and reaps them, so that nothing the command started outlives it, with
 * or without a pid namespace. (A cgroup, when there is one, could do this with cgroup.kill: reap_all is the
 * place for that hook.) */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launcher.h"

/* SIGKILLs every child listed in /proc/S/task/S/children (S has one thread). Returns the number listed,
 * or -1 when the list cannot be read (a kernel without CONFIG_PROC_CHILDREN). */
static int kill_children(void)
{
    char path[64];
    pid_t self = getpid();
    snprintf(path, sizeof path, "%d/task/%d/children", (int)self, (int)self);
    int fd = openat(proc_fd, path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    int listed = 0;
    long pid = -1;          /* the number being read ("pid pid pid "; one may span two reads), -1 if none */
    char buf[1024];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            listed = -1;
            break;
        }
        for (ssize_t i = 0; i <= n; i++) {
            if (i < n && buf[i] >= '0' && buf[i] <= '9') {
                pid = (pid < 0 ? 0 : pid * 10) + (buf[i] - '0');
                continue;
            }
            if (i == n && n > 0)
                break;      /* the end of this read, not of the list */
            if (pid > 0) {
                (void)kill((pid_t)pid, SIGKILL);
                listed++;
            }
            pid = -1;
        }
        if (n == 0)
            break;
    }
    close(fd);
    return listed;
}

static void keep(pid_t p, pid_t first, int st, const struct rusage *ru, int *first_status,
                 struct rusage *first_ru, int *reaped_first)
{
    if (p != first)
        return;
    *reaped_first = 1;
    if (first_status)
        *first_status = st;
    if (first_ru)
        *first_ru = *ru;
}

/* The short way, where the first process is the init of a new pid namespace: its end is the sandbox's. Before
 * the kernel reports an init's exit it kills every other process of the namespace (and of those nested in it)
 * and waits until they are reaped (zap_pid_ns_processes), and none of them is S's child (an orphan there goes to
 * the init). So S kills the init (nothing, if it has ended), reaps it and sweeps what else has ended, without
 * reading /proc/S/task/S/children. Returns 1 when nothing is left, 0 when a child of S still runs (none should:
 * the long way then sees to it). */
static int reap_pid_init(pid_t first, int *first_status, struct rusage *first_ru, int *reaped_first)
{
    int st;
    struct rusage ru;
    (void)kill(first, SIGKILL);
    while (!*reaped_first) {
        pid_t p = wait4(first, &st, __WALL, &ru);
        if (p < 0 && errno == EINTR)
            continue;
        if (p < 0)
            break;
        keep(p, first, st, &ru, first_status, first_ru, reaped_first);
    }
    for (;;) {
        pid_t p = wait4(-1, &st, __WALL | WNOHANG, &ru);
        if (p < 0 && errno == EINTR)
            continue;
        if (p < 0)
            return 1;       /* ECHILD: nothing is left */
        if (p == 0)
            return 0;       /* a child that still runs */
        keep(p, first, st, &ru, first_status, first_ru, reaped_first);
    }
}

int reap_all(pid_t first, int first_is_pid_init, int *first_status, struct rusage *first_ru)
{
    int reaped_first = 0;
    int st;
    struct rusage ru;
    if (first_is_pid_init && reap_pid_init(first, first_status, first_ru, &reaped_first))
        return reaped_first;
    for (;;) {
        int listed = kill_children();
        if (listed < 0)
            break;
        /* Blocking: everything listed was just killed, so one of them ends soon; what it leaves behind is
         * reparented to S before it becomes a zombie, so the next list has it. */
        pid_t p = wait4(-1, &st, __WALL, &ru);
        if (p < 0 && errno == EINTR)
            continue;
        if (p < 0)
            return reaped_first;    /* ECHILD: nothing is left */
        keep(p, first, st, &ru, first_status, first_ru, &reaped_first);
    }
    /* Without the list: kill the first process, reap it and whatever has ended; other orphans go to
     * the next subreaper when S exits. */
    (void)kill(first, SIGKILL);
    pid_t p;
    while (!reaped_first && (p = wait4(first, &st, __WALL, &ru)) != 0) {
        if (p < 0 && errno == EINTR)
            continue;
        if (p < 0)
            break;
        keep(p, first, st, &ru, first_status, first_ru, &reaped_first);
    }
    while ((p = wait4(-1, &st, __WALL | WNOHANG, &ru)) > 0 || (p < 0 && errno == EINTR))
        ;
    return reaped_first;
}
