/* The command's stdio in the launcher's own processes. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "launcher.h"
#include "spec.h"
#include "status.h"
#include "steps.h"

static _Thread_local int null_fd = -1; /* written before any clone only; per S (light.c) */
_Thread_local int proc_fd = -1;       /* C closes its own: per process (sharedvm.c) */

void open_early_fds(void)
{
    /* Opened once, in S before any join or clone: a joined mount namespace or a new root may have
     * no /dev/null. C inherits it (close-on-exec, so the command does not). */
    null_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null_fd < 0)
        report_error(STEP_INTERNAL, errno, "open /dev/null");
    /* Likewise /proc: C's pid means something only in the JVM's /proc. */
    proc_fd = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (proc_fd < 0)
        report_error(STEP_INTERNAL, errno, "open /proc");
}

void release_stdio(void)
{
    /* S and the init hold copies of the command's stdin, stdout and stderr only because they were
     * spawned with them. Keeping them would delay the JVM's EOF on the command's output until these
     * processes exit; /dev/null takes their place, so that fds 0-2 stay taken. */
    for (int fd = 0; fd <= 2; fd++)
        if (dup2(null_fd, fd) < 0)
            report_error(STEP_INTERNAL, errno, "dup2 /dev/null onto fd %d", fd);
}

void pass_fds(const struct spec *s)
{
    if (s->n_passes == 0)
        return;
    int above = 0;
    for (int i = 0; i < s->n_passes; i++)
        if (s->passes[i].target > above)
            above = s->passes[i].target;
    above++;
    /* The status fd and the sentinel must live until exec (errors, exec detection): move them above
     * every target first, so that no target overwrites them. */
    int st = fcntl(status_fd, F_DUPFD_CLOEXEC, above);
    if (st < 0)
        report_error(STEP_PASS_FDS, errno, "move the status fd above fd %d", above - 1);
    int old = status_fd;
    status_fd = st;
    close(old);
    if (status_sentinel_fd >= 0) {
        int sn = fcntl(status_sentinel_fd, F_DUPFD_CLOEXEC, above);
        if (sn < 0)
            report_error(STEP_PASS_FDS, errno, "move the sentinel fd above fd %d", above - 1);
        old = status_sentinel_fd;
        status_sentinel_fd = sn;
        close(old);
    }
    /* Then each fd out of the way and home: a source may be another pass's target. dup2 clears
     * close-on-exec on the target, which is what makes it reach the command. */
    int tmp[SPEC_MAX_PASSES];
    for (int i = 0; i < s->n_passes; i++) {
        tmp[i] = fcntl(s->passes[i].fd, F_DUPFD_CLOEXEC, above);
        if (tmp[i] < 0)
            report_error(STEP_PASS_FDS, errno, "copy fd %d", s->passes[i].fd);
    }
    for (int i = 0; i < s->n_passes; i++)
        if (dup2(tmp[i], s->passes[i].target) < 0)
            report_error(STEP_PASS_FDS, errno, "dup2 onto fd %d", s->passes[i].target);
}
