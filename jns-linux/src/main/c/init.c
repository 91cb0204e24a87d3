/* C as init: PID 1 of a new pid namespace, or a plain subreaper for a time namespace. */
#include <errno.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launcher.h"
#include "status.h"
#include "steps.h"

void init_loop(pid_t e, int sfd)
{
    /* The signals are still blocked (inherited from S), so they queue here, even for a PID 1
     * that has no handlers; the signalfd (inherited) returns this process's own signals. */
    for (;;) {
        struct signalfd_siginfo si;
        ssize_t n;
        RETRY_EINTR(n, read(sfd, &si, sizeof si));
        if (n != (ssize_t)sizeof si)
            report_error(STEP_INTERNAL, n < 0 ? errno : EIO, "init: read the signalfd");
        int sig = (int)si.ssi_signo;
        if (is_forwarded_signal(sig)) {
            /* EPERM: the command changed its uid (it may, with capabilities it kept); the init holds
             * none, so it cannot reach it. S's SIGKILL of the init still ends everything. */
            if (kill(e, sig) < 0 && errno != ESRCH && errno != EPERM)
                report_error(STEP_INTERNAL, errno, "init: forward signal %d", sig);
            continue;
        }
        if (sig != SIGCHLD)
            continue;
        /* Signals merge: reap everything that has ended. */
        for (;;) {
            int st;
            struct rusage ru;
            pid_t pid;
            RETRY_EINTR(pid, wait4(-1, &st, WNOHANG | __WALL, &ru));
            if (pid == 0 || (pid < 0 && errno == ECHILD))
                break;
            if (pid < 0)
                report_error(STEP_INTERNAL, errno, "init: wait4");
            if (pid == e) {
                /* The JVM may be gone; the exit code still tells S. */
                (void)status_write_exit(st, &ru, 1);
                _exit(exit_code_of(st));
            }
        }
    }
}
