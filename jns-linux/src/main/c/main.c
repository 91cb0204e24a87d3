/* jns-launcher: started by the JVM with posix_spawn for each Spawn.start().
 * This file is S, the supervisor. The contract is docs/launcher-protocol.md; the steps below
 * are in the order the kernel needs them. S never has a second thread. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cgroup.h"
#include "launcher.h"
#include "spec.h"
#include "status.h"
#include "steps.h"

/* static: about 3 MiB, mostly untouched; page-aligned, so that its counts and scalars (spec.h puts
 * them first) share one page */
static struct spec spec_storage LAUNCHER_LARGE __attribute__((aligned(4096)));
/* This supervisor's spec: the static one, or its region's in a light supervisor (light.c). Per thread
 * (per supervisor), for light supervisors share the fork server's memory. */
static _Thread_local struct spec *sp;

/* Test aid (DEBUG_STOP record, sent only when the JVM has jns.testing.stopAtStep set): stop
 * just before the given step, so that a test can SIGKILL the launcher there. */
static void debug_stop(int step)
{
    if (sp->debug_stop == (uint32_t)step)
        raise(SIGSTOP);
}

/* Returns 1 when the lifeline is at EOF (the JVM is gone). Data on it is read and ignored. */
static int lifeline_closed(short revents)
{
    if (!(revents & (POLLIN | POLLHUP | POLLERR)))
        return 0;
    char buf[64];
    ssize_t n;
    RETRY_EINTR(n, read(FD_LIFELINE, buf, sizeof buf));
    return n <= 0;
}

static void set_cloexec(int fd)
{
    /* FD_CLOEXEC is the only fd flag there is: set, not read-modify-write (one syscall, not two). */
    if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
        report_error(STEP_CLOSE_FDS, errno, "FD_CLOEXEC on fd %d", fd);
}

static void close_range_or_loop(unsigned first, unsigned last)
{
    if (first > last)
        return;
#ifdef SYS_close_range
    if (syscall(SYS_close_range, first, last, 0) == 0)
        return;
    if (errno != ENOSYS)
        report_error(STEP_CLOSE_FDS, errno, "close_range(%u, %u)", first, last);
#endif
    /* Kernels before 5.9: close one by one, up to the fd limit. */
    struct rlimit rl;
    unsigned limit = 65536;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY
        && rl.rlim_cur < limit)
        limit = (unsigned)rl.rlim_cur;
    for (unsigned fd = first; fd <= last && fd < limit; fd++)
        close((int)fd);
}

/* Closes every fd but 0..5, the join fds, the fds to pass and the mount plan's fds; marks all but
 * 0..2 close-on-exec. */
static void close_fds(void)
{
    int keep[SPEC_MAX_JOINS + SPEC_MAX_PASSES + SPEC_MAX_MOUNT_FDS];
    int n = 0;
    for (int i = 0; i < sp->n_joins; i++)
        keep[n++] = sp->joins[i].fd;
    for (int i = 0; i < sp->n_passes; i++)
        keep[n++] = sp->passes[i].fd;
    for (int i = 0; i < sp->n_mount_fds; i++)
        keep[n++] = sp->mount_fds[i];
    for (int i = 1; i < n; i++)          /* insertion sort, at most 49, all distinct (spec_parse) */
        for (int j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
            int t = keep[j];
            keep[j] = keep[j - 1];
            keep[j - 1] = t;
        }
    unsigned next = FD_FIRST_JOIN;
    for (int i = 0; i < n; i++) {
        close_range_or_loop(next, (unsigned)keep[i] - 1);
        next = (unsigned)keep[i] + 1;
    }
    close_range_or_loop(next, ~0U);
    set_cloexec(FD_SPEC);
    set_cloexec(FD_STATUS);
    set_cloexec(FD_LIFELINE);
    for (int i = 0; i < n; i++)
        set_cloexec(keep[i]);
}

