/* Id maps of C's new user namespace, written from S (outside): a process cannot map its own
 * namespace to ids it does not hold, and the helpers must run in the parent namespace. */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launcher.h"
#include "status.h"
#include "steps.h"

static _Thread_local const struct spec *the_spec;   /* S's (light.c: S may share memory) */

/* The kernel takes at most 340 lines of 3 numbers. */
#define MAX_HELPER_ARGS (2 + 3 * 340 + 1)

static void write_proc_file(pid_t child, const char *name, const char *text, int step)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/%s", (int)child, name);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        report_error(step, errno, "open %s", path);
    /* One write: the kernel accepts a map only as a whole. */
    size_t len = strlen(text);
    ssize_t n = write(fd, text, len);
    if (n < 0)
        report_error(step, errno, "write %s: \"%.200s\"", path, text);
    if ((size_t)n != len)
        report_error(step, EIO, "write %s: short write of %zd of %zu bytes", path, n, len);
    if (close(fd) < 0)
        report_error(step, errno, "close %s", path);
}

struct helper_args {
    const char *helper;
    char **argv;
    int out;    /* write end: the helper's stdout and stderr */
    int err;    /* write end: errno of a failed step before or at execve */
};

/* The helper's process, in S's address space until its exec (vfork_run): it writes no global. */
static int helper_entry(void *arg)
{
    const struct helper_args *a = arg;
    char *const envp[] = { NULL };
    int e = reset_signals();
    if (e == 0)
        e = run_as_helper(the_spec);
    if (e == 0 && (dup2(a->out, 1) < 0 || dup2(a->out, 2) < 0))
        e = errno;
    if (e == 0) {
        execve(a->helper, a->argv, envp);
        e = errno;
    }
    ssize_t w = write(a->err, &e, sizeof e);
    (void)w;
    _exit(127);
}

/* Runs "helper PID inside outside count ..." (vfork_run + execve); its stdout and stderr go into
 * the ERROR detail when it fails. */
static void run_helper(const char *helper, pid_t child, const char *map, int step)
{
    static char words[SPEC_MAX_PAYLOAD + 1] LAUNCHER_LARGE;
    char *argv[MAX_HELPER_ARGS + 1];
    char pidstr[16];
    int argc = 0;

    snprintf(pidstr, sizeof pidstr, "%d", (int)child);
    argv[argc++] = (char *)helper;
    argv[argc++] = pidstr;
    snprintf(words, sizeof words, "%s", map);
    for (char *save = NULL, *w = strtok_r(words, " \t\n", &save); w != NULL;
         w = strtok_r(NULL, " \t\n", &save)) {
        if (argc == MAX_HELPER_ARGS)
            report_error(step, E2BIG, "%s: the map has more than 340 lines", helper);
        argv[argc++] = w;
    }
    argv[argc] = NULL;

    int out[2], err[2];  /* out: the helper's stdout+stderr; err: errno of a failed execve */
    if (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0)
        report_error(step, errno, "pipe for %s", helper);
    struct helper_args args = { .helper = helper, .argv = argv, .out = out[1], .err = err[1] };
    pid_t pid = vfork_run(helper_entry, &args);
    if (pid < 0)
        report_error(step, errno, "fork for %s", helper);
    close(out[1]);
    close(err[1]);

    int exec_errno = 0;
    ssize_t n;
    RETRY_EINTR(n, read(err[0], &exec_errno, sizeof exec_errno));
    if (n < 0)
        report_error(STEP_INTERNAL, errno, "read the exec status of %s", helper);

    char text[400];
    size_t got = 0;
    for (;;) {
        char buf[256];
        ssize_t r;
        RETRY_EINTR(r, read(out[0], buf, sizeof buf));
        if (r < 0)
            report_error(STEP_INTERNAL, errno, "read the output of %s", helper);
        if (r == 0)
            break;
        size_t keep = sizeof text - 1 - got < (size_t)r ? sizeof text - 1 - got : (size_t)r;
        memcpy(text + got, buf, keep);
        got += keep;
    }
    text[got] = '\0';
    while (got > 0 && (text[got - 1] == '\n' || text[got - 1] == ' '))
        text[--got] = '\0';
    close(out[0]);
    close(err[0]);

    int st;
    pid_t w;
    RETRY_EINTR(w, waitpid(pid, &st, 0));
    if (w < 0)
        report_error(STEP_INTERNAL, errno, "wait for %s", helper);
    if (n == (ssize_t)sizeof exec_errno)
        report_error(step, exec_errno, "cannot run %s", helper);
    if (WIFSIGNALED(st))
        report_error(step, EPERM, "%s was killed by signal %d: %s", helper, WTERMSIG(st), text);
    if (WEXITSTATUS(st) != 0)
        report_error(step, EPERM, "%s exited with %d: %s", helper, WEXITSTATUS(st), text);
}

void idmap_setup(const struct spec *s, pid_t child)
{
    the_spec = s;
    /* setgroups first: an unprivileged writer may only write gid_map once setgroups is
     * "deny" (user_namespaces(7)). With newgidmap, the helper decides. */
    if (s->setgroups && !(s->map_helper & MAP_HELPER_GID))
        write_proc_file(child, "setgroups", s->setgroups == SETGROUPS_ALLOW ? "allow" : "deny",
                        STEP_WRITE_SETGROUPS);
    if (s->uid_map) {
        if (s->map_helper & MAP_HELPER_UID)
            run_helper(s->newuidmap, child, s->uid_map, STEP_NEWUIDMAP);
        else
            write_proc_file(child, "uid_map", s->uid_map, STEP_WRITE_UID_MAP);
    }
    if (s->gid_map) {
        if (s->map_helper & MAP_HELPER_GID)
            run_helper(s->newgidmap, child, s->gid_map, STEP_NEWGIDMAP);
        else
            write_proc_file(child, "gid_map", s->gid_map, STEP_WRITE_GID_MAP);
    }
}

void ids_drop_groups(const struct spec *s)
{
    /* SET_IDS (a root caller's sandbox with unprivileged ids): C must not keep the caller's
     * supplementary groups. They are host gids (0 among them) that no gid_map can hide: they
     * would still open group-accessible host files through the binds. S drops them before the
     * clone, so C starts without (and this works with setgroups "deny" too). */
    if (s->set_ids && setgroups(0, NULL) < 0)
        report_error(STEP_SET_IDS, errno, "setgroups(0) before the clone");
}

void ids_apply(const struct spec *s)
{
    /* C was cloned with the caller's ids, which its user namespace does not map (a root caller's
     * uid 0 is not in a subordinate range): become the mapped ids now, before anything creates a
     * file or a mount (a tmpfs refuses an owner it cannot map). Capabilities in the namespace
     * stay: the kernel keeps them for a change to the namespace's root. */
    if (!s->set_ids)
        return;
    if (setresgid(s->inside_gid, s->inside_gid, s->inside_gid) < 0)
        report_error(STEP_SET_IDS, errno, "setresgid(%u) inside", s->inside_gid);
    if (setresuid(s->inside_uid, s->inside_uid, s->inside_uid) < 0)
        report_error(STEP_SET_IDS, errno, "setresuid(%u) inside", s->inside_uid);
}
