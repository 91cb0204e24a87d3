/* C: the first process in the new namespaces, and E: the process that execs the command. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup.h"
#include "launcher.h"
#include "status.h"
#include "steps.h"

/* E under an init: the init's pid, and the pipe on which the init says it has hardened itself. */
struct under_init {
    pid_t pid;
    int hardened_read, hardened_write;
};

/* E: from here on nothing may change the namespaces; only the process itself is prepared. */
__attribute__((noreturn))
static void exec_steps(const struct spec *s, const struct under_init *init, int sfd)
{
    int hardened = -1;
    if (init) {
        /* Only the init writes the hardened pipe: its EOF then means the init failed or died. */
        if (close(init->hardened_write) < 0)
            report_error(STEP_INTERNAL, errno, "close the init's end of the hardened pipe");
        hardened = init->hardened_read;
        /* Die with the init, and catch the race where the init died between the clone and prctl
         * (then E was already reparented). */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
            report_error(STEP_PRCTL, errno, "PR_SET_PDEATHSIG in the command's process");
        if (getppid() != init->pid)
            report_error(STEP_PRCTL, ESRCH, "the init process died before the command started");
    }
    /* The command must not inherit the launcher's blocked signals or the signalfd. */
    if (close(sfd) < 0)
        report_error(STEP_SIGNALS, errno, "close the signalfd");
    int e = reset_signals();
    if (e != 0)
        report_error(STEP_SIGNALS, e, "reset the signal mask and dispositions");
    /* RUN_AS: only this process takes the target's ids for good (ids.c). */
    pid_t parent = getppid();
    run_as_command(s);
    /* The change of ids cleared PR_SET_PDEATHSIG: arm it again, then make sure the parent (the init, or
     * S, which sleeps until this exec without namespaces) did not die in between. */
    if (s->run_as) {
        if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
            report_error(STEP_PRCTL, errno, "PR_SET_PDEATHSIG after the change of ids");
        if (getppid() != parent)
            report_error(STEP_PRCTL, ESRCH, "the parent process died before the command started");
    }
    if (s->cwd && chdir(s->cwd) < 0)
        report_error(STEP_CHDIR, errno, "%s", s->cwd);
    session_apply(s);
    keyring_apply(s);
    limits_apply(s);
    caps_apply(s, (s->options & OPTION_NO_NEW_PRIVS) != 0);
    no_new_privs_apply(s);
    /* Nothing of the command runs before its init is hardened (no capabilities, no_new_privs, not
     * dumpable): else the command could ptrace a PID 1 that still has them. Read before the passed fds
     * take their numbers, one of which may be this pipe's. */
    if (hardened >= 0) {
        char byte;
        ssize_t n;
        RETRY_EINTR(n, read(hardened, &byte, 1));
        if (n != 1)
            _exit(127);     /* the init failed (and says why once E is gone) or died */
        if (close(hardened) < 0)
            report_error(STEP_INTERNAL, errno, "close the hardened pipe");
    }
    pass_fds(s);
    /* ARGV0: the program is still found by the spec's first ARG; only what it sees as its
     * name changes (as bubblewrap's --argv0). The spec is a static, non-const object; this process
     * shares it until the exec with S (without namespaces: vfork_run) or with the init
     * (vm_child_start), neither of which reads argv after the clone, so writing one pointer of it here
     * is safe. */
    char *prog = s->argv[0];
    if (s->argv0)
        ((struct spec *)s)->argv[0] = (char *)s->argv0;
    /* Test aid (DEBUG_STOP 23): the command's process stops right before its exec, so that a test can
     * kill the JVM while a supervisor without namespaces sleeps until this exec. */
    if (s->debug_stop == STEP_EXEC)
        raise(SIGSTOP);
    /* Last: the filter may refuse what the steps above use (keyctl, prctl ...). */
    filter_load(s);
    e = exec_command(prog, s->argv, s->envp);
    report_error(STEP_EXEC, e, "%s", prog);
}

static void write_time_offsets(const struct spec *s)
{
    char text[2 * 64];
    size_t len = 0;
    for (int i = 0; i < s->n_time_offsets; i++) {
        const struct time_offset *t = &s->time_offsets[i];
        len += (size_t)snprintf(text + len, sizeof text - len, "%d %lld %lld\n", (int)t->clockid,
                                (long long)t->sec, (long long)t->nsec);
    }
    if (len == 0)
        return;
    int fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        report_error(STEP_WRITE_TIMENS_OFFSETS, errno, "open /proc/self/timens_offsets");
    /* The kernel takes the offsets in one write or not at all: a short write is a failure. */
    ssize_t n;
    RETRY_EINTR(n, write(fd, text, len));
    if (n != (ssize_t)len)
        report_error(STEP_WRITE_TIMENS_OFFSETS, n < 0 ? errno : EIO,
                     "write /proc/self/timens_offsets: %.*s", (int)len, text);
    if (close(fd) < 0)
        report_error(STEP_WRITE_TIMENS_OFFSETS, errno, "close /proc/self/timens_offsets");
}