static const char *ns_name(int type)
{
    switch (type) {
    case CLONE_NEWUSER: return "user";
    case CLONE_NEWNS: return "mnt";
    case CLONE_NEWPID: return "pid";
    case CLONE_NEWNET: return "net";
    case CLONE_NEWUTS: return "uts";
    case CLONE_NEWIPC: return "ipc";
    case CLONE_NEWCGROUP: return "cgroup";
    case CLONE_NEWTIME: return "time";
    default: return "?";
    }
}

static void join_namespaces(void)
{
    for (int i = 0; i < sp->n_joins; i++) {
        const struct join *j = &sp->joins[i];
        struct stat st;
        /* The JVM recorded dev/ino when it opened the handle: a different file here means
         * the fd does not name the namespace the caller meant. */
        if (fstat(j->fd, &st) < 0)
            report_error(STEP_VERIFY_NAMESPACE, errno, "fstat fd %d (%s namespace)", j->fd,
                         ns_name(j->nstype));
        if ((uint64_t)st.st_dev != j->dev || (uint64_t)st.st_ino != j->ino)
            report_error(STEP_VERIFY_NAMESPACE, ESTALE,
                         "fd %d is %s:[%llu] on dev %llu, expected [%llu] on dev %llu", j->fd,
                         ns_name(j->nstype), (unsigned long long)st.st_ino,
                         (unsigned long long)st.st_dev, (unsigned long long)j->ino,
                         (unsigned long long)j->dev);
        if (setns(j->fd, j->nstype) < 0)
            report_error(STEP_JOIN_NAMESPACE, errno, "setns %s:[%llu] (fd %d)",
                         ns_name(j->nstype), (unsigned long long)j->ino, j->fd);
    }
}

/* Whether the spec joins a namespace of this type (a joined pid namespace: a new one must nest in it,
 * nested.c). */
static int joins(int nstype)
{
    for (int i = 0; i < sp->n_joins; i++)
        if (sp->joins[i].nstype == nstype)
            return 1;
    return 0;
}

/* Whether C can run in S's address space until it execs (vfork_run): when C makes no namespace, needs
 * no init and no cgroup, S has nothing to do between the clone and C's release (no id maps, no cgroup
 * placement, no namespaces of C's to read), so S can sleep until C has exec'd. */
static int c_execs_directly(void)
{
    return sp->clone_flags == 0 && !sp->new_time && sp->n_cgroups == 0
        && !(sp->options & OPTION_FORCE_INIT);
}

/* Whether C can run in S's address space for the sandbox's life (sharedvm.c). The command must not reach
 * that memory through C: C's address space then has S's dumpable flag and belongs to S's user namespace
 * (the caller's), where the command has no capability, so a C that is not dumpable is out of its reach
 * (no ptrace, no /proc/C/mem, no pidfd_getfd).
 * - A root S is not dumpable from before the clone: it writes C's maps and reads C's /proc with its own
 *   privileges.
 * - A rootless S needs C dumpable until it has read C's namespaces and written its maps (C's /proc
 *   files are root's otherwise), and makes the address space (S's and C's) not dumpable before it
 *   releases C (step 8). Only where nothing can reach C in between and nothing makes it dumpable
 *   again after: the JVM opens nothing in /proc/C (OPTIONS bit 128: run(), whose namespaces come from
 *   NSIDS; an NsProcess's namespace() opens /proc/C/ns, as do the user's nsenter -t and lsns), C is alone in a user namespace of its own
 *   (a joined one has a root of its own, who could ptrace C in that moment), and the maps are S's own
 *   uid and gid written by S (no helper: no process of the sandbox can change its kernel uid, whose
 *   change would set the flag to fs.suid_dumpable).
 * Not with RUN_AS: there the processes that would share it take the target's ids (C its effective
 * ones, E all of them before its exec), and no process of the target uid may come near S's memory,
 * which has the caller's privileges (SupervisorFootholdTest's attacker); S's change back of its own ids
 * would also clear the dumpable flag, while newuidmap (run as the target) needs C's. Not when S clears
 * what C still needs after the clone (its idmapped trees), nor where C is made otherwise (a joined pid
 * namespace: nested.c; a cgroup: clone3; a time namespace: C's vDSO data is its address space's). */
