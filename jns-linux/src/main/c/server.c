/* The fork server: one long-lived launcher per JVM (started with argv[1] "--server") that forks a
 * supervisor S per spawn request, so that a spawn costs a fork of this small, single-threaded process
 * instead of a posix_spawn + exec from the JVM (about 0.5 ms here). docs/launcher-protocol.md, "Fork server".
 *
 * Its fds: 0-2 and 4 /dev/null, 3 the request socket (SOCK_SEQPACKET), 5 the lifeline, and 6, when the
 * JVM gives it, the light socket. A request is one message: "u32 version (2), u32 n_fds, u32 flags" with
 * n_fds fds (SCM_RIGHTS): stdin, stdout, stderr, spec, status, the join fds, the fds to pass, the mount
 * plan's fds, and last the reply socket. Flag 1: the spec is light, and S may run in this process's memory
 * (light.c). The reply: "i32 pid, i32 errno" with S's pidfd (SCM_RIGHTS); then the reply socket is closed.
 *
 * Standbys: light requests come on the light socket, where one light S, cloned ahead, waits for the next
 * (light.c, standby_entry): it takes the request itself, sends one datagram on the "taken" socket, answers
 * the JVM with its own pid and pidfd and runs. The server clones the next standby once it has the datagram.
 * So a light spawn's way has neither the server's wake-up nor its clone of S: from the JVM's request to S's
 * clone of the init took 199-274 us before and 188-236 us with a standby (medians of three paired runs, perf
 * sched events; session 18). The server runs as SCHED_BATCH so that the standby's datagram does not preempt
 * the standby (it did, for 70 us); every S goes back to SCHED_OTHER first (sched_normal). Without a standby
 * (no region free, or three standbys in a row that ended without a request: someone killed them) the server
 * serves the light socket itself. Flag 2, QUIT: when the JVM replaces a server, it ends the standby that
 * waits for that server's light socket, which answers with its pid (no fd): the JVM's child, reaped there.
 *
 * S is cloned with CLONE_PARENT: it is the JVM's child, not the server's. The JVM reaps it and gets its
 * exact wait status, and nothing that happens to the server (a restart, a crash, a kill) reaches a
 * running sandbox. The server itself never has a child. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "launcher.h"
#include "steps.h"

#define SERVER_VERSION 2
/* standbys that may end without a request in a row (someone killed them) before the server stops making them */
#define STANDBY_MAX_DEATHS 3

void send_pid_and_fd(int reply, pid_t pid, int err, int pidfd)
{
    int32_t body[2] = { pid, err };
    struct iovec iov = { .iov_base = body, .iov_len = sizeof body };
    union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } ctl;
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
    if (pidfd >= 0) {
        msg.msg_control = ctl.buf;
        msg.msg_controllen = sizeof ctl.buf;
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int));
        memcpy(CMSG_DATA(c), &pidfd, sizeof(int));
    }
    (void)!sendmsg(reply, &msg, MSG_NOSIGNAL);
}

/* In the cloned child: the received fds become 0..4 and 6.., the lifeline stays 5, then S runs. */
__attribute__((noreturn))
void become_supervisor(const int *fds, int n)
{
    /* The targets are 0..n but 5. When every received fd lies above them all (the usual case: the
     * server holds 0..5 and the kernel gives the lowest free numbers), each goes home directly; else
     * first out of the way (above every fd in play), then home: no fd is overwritten before it is
     * copied. */
    int lowest = fds[0], base = 6 + n;
    for (int i = 0; i < n; i++) {
        if (fds[i] < lowest)
            lowest = fds[i];
        if (fds[i] >= base)
            base = fds[i] + 1;
    }
    int tmp[SERVER_MAX_FDS];
    for (int i = 0; i < n; i++) {
        tmp[i] = lowest > n ? fds[i] : fcntl(fds[i], F_DUPFD, base);
        if (tmp[i] < 0)
            _exit(126);
    }
    for (int i = 0; i < n; i++) {
        int target = i < 5 ? i : i + 1;     /* 5 is the lifeline, the server's own */
        if (dup2(tmp[i], target) < 0)
            _exit(126);
    }
    /* The rest (the request socket, unless dup2 replaced fd 3) goes in S's own fd cleanup. */
    launcher_main();
}

