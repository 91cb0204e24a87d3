/* What the parts of the launcher offer each other. */
#ifndef JNS_LAUNCHER_H
#define JNS_LAUNCHER_H

#include <errno.h>
#include <signal.h>
#include <stdint.h>
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
int exec_command(const char *prog, char *const argv[], char *const envp[]);

/* idmap.c: S writes /proc/PID/{setgroups,uid_map,gid_map} or runs newuidmap/newgidmap.
 * Reports and exits on failure. */
void idmap_setup(const struct spec *s, pid_t child);
/* idmap.c, SET_IDS: S drops the supplementary groups before the clone; C becomes the mapped ids
 * right after S released it. Report and exit on failure. */
void ids_drop_groups(const struct spec *s);
void ids_apply(const struct spec *s);

/* idmount.c, MOUNT_IDMAP: S, before the clone, clones and idmaps the sources of idmapped binds
 * (reports and exits on failure); C takes each entry's tree fd (-1: none) and attaches it; S
 * closes its copies after the clone. idmap_tree: mount_setattr(MOUNT_ATTR_IDMAP, recursive, with
 * nosuid and nodev) on a detached tree; returns 0 or an errno. */
void idmount_prepare(const struct spec *s);
int idmount_take(int index);
void idmount_release(void);
/* Whether idmount_prepare made trees for C (S then forks C: it clears them after the clone). */
int idmount_pending(void);
int idmap_tree(int tree_fd, int userns_fd);

/* child.c: C's steps; never returns. sync_fd: read end of the sync pipe; sentinel_fd: write
 * end of the sentinel pipe; sfd: the signalfd inherited from S. */
__attribute__((noreturn))
void child_main(const struct spec *s, int sync_fd, int sentinel_fd, int sfd);

/* init.c: C as init: reaps every child, forwards signals to E, reports E's EXIT, exits with
 * E's code. */
__attribute__((noreturn))
void init_loop(pid_t e, int sfd);

/* prefault.c: maps the launcher's read-only pages (code, constants) in one system call; S and C
 * call it first, since a fork leaves them to be faulted in one by one. Best effort. */
void prefault_image(void);

/* sig.c: the signals S forwards (and an init forwards) plus SIGCHLD. */
void forwarded_signals(sigset_t *set, int with_sigchld);
int is_forwarded_signal(int sig);
/* Empty mask, every disposition default: for processes about to exec. Returns 0 or errno. */
int reset_signals(void);
/* Raw clone with fork semantics (own address space, no glibc fork handlers). */
pid_t raw_clone(unsigned long flags);
/* vfork.c: a child that runs fn(arg) in this address space, on a stack of its own, while the caller
 * sleeps until it execs or exits (CLONE_VM | CLONE_VFORK). fn must end in exec or _exit and must not
 * touch the heap; the globals it may write on its way (the status fds, proc_fd) are the caller's
 * again when this returns. */
pid_t vfork_run(int (*fn)(void *), void *arg);
/* A child in this address space that runs while the caller goes on (CLONE_VM without CLONE_VFORK):
 * the caller must not write what the child uses, nor report (the status fd's number is the child's to
 * move) until vm_child_wait has seen the child's exec or exit; that puts the caller's globals back.
 * errno is shared with the child too: what the caller does meanwhile goes through sys_noerrno. */
struct vm_globals {
    int status_fd, sentinel_fd, drain_spec, proc_fd;
    pid_t child;
    pid_t *running;     /* cleared by the kernel at the child's exec or exit: running_word, or a region's */
    pid_t running_word;
};
pid_t vm_child_start(int (*fn)(void *), void *arg, struct vm_globals *own);
void vm_child_wait(struct vm_globals *own);
/* sharedvm.c: C started in this address space (clone with flags | CLONE_VM, on a stack of its own)
 * with thread-local storage of its own, running fn(arg). The pid, -1 with errno, or -2 when this
 * machine's TLS layout is not one it can copy (the caller then forks C). */