struct e_args {
    const struct spec *s;
    const struct under_init *init;
    int sfd;
};

/* E's start on vm_child_start's stack. */
static int e_entry(void *p)
{
    const struct e_args *a = p;
    exec_steps(a->s, a->init, a->sfd);
}

/* C: the propagation, then the proc, the mount plan and the root switch. */
static void setup_mounts(const struct spec *s)
{
    /* Propagation before any mount, so the mounts below do not leak to the parent namespace. */
    if (s->propagation) {
        static const unsigned long flag[] = { 0, MS_PRIVATE, MS_SLAVE, MS_SHARED };
        static const char *const name[] = { "", "private", "slave", "shared" };
        if (mount(NULL, "/", NULL, MS_REC | flag[s->propagation], NULL) < 0)
            report_error(STEP_MOUNT_PROPAGATION, errno, "make / recursively %s",
                         name[s->propagation]);
    }
    /* C is in the new pid namespace already (clone put it there), so a proc mounted here shows
     * it. Then the mount plan, then the root switch. Only when there is something to mount: the
     * mount plan's state is static (mounts.c), and a light S's C shares the fork server's memory
     * with other light supervisors' (light.c). */
    if (s->root || s->mount_proc || s->n_mounts > 0)
        mounts_setup(s);
}

void child_main(const struct spec *s, int sync_fd, int sentinel_fd, int sfd)
{
    /* A fork of S: the image's read-only pages again in one call (prefault.c); a light S's C runs in the
     * fork server's memory, where they are mapped (light.c). */
    if (!light)
        prefault_image();

    /* Failures of C go to S through the sentinel; C has no child to clean up yet. */
    status_sentinel_fd = sentinel_fd;
    status_child = 0;
    status_drain_spec = 0;

    /* Die with S. S may already be gone (the signal only covers what comes after prctl), which
     * is why C next waits for S's byte on the sync pipe: EOF means S is gone. getppid() cannot
     * tell: in a new pid namespace it is 0 whether S lives or not. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
        report_error(STEP_PRCTL, errno, "PR_SET_PDEATHSIG in the first process");

    /* A proc with nothing else to mount (no mount plan, no root) needs neither ids nor a cgroup: only C's
     * capabilities in its new namespaces, which C has from the clone. So C mounts and masks it while S
     * still writes PID, NSIDS and the id maps, on the other CPU, instead of after them: the mounts and
     * masks (procmask.c), 0.15-0.25 ms here, were on every such sandbox's way. Only in a new mount
     * namespace, which ends with C if S fails: a joined one would keep the mounts of a spawn that failed.
     * The rest waits for S's byte, as before. A failure here waits for that byte too before it is
     * reported (status_wait_fd), so that the JVM reads C's ERROR after S's records, as it would have. */
    int early_mounts = sync_fd >= 0 && s->mount_proc && (s->clone_flags & CLONE_NEWNS) && s->n_mounts == 0
        && !s->root && !s->set_ids && !s->new_time && s->n_cgroups == 0;
    if (early_mounts) {
        status_wait_fd = sync_fd;
        setup_mounts(s);
        status_wait_fd = -1;
    }

    /* S writes the byte after it has written the id maps: before that C has no ids in its
     * user namespace and no capability would work as expected. */
    /* No sync pipe (-1): S sleeps until C's exec (main.c, c_execs_directly) and has nothing to do before. */
    if (sync_fd >= 0) {
        char byte;
        ssize_t n;
        RETRY_EINTR(n, read(sync_fd, &byte, 1));
        if (n < 0)
            report_error(STEP_WAIT_FOR_PARENT, errno, "read the sync pipe");
        if (n == 0)
            _exit(127);   /* S failed (and said why) or died: nothing to add */
    }
    /* S has placed C in the sandbox's cgroup: a new cgroup namespace is rooted there. Before a
     * change of ids, which can drop the capability that unshare(CLONE_NEWCGROUP) needs. */
    cg_enter_namespace(s);
    if (s->set_ids) {
        ids_apply(s);
        /* The change of ids cleared PR_SET_PDEATHSIG: arm it again, then make sure S did not die
         * in between. S keeps the sync pipe's write end until it exits, so a hang-up means it is
         * gone. */
        if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
            report_error(STEP_PRCTL, errno, "PR_SET_PDEATHSIG after the change of ids");
        struct pollfd hup = { .fd = sync_fd, .events = POLLIN };
        if (poll(&hup, 1, 0) < 0)
            report_error(STEP_INTERNAL, errno, "poll the sync pipe");
        if (hup.revents & (POLLHUP | POLLERR))
            _exit(127);
    }
    if (sync_fd >= 0 && close(sync_fd) < 0)
        report_error(STEP_WAIT_FOR_PARENT, errno, "close the sync pipe");

    /* A time namespace cannot come from clone(2): unshare it now. It applies to children only,
     * and offsets can be written only before a process is in it. */
    if (s->new_time) {
        if (unshare(CLONE_NEWTIME) < 0)
            report_error(STEP_UNSHARE_TIME, errno, "unshare(CLONE_NEWTIME)");
        write_time_offsets(s);
        static const char *const time_ns[] = { "time_for_children" };
        if (status_write_nsids(0, proc_fd, "self/ns", time_ns, 1, NULL) < 0)
            report_error(STEP_INTERNAL, errno, "write NSIDS (time)");
    }
    /* The JVM's /proc must not stay reachable from inside the sandbox (through the init's fds). */
    if (close(proc_fd) < 0)
        report_error(STEP_INTERNAL, errno, "close the JVM's /proc");
    proc_fd = -1;

    if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
        report_error(STEP_SETHOSTNAME, errno, "%s", s->hostname);
    if (s->domainname && setdomainname(s->domainname, strlen(s->domainname)) < 0)
        report_error(STEP_SETDOMAINNAME, errno, "%s", s->domainname);
    if (s->options & OPTION_LOOPBACK_UP)
        loopback_up();

    if (!early_mounts)
        setup_mounts(s);

    int need_init = ((s->clone_flags & CLONE_NEWPID) || s->new_time
                     || (s->options & OPTION_FORCE_INIT))
        && !(s->options & OPTION_NO_INIT);
    if (!need_init)
        exec_steps(s, NULL, sfd);

    /* As PID 1 C reaps orphans anyway; otherwise it must ask to be their reaper. */
    if (!(s->clone_flags & CLONE_NEWPID) && prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) < 0)
        report_error(STEP_PRCTL, errno, "PR_SET_CHILD_SUBREAPER");
    /* E runs in this process's memory until its exec (no copy of the address space to make and tear
     * down: most of a fork's cost), and not with vfork_run: the init must name and harden itself (no
     * capabilities, no_new_privs, not dumpable) before the command runs, and an init asleep until E's
     * exec did that only after (SecureSandboxRunAsTest saw "jns-launcher" as PID 1). So both run: the
     * init hardens while E prepares, and E waits for the init's byte on the hardened pipe before its
     * exec. Until E's exec or end the init writes nothing E uses, reports nothing and leaves errno
     * alone (vm_child_start): a failure is kept and reported after. */
    int hardened[2];
    if (pipe2(hardened, O_CLOEXEC) < 0)
        report_error(STEP_INTERNAL, errno, "pipe2");
    /* Static, for E reads them while the init goes on; per process, for a light sandbox's init shares the
     * fork server's memory (light.c). */
    static _Thread_local struct under_init init;
    init = (struct under_init){ getpid(), hardened[0], hardened[1] };
    static _Thread_local struct e_args args;
    args = (struct e_args){ s, &init, sfd };
    /* With a new time namespace E is forked instead: a CLONE_VM child stays in this process's time
     * namespace (they share the vDSO's data), and only Linux 6.0+ moves it into the new one
     * (time_for_children) at its exec. */
    int shares = !s->new_time;
    struct vm_globals own;
    pid_t e = shares ? vm_child_start(e_entry, &args, &own) : raw_clone(0);
    if (e < 0)
        report_error(STEP_FORK, errno, "start the command's process");
    if (e == 0)
        exec_steps(s, &init, sfd);  /* the forked E */
    /* Only E holds the sentinel now (its exec closes the last write end), and only the init writes
     * the hardened pipe. */
    long closed = sys_noerrno(SYS_close, sentinel_fd, 0, 0, 0, 0);
    struct step_failure failure = { STEP_INTERNAL, "close the sentinel pipe" };
    int err = closed < 0 ? (int)-closed : 0;
    if (err == 0 && (closed = sys_noerrno(SYS_close, hardened[0], 0, 0, 0, 0)) < 0) {
        failure.what = "close E's end of the hardened pipe";
        err = (int)-closed;
    }
    /* Test aid (DEBUG_STOP 28): the init stops before it hardens, so that a test can see E wait for it.
     * A PID 1 ignores its own SIGSTOP: this works in an init without a new pid namespace. */
    if (err == 0 && s->debug_stop == STEP_CAPABILITIES)
        (void)sys_noerrno(SYS_kill, sys_noerrno(SYS_getpid, 0, 0, 0, 0, 0), SIGSTOP, 0, 0, 0);
    if (err == 0)
        err = init_harden(s, &failure);
    if (err == 0) {
        long w = sys_noerrno(SYS_write, hardened[1], (long)"x", 1, 0, 0);
        if (w != 1) {
            failure = (struct step_failure){ STEP_INTERNAL, "write the hardened pipe" };
            err = w < 0 ? (int)-w : EIO;
        }
    }
    (void)sys_noerrno(SYS_close, hardened[1], 0, 0, 0, 0);   /* E reads EOF after a failure */
    if (shares)
        vm_child_wait(&own);
    if (err != 0)
        report_error(failure.step, err, "%s", failure.what);
    status_sentinel_fd = -1;
    release_stdio();
    status_child = e;
    init_loop(e, sfd);
}
