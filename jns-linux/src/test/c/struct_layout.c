/* struct_layout: prints "name size" and "name.field offset" for the C structs that jns-linux passes
 * to libc as jnr.ffi.Structs (dev.jns.linux.ffi.Structs), as this machine's C compiler lays them out.
 * Used by StructsTest. */
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <linux/netlink.h>

#define SIZE(t) printf("%s %zu\n", #t, sizeof(t))
#define FIELD(t, f) printf("%s.%s %zu\n", #t, #f, offsetof(t, f))

int main(void)
{
    SIZE(struct stat);
    FIELD(struct stat, st_dev);
    FIELD(struct stat, st_ino);
    SIZE(struct pollfd);
    FIELD(struct pollfd, events);
    FIELD(struct pollfd, revents);
    SIZE(struct iovec);
    FIELD(struct iovec, iov_len);
    SIZE(struct msghdr);
    FIELD(struct msghdr, msg_namelen);
    FIELD(struct msghdr, msg_iov);
    FIELD(struct msghdr, msg_iovlen);
    FIELD(struct msghdr, msg_control);
    FIELD(struct msghdr, msg_controllen);
    FIELD(struct msghdr, msg_flags);
    FIELD(struct cmsghdr, cmsg_level);
    FIELD(struct cmsghdr, cmsg_type);
    printf("CMSG_LEN(4) %zu\n", (size_t)CMSG_LEN(sizeof(int)));
    printf("CMSG_SPACE(4) %zu\n", (size_t)CMSG_SPACE(sizeof(int)));
    printf("CMSG_SPACE(24) %zu\n", (size_t)CMSG_SPACE(6 * sizeof(int)));
    printf("CMSG_SPACE(28) %zu\n", (size_t)CMSG_SPACE(7 * sizeof(int)));
    SIZE(struct timeval);
    FIELD(struct timeval, tv_usec);
    SIZE(struct sockaddr_nl);
    FIELD(struct sockaddr_nl, nl_pid);
    FIELD(struct sockaddr_nl, nl_groups);
    SIZE(sigset_t);
    SIZE(posix_spawnattr_t);
    SIZE(posix_spawn_file_actions_t);
    SIZE(struct statx);
    FIELD(struct statx, stx_uid);
    FIELD(struct statx, stx_mode);
    FIELD(struct statx, stx_ino);
    FIELD(struct statx, stx_size);
    FIELD(struct statx, stx_dev_major);
    FIELD(struct statx, stx_dev_minor);
    SIZE(struct statfs);
    FIELD(struct statfs, f_type);
    return 0;
}