static int c_shares_memory(void)
{
    if (sp->run_as || idmount_pending() || sp->n_cgroups != 0 || sp->new_time || joins(CLONE_NEWPID))
        return 0;
    return launcher_privileged
        || ((sp->options & OPTION_INIT_UNREAD) && (sp->clone_flags & CLONE_NEWUSER)
            && !joins(CLONE_NEWUSER) && sp->map_helper == 0);
}

struct child_args {
    int sentinel;
    int sfd;
    int sync;               /* C's end of the sync pipe, or -1 */
    int close_first[2];     /* S's ends, which C closes first (in its own fd table), or -1 */
};

static int child_entry(void *arg)
{
    const struct child_args *a = arg;
    for (int i = 0; i < 2; i++)
        if (a->close_first[i] >= 0)
            close(a->close_first[i]);
    child_main(sp, a->sync, a->sentinel, a->sfd);
}

/* After C has ended (or S was told to end the sandbox): wait for the spec EOF, kill and reap every
 * process left in the sandbox, report C's end, exit. The sandbox ends with its command: what the
 * command left running (background jobs, daemons it started) is killed here. */
__attribute__((noreturn))
static void finish(pid_t c)
{
    /* The JVM closes the spec pipe once it holds a pidfd on C: until then C's pid must stay
     * reserved (a zombie), or a new process could take it. */
    if (drain_to_eof(FD_SPEC) < 0)
        report_error(STEP_INTERNAL, errno, "read the spec pipe to EOF");
    int st = 0;
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    /* With a cgroup, everything in it first (cgroup.kill: forks in flight included), then reap. */
    (void)cg_kill();
    /* C cloned with CLONE_NEWPID (by S, or by nested.c's intermediate, which S has reaped) is its namespace's
     * init: its end is the sandbox's (reap.c). */
    int reaped = reap_all(c, (sp->clone_flags & CLONE_NEWPID) != 0, &st, &ru);
    status_child = 0;
    if (!reaped)
        report_error(STEP_INTERNAL, ECHILD, "reap the first process");
    /* What the sandbox used is reported before C's EXIT; then its cgroup goes. */
    cg_finish();
    (void)status_write_exit(st, &ru, 0);
    _exit(exit_code_of(st));
}

/* Settles the sentinel (EOF or a byte); returns 1 and writes STARTED on a clean EOF. */
static int read_sentinel(int fd)
{
    char b;
    ssize_t n;
    RETRY_EINTR(n, read(fd, &b, 1));
    if (n < 0)
        report_error(STEP_INTERNAL, errno, "read the sentinel pipe");
    if (n == 0 && status_write(STATUS_STARTED, 0, 0, NULL, 0) < 0)
        report_error(STEP_INTERNAL, errno, "write STARTED");
    /* n == 1: C or E failed and wrote ERROR already: no STARTED. */
    close(fd);
    return n == 0;
}

