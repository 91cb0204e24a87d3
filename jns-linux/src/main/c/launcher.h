/* What the parts of the launcher offer each other. */
#ifndef JNS_LAUNCHER_H
#define JNS_LAUNCHER_H

#include <errno.h>
#include <signal.h>
#include <sys/types.h>

#include "spec.h"

#define DEFAULT_PATH "/usr/local/bin:/usr/bin:/bin"

/* The one EINTR loop of the launcher: repeats `call` while it fails with EINTR and leaves its
 * last result in `result`, e.g. RETRY_EINTR(n, read(fd, buf, sizeof buf)). */
#define RETRY_EINTR(result, call) \
    do \
        (result) = (call); \
    while ((result) < 0 && errno == EINTR)

/* exec.c: execve(argv[0]) or, without a '/', a PATH search (PATH taken from envp) like
 * execvpe: EACCES wins over ENOENT when nothing runs. Returns only on failure, with the errno. */
int exec_command(char *const argv[], char *const envp[]);

/* idmap.c: S writes /proc/PID/{setgroups,uid_map,gid_map} or runs newuidmap/newgidmap.
 * Reports and exits on failure. */
void idmap_setup(const struct spec *s, pid_t child);

/* child.c: C's steps; never returns. sync_fd: read end of the sync pipe; sentinel_fd: write
 * end of the sentinel pipe; sfd: the signalfd inherited from S. */
__attribute__((noreturn))
void child_main(const struct spec *s, int sync_fd, int sentinel_fd, int sfd);

/* init.c: C as init: reaps every child, forwards signals to E, reports E's EXIT, exits with
 * E's code. */
__attribute__((noreturn))
void init_loop(pid_t e, int sfd);

/* sig.c: the signals S forwards (and an init forwards) plus SIGCHLD. */
void forwarded_signals(sigset_t *set, int with_sigchld);
int is_forwarded_signal(int sig);
/* Empty mask, every disposition default: for processes about to exec. Returns 0 or errno. */
int reset_signals(void);
/* Raw clone with fork semantics (own address space, no glibc fork handlers). */
pid_t raw_clone(unsigned long flags);

/* mounts.c: C: proc, the mount plan and the root switch, in that order. Reports and exits on
 * failure. */
void mounts_setup(const struct spec *s);

/* caps.c: E: the CAPS record (bounding, permitted, effective, inheritable, ambient sets). */
void caps_apply(const struct spec *s, int no_new_privs);

/* limits.c: E: the RLIMIT records; setsid (OPTIONS bit 4); PR_SET_NO_NEW_PRIVS (OPTIONS bit 8). */
void limits_apply(const struct spec *s);
void session_apply(const struct spec *s);
void no_new_privs_apply(const struct spec *s);

/* main.c: S, the supervisor (what a posix_spawn'd launcher runs, and each fork of the server). */
__attribute__((noreturn)) void launcher_main(void);

/* server.c: the fork server (argv[1] "--server"). */
__attribute__((noreturn)) void server_main(void);

/* fds.c: opens /dev/null and the JVM's /proc (proc_fd) before any join or clone. */
void open_early_fds(void);
extern int proc_fd;
/* /dev/null in place of the command's stdio, in S and the init (they must not hold it). */
void release_stdio(void);
/* E, right before exec: the PASS_FD fds go to their targets (status and sentinel moved above
 * them first). */
void pass_fds(const struct spec *s);

/* net.c: bring the loopback device of a new net namespace up (OPTIONS bit 16). */
void loopback_up(void);

/* sig.c: raw clone with CLONE_PIDFD: the child's pidfd goes to *pidfd. */
pid_t raw_clone_pidfd(unsigned long flags, int *pidfd);

/* The signal that tells S to kill the whole sandbox (SIGKILL to the first process, then every
 * descendant): the JVM's destroyForcibly(), and S's PR_SET_PDEATHSIG, so that the death of the thread
 * that started S ends the sandbox through S's cleanup instead of killing S before it can clean up.
 * SIGPWR: not forwarded, the same number (30) on x86-64 and arm64. */
#define SIG_KILL_SANDBOX SIGPWR

/* reap.c: S, a child subreaper: SIGKILL every descendant (through /proc/S/task/S/children, again
 * until none is left) and reap them all. Returns 1 when `first` was reaped here, with its wait status
 * and rusage in *first_status and *first_ru (either may be NULL). */
struct rusage;
int reap_all(pid_t first, int *first_status, struct rusage *first_ru);

#endif
