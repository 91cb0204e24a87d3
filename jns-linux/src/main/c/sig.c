#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "launcher.h"

static const int forwarded[] = { SIGTERM, SIGINT, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 };

void forwarded_signals(sigset_t *set, int with_sigchld)
{
    sigemptyset(set);
    for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++)
        sigaddset(set, forwarded[i]);
    if (with_sigchld)
        sigaddset(set, SIGCHLD);
}

int is_forwarded_signal(int sig)
{
    for (size_t i = 0; i < sizeof forwarded / sizeof forwarded[0]; i++)
        if (forwarded[i] == sig)
            return 1;
    return 0;
}

int reset_signals(void)
{
    /* Dispositions are already the defaults here: the JVM starts the launcher (and the fork server) with
     * POSIX_SPAWN_SETSIGDEF for every signal, and no launcher process installs a handler (S sets SIG_DFL
     * on the ones it forwards; the rest go through signalfd). Only the mask was changed: S and the init
     * block the forwarded signals and SIGCHLD. */
    sigset_t none;
    sigemptyset(&none);
    if (sigprocmask(SIG_SETMASK, &none, NULL) < 0)
        return errno;
    return 0;
}

pid_t raw_clone(unsigned long flags)
{
    /* No stack given: the child runs on a copy of the caller's stack, as after fork(). */
    return (pid_t)syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
}

pid_t raw_clone_pidfd(unsigned long flags, int *pidfd)
{
    /* CLONE_PIDFD stores the pidfd at the parent_tid argument, the third on x86-64 and arm64 alike. */
    return (pid_t)syscall(SYS_clone, flags | CLONE_PIDFD | SIGCHLD, 0, pidfd, 0, 0);
}