static long long now_ms(void)
{
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
        report_error(STEP_INTERNAL, errno, "clock_gettime");
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* TIMEOUT: says so first (the JVM then knows why the command ends), then signals C. */
static void time_out(pid_t c, int sig)
{
    if (status_write(STATUS_TIMEOUT, sig, 0, NULL, 0) < 0)
        report_error(STEP_INTERNAL, errno, "write TIMEOUT");
    if (kill(c, sig) < 0 && errno != ESRCH)
        report_error(STEP_INTERNAL, errno, "timeout: signal %d", sig);
}

__attribute__((noreturn))
static void supervise(pid_t c, int sfd, int sentinel)
{
    long long term_at = -1, kill_at = -1;    /* TIMEOUT deadlines, from STARTED on */
    for (;;) {
        int wait_ms = -1;
        if (term_at >= 0 || kill_at >= 0) {
            long long now = now_ms();
            if (term_at >= 0 && now >= term_at) {
                term_at = -1;
                if (sp->grace_ms == 0) {
                    kill_at = now;
                } else {
                    time_out(c, SIGTERM);
                    kill_at = now + (long long)sp->grace_ms;
                }
            }
            if (kill_at >= 0 && now >= kill_at) {
                kill_at = -1;
                time_out(c, SIGKILL);
            }
            long long next = term_at >= 0 ? term_at : kill_at;
            if (next >= 0)
                wait_ms = next - now > INT_MAX ? INT_MAX : (int)(next - now);
        }
        struct pollfd p[3] = {
            { .fd = sfd, .events = POLLIN },
            { .fd = FD_LIFELINE, .events = POLLIN },
            { .fd = sentinel, .events = POLLIN },   /* -1 once settled: poll skips it */
        };
        if (poll(p, 3, wait_ms) < 0) {
            if (errno == EINTR)
                continue;   /* not RETRY_EINTR: the loop computes the timeout anew */
            report_error(STEP_INTERNAL, errno, "supervisor: poll");
        }
        /* The sentinel first, so that STARTED comes before EXIT. */
        if (sentinel >= 0 && p[2].revents) {
            if (read_sentinel(sentinel) && sp->timeout_ms > 0)
                term_at = now_ms() + (long long)sp->timeout_ms;
            sentinel = -1;
        }
        if (lifeline_closed(p[1].revents)) {
            /* The JVM is gone: nobody wants the sandbox any more. */
            kill(c, SIGKILL);
            if (sentinel >= 0)
                close(sentinel);
            finish(c);
        }
        if (!(p[0].revents & POLLIN))
            continue;
        struct signalfd_siginfo si;
        ssize_t n;
        RETRY_EINTR(n, read(sfd, &si, sizeof si));
        if (n != (ssize_t)sizeof si)
            report_error(STEP_INTERNAL, n < 0 ? errno : EIO, "supervisor: read the signalfd");
        int sig = (int)si.ssi_signo;
        if (is_forwarded_signal(sig)) {
            if (kill(c, sig) < 0 && errno != ESRCH)
                report_error(STEP_INTERNAL, errno, "forward signal %d", sig);
            continue;
        }
        if (sig == SIG_KILL_SANDBOX) {
            /* destroyForcibly(), or the thread that started S has ended: C's end (SIGCHLD) then
             * brings S to finish(), which kills the rest. */
            if (kill(c, SIGKILL) < 0 && errno != ESRCH)
                report_error(STEP_INTERNAL, errno, "kill the first process");
            continue;
        }
        if (sig != SIGCHLD)
            continue;
        /* Look without reaping: C must stay a zombie until the spec EOF (see finish). */
        siginfo_t info;
        memset(&info, 0, sizeof info);
        if (waitid(P_PID, (id_t)c, &info, WEXITED | WNOHANG | WNOWAIT | __WALL) < 0)
            report_error(STEP_INTERNAL, errno, "waitid for the first process");
        if (info.si_pid != c)
            continue;
        /* C is gone, so every holder of the sentinel is too (E dies with C): settle it. */
        if (sentinel >= 0)
            read_sentinel(sentinel);
        finish(c);
    }
}

/* Once per exec, for the fork server and for a launcher spawned directly alike (every S the server forks
 * inherits the result): the signals S forwards or reads (SIGCHLD among them) get their default
 * dispositions, because an ignored SIGCHLD would make the kernel reap C. The JVM spawns the launcher
 * with POSIX_SPAWN_SETSIGDEF, so this only makes sure. */
static void default_dispositions(void)
{
    sigset_t mask;
    forwarded_signals(&mask, 1);
    sigaddset(&mask, SIG_KILL_SANDBOX);
    struct sigaction dfl = { 0 };
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; sig++)
        if (sigismember(&mask, sig) == 1 && sigaction(sig, &dfl, NULL) < 0)
            report_error(STEP_SIGNALS, errno, "default disposition of signal %d", sig);
}

int main(int argc, char **argv)
{
    default_dispositions();
    if (argc > 1 && strcmp(argv[1], "--server") == 0)
        server_main();
    if (argc > 1 && strcmp(argv[1], "--describe") == 0) {
        /* For jns doctor: what this launcher can do here. */
        char text[200];
        filter_describe(text, sizeof text);
        printf("jns-launcher protocol %d; %s\n", SPEC_VERSION, text);
        return 0;
    }
    launcher_main();
}

