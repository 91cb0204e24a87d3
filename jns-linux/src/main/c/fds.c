/* The command's stdio in the launcher's own processes. */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "launcher.h"
#include "status.h"
#include "steps.h"

static int null_fd = -1;
int proc_fd = -1;

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