pid_t shared_clone(int (*fn)(void *), void *arg, unsigned long flags);
/* A thread pointer for another process in this address space: a copy of this thread's TLS block and
 * TCB in area, its DTV in dtv_area; NULL when this machine's layout is not one it can copy (x86-64 only).
 * *tid_offset: where, from the thread pointer, the TCB keeps the thread's tid. */
char *tls_copy(char *area, size_t area_size, uintptr_t *dtv_area, size_t dtv_words, size_t *tid_offset);

/* light.c: a light supervisor, S in the fork server's address space for a spec without namespaces, or
 * for a root launcher's sandbox that needs nothing of the launcher's static state (spec_light_sandbox).
 * light: this S's region, NULL in a forked or spawned S and in the server. light_clone (the server): S's
 * pid (the JVM's child, *pidfd its pidfd), -1 with errno, or -2 when no region can be had (fork S then). */
struct light_region;
extern _Thread_local struct light_region *light;
pid_t light_clone(const int *fds, int n, int reply, int *pidfd);
struct spec *light_spec(void);
char *light_raw(void);
char *light_c_stack(size_t *size, pid_t **running);
/* A light sandbox's init (sharedvm.c): its stack, TLS and DTV areas in S's region; light_init_tid records
 * the tid word of its TCB copy, which the kernel clears at its end (the region is free only then). */
struct light_init_area {
    char *stack;
    size_t stack_size;
    char *tls;
    size_t tls_size;
    uintptr_t *dtv;
    size_t dtv_words;
};
void light_init_area(struct light_init_area *a);
void light_init_tid(pid_t *tid);

/* A system call that leaves errno alone: the result, or -errno. */
long sys_noerrno(long nr, long a, long b, long c, long d, long e);

/* mounts.c: C: proc, the mount plan and the root switch, in that order. Reports and exits on
 * failure. */
void mounts_setup(const struct spec *s);

/* procmask.c: C: masks the proc just mounted at `proc` (a path of C's tree), unless OPTIONS bit 32;
 * dev_null: the caller's /dev/null as C sees it. */
void mask_proc(const struct spec *s, const char *proc, const char *dev_null);

/* seccomp.c: S, before clone: compiles the filter the spec asks for (libseccomp) into a static buffer;
 * reports and exits on a bad rule. E, last before exec: loads it, and the caller's BPF program. */
void filter_prepare(const struct spec *s);
void filter_load(const struct spec *s);
/* "libseccomp X.Y.Z" and whether this kernel has seccomp filters: for `--describe`. */
void filter_describe(char *out, size_t size);

/* ids.c (item 6 of issue 13): RUN_AS in S, in the idmap helper, in E; the init's hardening. */
void run_as_prepare(const struct spec *s);
void run_as_after_clone(const struct spec *s);
int run_as_helper(const struct spec *s);   /* 0 or an errno */
void run_as_command(const struct spec *s);
/* The init's naming and hardening; runs while E shares its memory (vm_child_start), so it neither
 * reports nor touches errno: returns 0, or the errno of the failed step, described in *f. */
struct step_failure {
    int step;
    const char *what;
};
int init_harden(const struct spec *s, struct step_failure *f);
extern _Thread_local int launcher_privileged;   /* S started with real uid 0 */

/* caps.c: E: the CAPS record (bounding, permitted, effective, inheritable, ambient sets). */
void caps_apply(const struct spec *s, int no_new_privs);

/* limits.c: E: the RLIMIT records; setsid (OPTIONS bit 4); a new session keyring (OPTIONS bit 64);
 * PR_SET_NO_NEW_PRIVS (OPTIONS bit 8). */
void limits_apply(const struct spec *s);
void session_apply(const struct spec *s);
void keyring_apply(const struct spec *s);
void no_new_privs_apply(const struct spec *s);

/* main.c: S, the supervisor (what a posix_spawn'd launcher runs, and each fork of the server). */
__attribute__((noreturn)) void launcher_main(void);

/* server.c: the fork server (argv[1] "--server"). become_supervisor: in S, the request's n fds to their
 * places (0..4, 6..), then launcher_main. */