void launcher_main(void)
{
    /* 0. The image's read-only pages in one call, not a fault each (prefault.c says why); a light S
     *    runs in the fork server's memory, where they are mapped already (light.c). */
    sp = light ? light_spec() : &spec_storage;
    if (!light)
        prefault_image();

    /* 1. Read and check the whole spec before doing anything: a bad spec changes nothing. A light S
     *    only runs specs that keep it off what other supervisors share with it. */
    spec_read(FD_SPEC, sp);
    if (light && !spec_light(sp) && !(getuid() == 0 && spec_light_sandbox(sp)))
        report_error(STEP_PARSE_SPEC, EINVAL, "the JVM asked for a light supervisor (light.c) for a spec "
                     "with joins, ids, cgroups, seccomp, mounts, a time namespace or (as a user) namespaces");
    /* A forked S gets the dumpable flag an exec gives (a root fork server has none: server.c); the steps
     * below clear it where they must. A light S leaves it as the server has it (see step 8). */
    if (!light && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
        report_error(STEP_PRCTL, errno, "PR_SET_DUMPABLE");

    /* 2. RUN_AS: the target's effective ids (ids.c says why only those). It comes before prctl because
     *    any change of the effective uid/gid clears PR_SET_PDEATHSIG and the dumpable flag. */
    debug_stop(STEP_DROP_TO_UID);
    run_as_prepare(sp);

    /* 3. End the sandbox when the JVM's spawning thread ends, and the JVM may have died before
     *    prctl. The signal is SIG_KILL_SANDBOX, not SIGKILL: until step 6 blocks it, it ends S (nothing
     *    to clean up yet); from then on S reads it and kills the whole sandbox before it exits, which a
     *    SIGKILL of S would prevent. S is the JVM's child (the fork server clones it with
     *    CLONE_PARENT), so the fork server's end does not reach it. Dumpable again after RUN_AS: C
     *    inherits the flag, and newuidmap (run as the target) accepts only a target process whose /proc
     *    entry the target owns. S's real and saved uid still keep the target uid from ptracing or
     *    signalling S. */
    if (prctl(PR_SET_PDEATHSIG, SIG_KILL_SANDBOX, 0, 0, 0) < 0)
        report_error(STEP_PRCTL, errno, "PR_SET_PDEATHSIG");
    debug_stop(STEP_PRCTL);
    if (prctl(PR_SET_NAME, "jns-launcher", 0, 0, 0) < 0)
        report_error(STEP_PRCTL, errno, "PR_SET_NAME");
    if (sp->run_as && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
        report_error(STEP_PRCTL, errno, "PR_SET_DUMPABLE");
    struct pollfd lp = { .fd = FD_LIFELINE, .events = POLLIN };
    if (poll(&lp, 1, 0) < 0)
        report_error(STEP_INTERNAL, errno, "poll the lifeline");
    if (lifeline_closed(lp.revents))
        _exit(127);

    /* 4. Nothing of the JVM's may reach the command. */
    debug_stop(STEP_CLOSE_FDS);
    close_fds();

    open_early_fds();

    /* 4b. The sandbox's cgroup, while S still sees the JVM's file systems (a join may change them). */
    cg_create(sp);

    /* 5. Join, in the given order (user first: it grants the rights for the others). */
    debug_stop(STEP_JOIN_NAMESPACE);
    join_namespaces();

    /* 5b. Idmapped binds are made here, where S still has the caller's privileges and no C exists
     *     yet (C inherits the trees); and a sandbox that changes ids drops the groups first. */
    idmount_prepare(sp);
    ids_drop_groups(sp);

    /* 6. Block the forwarded signals and SIGCHLD before clone, so none is lost in between;
     *    C inherits the mask (and an init reads its own through the same signalfd). The
     *    dispositions are reset because an ignored SIGCHLD would make the kernel reap C. */
    sigset_t mask;
    forwarded_signals(&mask, 1);
    sigaddset(&mask, SIG_KILL_SANDBOX);
    if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
        report_error(STEP_SIGNALS, errno, "block signals");
    /* Their dispositions were made the defaults once, at the launcher's exec (main). */
    int sfd = signalfd(-1, &mask, SFD_CLOEXEC);
    if (sfd < 0)
        report_error(STEP_SIGNALS, errno, "signalfd");

    /* Every process of the sandbox that loses its parent comes to S, so that S can kill it when the
     *    sandbox ends (finish), with or without a pid namespace. */
    if (prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
        report_error(STEP_PRCTL, errno, "PR_SET_CHILD_SUBREAPER");

    /* The seccomp filter is compiled here, in S, where the heap is S's own and nothing else runs:
     * libseccomp allocates, and after the clone C and E must not (the launcher's rule: C may share
     * S's address space, and E shares C's). E only hands the finished program to the kernel. */
    filter_prepare(sp);

    /* The sync pipe releases C (after the id maps); the sentinel pipe tells S about exec. */
    int direct = c_execs_directly();
    int sync_pipe[2] = { -1, -1 }, sentinel[2];
    if ((!direct && pipe2(sync_pipe, O_CLOEXEC) < 0) || pipe2(sentinel, O_CLOEXEC) < 0)
        report_error(STEP_INTERNAL, errno, "pipe2");

    /* 7. One clone makes C in all new namespaces at once (a pid namespace needs a new process
     *    anyway). Without any, C shares S's address space until its exec, and S sleeps until then
     *    (vfork_run: no copy of the address space, which is most of a fork's cost). With them, C
     *    runs in S's address space too where it can, beside S, on a stack and with thread-local
     *    storage of its own (sharedvm.c); else in a copy of it. */
    debug_stop(STEP_CLONE);
    pid_t c;
    int shared = 0;     /* C runs in S's address space (sharedvm.c) */
    if (direct) {
        /* Until C's exec S sleeps in the kernel and reads neither the lifeline nor its signalfd: should
         * the JVM die meanwhile (C stuck in an exec from a hung file system, say), the kernel kills S
         * outright, and C with it through C's own PR_SET_PDEATHSIG, instead of leaving SIG_KILL_SANDBOX
         * pending. */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
            report_error(STEP_PRCTL, errno, "PR_SET_PDEATHSIG(SIGKILL) until the first process's exec");
        struct child_args args = { .sentinel = sentinel[1], .sfd = sfd, .sync = -1, .close_first = { -1, -1 } };
        c = vfork_run(child_entry, &args);
        if (prctl(PR_SET_PDEATHSIG, SIG_KILL_SANDBOX, 0, 0, 0) < 0)
            report_error(STEP_PRCTL, errno, "PR_SET_PDEATHSIG");
    } else {
        /* C reads these at its start, while S goes on: static, not on S's stack; per S, for a light S
         * shares the fork server's memory (light.c). */
        static _Thread_local struct child_args args;
        args = (struct child_args){ .sentinel = sentinel[1], .sfd = sfd, .sync = sync_pipe[0],
                                    .close_first = { sync_pipe[1], sentinel[0] } };
        int shares = c_shares_memory();
        /* A root S: not dumpable from before C exists, for C's address space is S's, and C may live in a
         * user namespace that others share (a joined one), whose root could otherwise ptrace C in the
         * moment before step 8. A root S needs the flag for nothing: it writes C's maps and reads C's
         * /proc with its own privileges. (A rootless S needs it until step 8.) */
        if (shares && launcher_privileged && !light && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
            report_error(STEP_PRCTL, errno, "PR_SET_DUMPABLE 0 before the first process's clone");
        c = shares ? shared_clone(child_entry, &args, (unsigned long)sp->clone_flags) : -2;
        shared = c > 0;
        /* A light S cannot fork C: its stack is in a region, which a fork does not get (light.c). The
         * server found the TLS layout good for S, so this is a jns bug. */
        if (c == -2 && light)
            report_error(STEP_CLONE, ENOTSUP, "a light supervisor could not start its init in its region");
        if (c == -2)
            c = joins(CLONE_NEWPID) && (sp->clone_flags & CLONE_NEWPID)
                    ? clone_nested_pid((unsigned long)sp->clone_flags)
                    : cg_clone(sp, (unsigned long)sp->clone_flags);
    }
    if (c < 0)
        report_error(STEP_CLONE, errno, "clone with flags 0x%llx",
                     (unsigned long long)sp->clone_flags);
    if (c == 0) {
        close(sync_pipe[1]);
        close(sentinel[0]);
        child_main(sp, sync_pipe[0], sentinel[1], sfd);
    }
    if (!direct)
        close(sync_pipe[0]);
    close(sentinel[1]);
    idmount_release();
    /* The mount plan's fds are C's now: S must not keep a bound object or the content open. */
    for (int i = 0; i < sp->n_mount_fds; i++)
        if (close(sp->mount_fds[i]) < 0)
            report_error(STEP_INTERNAL, errno, "close mount fd %d", sp->mount_fds[i]);
    run_as_after_clone(sp);
    release_stdio();
    /* From now on a failure of S kills C and reaps it after the spec EOF. */
    status_child = c;
    status_drain_spec = 1;
    /* PID, and the namespaces C is in, for the JVM's outcome, in one write: read now, while C waits for the
     * sync byte and cannot have ended. A new time namespace comes later, from C itself: C reports that one. */
    static const char *const ns_names[] = { "cgroup", "ipc", "mnt", "net", "pid", "user", "uts", "time" };
    char ns_dir[32];
    if (direct)
        snprintf(ns_dir, sizeof ns_dir, "self/ns");   /* S's own: C may be gone already */
    else
        snprintf(ns_dir, sizeof ns_dir, "%d/ns", (int)c);
    /* The sandbox's mount namespace, held from here until S ends, where it holds nothing but copies of the
     * caller's mounts and its /proc (no mount plan, no root switch): so the init's exit does not tear it down
     * (a synchronous RCU grace period and the unmount of every copy, before the exit is signalled) on the
     * JVM's way to the outcome; S's own exit does, after the JVM has it (nothing closes the fd before). -1
     * where the open fails: then the init's exit tears it down, as before. */
    int mnt_hold = -1;
    int hold = !direct && (sp->clone_flags & CLONE_NEWNS) && sp->n_mounts == 0 && sp->root == NULL;
    if (status_write_nsids(c, proc_fd, ns_dir, ns_names, sp->new_time ? 7 : 8, hold ? &mnt_hold : NULL) < 0)
        report_error(STEP_INTERNAL, errno, "write PID and NSIDS");
    /* In its cgroups before it is released (where clone3 did not put it there already). */
    cg_place(c);

    /* 8. Only a process outside the new user namespace can map it. */
    debug_stop(STEP_WRITE_UID_MAP);
    if (sp->clone_flags & CLONE_NEWUSER)
        idmap_setup(sp, c);
    /* Nothing of C's /proc is needed any more: a root S is not dumpable from here on, so that no
     * process of the sandbox's uid can ptrace it or take its status fd (item 6 of issue 13); nor is a
     * rootless S whose address space C shares (c_shares_memory): the flag is the address space's, so
     * C is not dumpable either when the command starts. Not a light S (light.c): the flag is the fork
     * server's, which a root server cleared at its start (server.c) and every S it forks sets again (a
     * root S that joins a user namespace must read its C's /proc: NestedPidTest). A light sandbox (root
     * only) is thus not dumpable from before its C exists; a light spec without namespaces runs its
     * command as S's own uid in S's namespaces, where the kernel refuses a tracer whose capabilities are
     * fewer than S's whatever the flag (LightSupervisorTest). */
    if ((launcher_privileged || shared) && !light && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        report_error(STEP_PRCTL, errno, "PR_SET_DUMPABLE 0");
    debug_stop(STEP_WAIT_FOR_PARENT);
    if (!direct) {
        ssize_t w;
        RETRY_EINTR(w, write(sync_pipe[1], "x", 1));
        if (w != 1)
            report_error(STEP_INTERNAL, w < 0 ? errno : EIO, "release the first process");
    }
    /* sync_pipe[1] stays open while S lives: after SET_IDS, C re-arms PR_SET_PDEATHSIG (a change of
     * ids clears it) and takes a hang-up of this pipe as S's death. */

    /* 9. Supervise until C ends or the JVM goes. */
    supervise(c, sfd, sentinel[0]);
}