/* The request's fds, closed: usually consecutive numbers (the kernel hands out the lowest free ones),
 * then with one close_range instead of one close each. */
static void close_received(const int *fds, int n)
{
    int consecutive = 1;
    for (int i = 1; i < n; i++)
        if (fds[i] != fds[0] + i)
            consecutive = 0;
    if (consecutive && syscall(SYS_close_range, (unsigned)fds[0], (unsigned)fds[n - 1], 0) == 0)
        return;
    for (int i = 0; i < n; i++)
        close(fds[i]);
}

/* The server's "taken" socket: the server's end and the standbys' (set once, before the first standby:
 * server_main). */
static int taken_server_fd = -1;
static int taken_fd = -1;
/* Whether the server runs as SCHED_BATCH (set once, before the first S: server_main). */
static int server_batch;

void sched_normal(void)
{
    struct sched_param p = { 0 };
    if (server_batch && sched_setscheduler(0, SCHED_OTHER, &p) < 0)
        _exit(126);
}

int server_take_request(int sock, int *fds, uint32_t *flags)
{
    uint32_t head[3];
    struct iovec iov = { .iov_base = head, .iov_len = sizeof head };
    union { char buf[CMSG_SPACE(SERVER_MAX_FDS * sizeof(int))]; struct cmsghdr align; } ctl;
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
                          .msg_controllen = sizeof ctl.buf };
    ssize_t got;
    RETRY_EINTR(got, recvmsg(sock, &msg, MSG_CMSG_CLOEXEC));
    if (got == 0)
        return 0;
    if (got < 0)
        return errno == EAGAIN ? -1 : -2;
    int n = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
            for (int i = 0; i < k && n < SERVER_MAX_FDS; i++)
                memcpy(&fds[n++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
        }
    *flags = (size_t)got == sizeof head ? head[2] : 0;
    /* A spawn sends at least stdio, spec, status and the reply socket; a QUIT only the reply socket. */
    int least = (*flags & SERVER_QUIT) ? 1 : 6;
    if (n < least || (size_t)got != sizeof head || head[0] != SERVER_VERSION || head[1] != (uint32_t)n
        || (msg.msg_flags & MSG_CTRUNC)) {
        if (n > 0)
            send_pid_and_fd(fds[n - 1], -1, EINVAL, -1);
        for (int i = 0; i < n; i++)
            close(fds[i]);
        return -1;
    }
    return n;
}

void standby_wait_fds(void)
{
    /* The request socket (3) is the server's: a standby that kept its copy would keep the JVM from seeing
     * the server's death (a send to a dead server's socket then succeeds, and waits for the bound). */
    close(3);
    close(taken_server_fd);
}

void standby_taken(void)
{
    /* The server may be gone (the JVM replaced it): no answer is needed, and no SIGPIPE may come. */
    (void)!send(taken_fd, "t", 1, MSG_NOSIGNAL | MSG_DONTWAIT);
}

/* One request from sock, served here: S cloned into a region (light.c) or forked. */
static void serve(int sock)
{
    int fds[SERVER_MAX_FDS];
    uint32_t flags;
    int n = server_take_request(sock, fds, &flags);
    if (n == 0)
        _exit(0);           /* the JVM closed its end */
    if (n == -2)
        _exit(125);
    if (n < 0)
        return;
    if (flags & SERVER_QUIT) {
        /* for a standby (light.c), and none is waiting: closing the reply socket says so */
        for (int i = 0; i < n; i++)
            close(fds[i]);
        return;
    }
    int reply = fds[n - 1];
    /* CLONE_PARENT: S becomes the JVM's child (see the top of this file). A light S shares this
     * memory (light.c); without a region for it, or on another machine, S is forked. */
    int pidfd = -1;
    pid_t pid = (flags & SERVER_LIGHT) ? light_clone(fds, n - 1, reply, &pidfd) : -2;
    if (pid == -2)
        pid = raw_clone_pidfd(CLONE_PARENT, &pidfd);
    if (pid == 0) {
        close(reply);
        sched_normal();
        become_supervisor(fds, n - 1);
    }
    int err = pid > 0 ? 0 : errno;
    /* The spawn's fds go before the answer: once the JVM has it, no copy of a pipe end lingers here
     * (a late copy of the status pipe's write end kept the JVM from seeing the launcher's EOF). */
    close_received(fds, n - 1);
    send_pid_and_fd(reply, pid > 0 ? pid : -1, err, pid > 0 ? pidfd : -1);
    if (pidfd >= 0)
        close(pidfd);
    close(reply);
}