#define SERVER_MAX_FDS (5 + 16 + 16 + 17 + 1)   /* stdio, spec, status, joins, passes, mount fds, reply */
__attribute__((noreturn)) void server_main(void);
__attribute__((noreturn)) void become_supervisor(const int *fds, int n);
/* The server's fds beyond 0-5: 6, when the JVM gives it, the light socket, on which light requests come
 * (a standby, light.c, waits on it). Request flags: 1, a light spec (light.c); 2, QUIT: a waiting standby
 * answers with its pid (no fd) and ends, for the JVM to reap it when it retires the server. */
#define FD_LIGHT 6
#define SERVER_LIGHT 1u
#define SERVER_QUIT 2u
/* One request from sock into fds (the reply socket last): the number of fds, 0 at EOF, -1 when there is
 * nothing to serve (EAGAIN; a bad request, answered EINVAL and closed), -2 on an error (errno); *flags:
 * the request's flags. */
int server_take_request(int sock, int *fds, uint32_t *flags);
/* A standby, before it waits: closes the server's fds it has no use for (its copy of the server's fd table
 * keeps the light socket, the lifeline and its end of the "taken" socket). Once it has its request:
 * standby_taken tells its server to clone the next one. */
void standby_wait_fds(void);
void standby_taken(void);
/* light.c: a standby S in a region, waiting on FD_LIGHT: its pid (*pidfd its pidfd), -1 with errno, or
 * -2 when no region can be had. */
pid_t light_arm(int *pidfd);
/* server.c: S's scheduling policy back to SCHED_OTHER where the server runs as SCHED_BATCH (server_main). */
void sched_normal(void);

/* fds.c: opens /dev/null and the JVM's /proc (proc_fd) before any join or clone. */
void open_early_fds(void);
extern _Thread_local int proc_fd;
/* /dev/null in place of the command's stdio, in S and the init (they must not hold it). */
void release_stdio(void);
/* E, right before exec: the PASS_FD fds go to their targets (status and sentinel moved above
 * them first). */
void pass_fds(const struct spec *s);

/* net.c: bring the loopback device of a new net namespace up (OPTIONS bit 16). */
void loopback_up(void);

/* sig.c: raw clone with CLONE_PIDFD: the child's pidfd goes to *pidfd. */
pid_t raw_clone_pidfd(unsigned long flags, int *pidfd);

/* server.c: one answer on a SOCK_SEQPACKET socket: "i32 pid, i32 errno" and, when fd >= 0, that fd
 * (SCM_RIGHTS). The fork server's answer, and the nested pid namespace's intermediate's (nested.c). */
void send_pid_and_fd(int sock, pid_t pid, int err, int fd);

/* nested.c: S, with a joined pid namespace and a new one: clone C in a new pid namespace nested in the
 * joined one, through an intermediate process (the kernel refuses CLONE_NEWPID after setns). C is S's child
 * all the same (CLONE_PARENT). Returns C's pid in S's namespace, 0 in C, or -1 with errno. */
pid_t clone_nested_pid(unsigned long flags);

/* The signal that tells S to kill the whole sandbox (SIGKILL to the first process, then every
 * descendant): the JVM's destroyForcibly(), and S's PR_SET_PDEATHSIG, so that the death of the thread
 * that started S ends the sandbox through S's cleanup instead of killing S before it can clean up.
 * SIGPWR: not forwarded, the same number (30) on x86-64 and arm64. */
#define SIG_KILL_SANDBOX SIGPWR

/* reap.c: S, a child subreaper: SIGKILL every descendant (through /proc/S/task/S/children, again
 * until none is left) and reap them all; with first_is_pid_init (S cloned `first` with CLONE_NEWPID),
 * the init's end is everyone's, and S reaps it and sweeps without the list. Returns 1 when `first` was
 * reaped here, with its wait status and rusage in *first_status and *first_ru (either may be NULL). */
struct rusage;
int reap_all(pid_t first, int first_is_pid_init, int *first_status, struct rusage *first_ru);

#endif
