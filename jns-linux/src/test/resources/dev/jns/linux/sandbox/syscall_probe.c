/* Tries the system calls named on the command line and prints "NAME ERRNO_NAME" (or "NAME ok") for each:
 * what SeccompTest expects a sandbox's default filter to refuse. Compiled by the test with the host's gcc.
 * Each call is made with arguments that would do nothing harmful if it were allowed. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif
#ifndef SYS_io_uring_setup
#define SYS_io_uring_setup 425
#endif
#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

static long call(const char *name)
{
    char zero[256];
    memset(zero, 0, sizeof zero);
    if (!strcmp(name, "keyctl")) return syscall(SYS_keyctl, 0 /* GET_KEYRING_ID */, -3 /* @s */, 0);
    if (!strcmp(name, "add_key")) return syscall(SYS_add_key, "user", "jns-probe", "x", 1, -3);
    if (!strcmp(name, "request_key")) return syscall(SYS_request_key, "user", "jns-probe", NULL, 0);
    if (!strcmp(name, "io_uring_setup")) return syscall(SYS_io_uring_setup, 1, zero);
    if (!strcmp(name, "userfaultfd")) return syscall(SYS_userfaultfd, 0);
    if (!strcmp(name, "perf_event_open")) return syscall(SYS_perf_event_open, zero, 0, -1, -1, 0);
    if (!strcmp(name, "kexec_load")) return syscall(SYS_kexec_load, 0, 0, NULL, 0);
    if (!strcmp(name, "kexec_file_load")) return syscall(SYS_kexec_file_load, -1, -1, 0, "", 0);
    if (!strcmp(name, "bpf")) return syscall(SYS_bpf, 0, zero, 0);
    if (!strcmp(name, "personality_0x40000")) return syscall(SYS_personality, 0x40000);
    if (!strcmp(name, "personality_1")) return syscall(SYS_personality, 1);
    if (!strcmp(name, "personality_0")) return syscall(SYS_personality, 0);
    if (!strcmp(name, "personality_8")) { long r = syscall(SYS_personality, 8); syscall(SYS_personality, 0); return r; }
    if (!strcmp(name, "personality_query")) return syscall(SYS_personality, 0xffffffffUL);
    if (!strcmp(name, "socket_vsock")) return syscall(SYS_socket, 40, SOCK_STREAM, 0);
    if (!strcmp(name, "socket_inet")) { long r = syscall(SYS_socket, AF_INET, SOCK_DGRAM, 0); if (r >= 0) close((int)r); return r; }
    if (!strcmp(name, "open_by_handle_at")) return syscall(SYS_open_by_handle_at, -1, zero, 0);
    if (!strcmp(name, "mount")) return syscall(SYS_mount, "none", "/", NULL, 0, NULL);
    if (!strcmp(name, "unshare_user")) return syscall(SYS_unshare, 0x10000000);
    if (!strcmp(name, "clone_user")) {
        long r = syscall(SYS_clone, 0x10000000 | 17 /* SIGCHLD */, NULL, NULL, NULL, NULL);
        if (r == 0) _exit(0);
        return r;
    }
    if (!strcmp(name, "clone3")) return syscall(SYS_clone3, zero, 8);
    if (!strcmp(name, "pidfd_getfd")) {
        long pfd = syscall(SYS_pidfd_open, getpid(), 0);
        if (pfd < 0) return pfd;
        return syscall(SYS_pidfd_getfd, pfd, 0, 0);
    }
    if (!strcmp(name, "swapon")) return syscall(SYS_swapon, "/nonexistent", 0);
    if (!strcmp(name, "init_module")) return syscall(SYS_init_module, NULL, 0, "");
    if (!strcmp(name, "i386_getpid")) {
#if defined(__x86_64__)
        /* The i386 ABI from a 64-bit process: the filter kills the process (SIGSYS). */
        long r;
        __asm__ volatile("int $0x80" : "=a"(r) : "a"(20) : "memory");
        return r;
#else
        errno = ENOSYS;   /* no second ABI reachable this way here */
        return -1;
#endif
    }
    errno = EINVAL;
    return -2;
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        errno = 0;
        long r = call(argv[i]);
        if (r == -2) {
            printf("%s unknown\n", argv[i]);
        } else if (r < 0) {
            printf("%s %s\n", argv[i], strerrorname_np(errno) ? strerrorname_np(errno) : "?");
        } else {
            printf("%s ok\n", argv[i]);
        }
        fflush(stdout);
    }
    return 0;
}