__attribute__((noreturn))
void server_main(void)
{
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || prctl(PR_SET_NAME, "jns-forkserver", 0, 0, 0) < 0)
        _exit(125);
    if (getppid() == 1)
        _exit(125);
    /* A root server is not dumpable: a light supervisor's sandbox (light.c) runs its init in this
     * memory, inside user namespaces whose root maps to this uid, and only a flag the address space
     * had from the start keeps their processes from ptracing the init into it (a tracer then needs
     * CAP_SYS_PTRACE in this address space's user namespace, which no sandbox has). Every forked S
     * takes the flag an exec gives back (main.c). */
    if (getuid() == 0 && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        _exit(125);
    if (syscall(SYS_close_range, FD_LIGHT + 1, ~0U, 0) < 0 && errno != ENOSYS)
        _exit(125);
    /* finds the image's ranges once, for every S to map in one call (prefault.c) */
    prefault_image();
    /* SCHED_BATCH: the server's wake-ups do not preempt the task that woke it. A standby that took its
     * request wakes the server (to clone the next one) on its way to its own clone: as SCHED_OTHER the server
     * took that CPU from it first (70 us, perf sched events). Every S goes back to SCHED_OTHER before it
     * runs a step (sched_normal): nothing of a sandbox runs as SCHED_BATCH. */
    struct sched_param sp0 = { 0 };
    server_batch = sched_setscheduler(0, SCHED_BATCH, &sp0) == 0;
    /* Standbys: with a light socket (fd 6), one light S waits on it, cloned ahead (light.c). */
    int taken[2] = { -1, -1 };
    int light_sock = fcntl(FD_LIGHT, F_GETFD) >= 0
        && socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, taken) == 0;
    taken_server_fd = taken[0];
    taken_fd = taken[1];
    int standby_pidfd = -1;
    int standby_deaths = 0;     /* standbys that ended without a request, in a row */
    for (;;) {
        if (light_sock && standby_pidfd < 0 && standby_deaths < STANDBY_MAX_DEATHS) {
            int pidfd = -1;
            if (light_arm(&pidfd) > 0)
                standby_pidfd = pidfd;
        }
        /* With a standby waiting, the light socket is its alone; else the server serves it itself. */
        int watch = standby_pidfd >= 0 ? standby_pidfd : light_sock ? FD_LIGHT : -1;
        struct pollfd p[4] = {
            { .fd = 3, .events = POLLIN },
            { .fd = FD_LIFELINE, .events = POLLIN },
            { .fd = taken[0], .events = POLLIN },
            { .fd = watch, .events = POLLIN },
        };
        int ready;
        RETRY_EINTR(ready, poll(p, 4, -1));
        if (ready < 0)
            _exit(125);
        if (p[1].revents)
            _exit(0);       /* the JVM is gone; every S ends its sandbox at the lifeline's EOF too */
        if (p[2].revents) {
            char b[16];
            while (recv(taken[0], b, sizeof b, MSG_DONTWAIT) > 0) {
            }
            if (standby_pidfd >= 0) {
                close(standby_pidfd);
                standby_pidfd = -1;
            }
            standby_deaths = 0;
        } else if (watch >= 0 && watch == standby_pidfd && p[3].revents) {
            /* The standby ended without a request (killed): another takes its place, up to a bound. */
            close(standby_pidfd);
            standby_pidfd = -1;
            standby_deaths++;
        } else if (watch == FD_LIGHT && p[3].revents) {
            serve(FD_LIGHT);
        }
        if (p[0].revents)
            serve(3);
    }
}
