/* A new pid namespace nested in a joined one. setns(CLONE_NEWPID) changes only the namespace of the
 * caller's future children, and the kernel refuses CLONE_NEWPID to a process whose children's namespace is
 * not its own active one (copy_pid_ns: EINVAL). So S forks an intermediate I, whose active namespace is the
 * joined one, and I clones C with the new namespaces and CLONE_PARENT: C is S's child, exactly as on the
 * direct path (S supervises, reaps and is C's parent-death signal). I hands C's pidfd to S over a socket
 * and ends; S reads C's pid in its own namespace from the pidfd's fdinfo. bubblewrap forks once more for
 * --pidns with --unshare-pid, too. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgroup.h"
#include "launcher.h"

/* The pid (in the reader's pid namespace) of the process `pidfd` refers to, from its fdinfo "Pid:" line;
 * -1 with errno on failure. */
static pid_t pid_of_pidfd(int pidfd)
{
    char path[40];
    snprintf(path, sizeof path, "self/fdinfo/%d", pidfd);
    int f;
    RETRY_EINTR(f, openat(proc_fd, path, O_RDONLY | O_CLOEXEC));
    if (f < 0)
        return -1;
    char text[1024];
    ssize_t n;
    RETRY_EINTR(n, read(f, text, sizeof text - 1));
    int saved = errno;
    if (close(f) < 0 && n >= 0)
        return -1;
    if (n < 0) {
        errno = saved;
        return -1;
    }
    text[n] = '\0';
    for (char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
        if (strncmp(line, "Pid:", 4) == 0) {
            long pid = strtol(line + 4, NULL, 10);
            if (pid > 0)
                return (pid_t)pid;
            break;
        }
    }
    errno = ESRCH;   /* no "Pid:" (a kernel before 5.10), or the process is gone (-1) */
    return -1;
}

/* S: the answer of I: C's pidfd, or I's errno. Returns the pidfd or -1 with errno. */
static int receive_pidfd(int sock)
{
    int32_t body[2] = { 0, 0 };
    struct iovec iov = { .iov_base = body, .iov_len = sizeof body };
    union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } ctl;
    struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.buf,
                          .msg_controllen = sizeof ctl.buf };
    ssize_t got;
    RETRY_EINTR(got, recvmsg(sock, &msg, MSG_CMSG_CLOEXEC));
    if (got < 0)
        return -1;
    int fd = -1;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
        memcpy(&fd, CMSG_DATA(c), sizeof fd);
    if (got != (ssize_t)sizeof body || body[1] != 0 || fd < 0) {
        if (fd >= 0)
            close(fd);
        errno = got != (ssize_t)sizeof body ? EPIPE : body[1] != 0 ? body[1] : EPROTO;
        return -1;
    }
    return fd;
}

pid_t clone_nested_pid(unsigned long flags)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return -1;
    pid_t i = raw_clone(0);
    if (i < 0) {
        int e = errno;
        close(sv[0]);
        close(sv[1]);
        errno = e;
        return -1;
    }
    if (i == 0) {
        /* I: its own pid namespace is the joined one. Only an answer to S, never a status record: S
         * reports what went wrong. */
        close(sv[0]);
        int pidfd = -1;
        pid_t c = raw_clone_pidfd(cg_clone_flags(flags) | CLONE_PARENT, &pidfd);
        if (c == 0) {
            close(sv[1]);
            return 0;       /* C: on as after S's own clone */
        }
        send_pid_and_fd(sv[1], c, c < 0 ? errno : 0, c < 0 ? -1 : pidfd);
        _exit(0);
    }
    close(sv[1]);
    int pidfd = receive_pidfd(sv[0]);
    int e = errno;
    close(sv[0]);
    int st;
    pid_t w;
    RETRY_EINTR(w, waitpid(i, &st, __WALL));   /* I ends right after its answer */
    if (pidfd < 0) {
        errno = e;
        return -1;
    }
    pid_t c = pid_of_pidfd(pidfd);
    e = errno;
    close(pidfd);
    if (c < 0 || w < 0) {
        errno = c < 0 ? e : ECHILD;
        return -1;
    }
    return c;
}
