/* A light supervisor: S in the fork server's address space (CLONE_VM) instead of in a fork of it, for a
 * spawn that needs nothing that would have S, its init or the command's process write memory the server or
 * another supervisor uses: one that makes and joins no namespace (spec_light), or a root launcher's sandbox
 * of new namespaces without mounts, seccomp, cgroups, ids or joins (spec_light_sandbox). The JVM asks for it
 * (SpecEncoder.light) and S checks.
 *
 * Why: the fork of the server was what such a spawn paid most for, on top of a plain fork and exec, on
 * this project's machine (a PVM guest, where page-table changes are expensive): the server's clone took
 * about 0.3 ms (strace -T, 411 spawns), then S took 17 page faults of its own (the copy-on-write of its
 * stack and the pages it writes, 12-20 us each) and the server 2 more, and S's address space was torn
 * down at its exit. For a sandbox, whose init shares S's memory (perf, cpu-clock, 8 threads spawning the
 * benchmark's sandbox): the server's process took 18% of all CPU (the copy: page faults, TLB flushes) and
 * S's 29%, 10 of them in its exit's teardown of the address space. A light S runs in a region of the server's
 * memory that the server keeps for the next one once this one has ended: its stack, its thread-local
 * storage, its spec and the raw stream, the stack on which it or its init starts the command's process
 * (vfork.c), and its init's stack and thread-local storage (sharedvm.c); a region is used again only when
 * the kernel has cleared every word that says S, its init or that process are in it (CLONE_CHILD_CLEARTID:
 * at S's end, at the init's end, and at the command process's exec or end). At most LIGHT_MAX regions;
 * beyond, S is forked as before.
 *
 * What it must not do: write anything static that the server or another light S uses, nor take a lock of
 * glibc's (glibc takes them without atomics in a process it believes single-threaded, as each of these is:
 * sharedvm.c's tls_copy says what that did). What S, its init and the process that execs the command write
 * on a light spec's way (main.c's steps; child.c's child_main, the init and exec_steps; idmap.c's maps;
 * mounts.c's /proc) is the region (the spec, argv[0] for ARGV0), thread-local storage (status.c, fds.c,
 * ids.c, idmap.c, mountfd.c, mounts.c's scalars, main.c's and child.c's arguments of the processes they
 * start, this file's), their own fd tables, signal masks and process attributes. The static state of the
 * other paths is for forked supervisors only, and is not touched on this one: mounts.c's arrays (the mount
 * plan's entries and root, which mounts_setup refuses in a light S), cgroup.c's (nothing written without a
 * cgroup), seccomp.c's (filter_load reads a program length the server never sets), idmap.c's helper
 * arguments, idmount.c's, the static stacks of sharedvm.c and vfork.c. Nothing here allocates. S never forks:
 * its stack lies in a region, which the server's forks and any fork of S do not get (MADV_DONTFORK); the
 * processes it starts share the address space (vfork.c, sharedvm.c), and a light S that could not start its
 * init so says instead of forking it (main.c).
 *
 * Memory and privileges: the server and S are the same program of the same user in the same namespaces; the
 * command execs in an address space of its own. What could reach the shared memory before that: a sandbox's
 * init, which lives in the sandbox's user namespace beside the command. It drops its capabilities before the
 * command starts, and the address space is not dumpable from the root server's start (server.c; the
 * sandbox kind is for root launchers only, whose S writes the id maps itself and needs no dumpable flag), so a
 * tracer needs CAP_SYS_PTRACE in the host's user namespace. Nothing on a light spec's way makes the flag
 * dumpable again or changes ids (a change of them would reset it). x86-64 only, as sharedvm.c's copy of the
 * TLS, and Linux 5.16+ (kernel_ok); elsewhere every S is forked. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "launcher.h"
#include "spec.h"

#define LIGHT_MAX 64
#define LIGHT_S_STACK (256 * 1024)
#define LIGHT_C_STACK (256 * 1024)
#define LIGHT_I_STACK (256 * 1024)
#define PAGE 4096u
#define ROUND_UP(n) (((n) + PAGE - 1) & ~(size_t)(PAGE - 1))

struct light_region {
    /* CLONE_CHILD_CLEARTID words: the kernel zeroes them when S ends and when the process S vforks
     * execs or ends. S's is the tid field of its TCB copy (glibc reads it there). */
    pid_t *s_tid;
    pid_t c_running;
    /* A sandbox's init (C, started by S in this memory: sharedvm.c): the tid field of its TCB copy, which
     * the kernel zeroes at C's end; NULL until S has made the copy. The process C vforks for the command
     * (E) runs on c_stack and clears c_running, as the command's process of a spec without namespaces. */
    pid_t *i_tid;
    int n_fds;
    int fds[SERVER_MAX_FDS];
    /* S's TLS block and TCB (x86-64: below and at the thread pointer), and its DTV; then C's */
    char tls[8192] __attribute__((aligned(64)));
    uintptr_t dtv[2 * 64];
    char i_tls[8192] __attribute__((aligned(64)));
    uintptr_t i_dtv[2 * 64];
    /* the rest of the mapping, each area page-aligned, guard pages below the stacks */
    char *s_stack;          /* LIGHT_S_STACK bytes */
    char *c_stack;          /* LIGHT_C_STACK bytes */
    char *i_stack;          /* LIGHT_I_STACK bytes */
    struct spec *spec;
    char *raw;              /* SPEC_RAW_SIZE bytes */
};

_Thread_local struct light_region *light;

/* The server's regions (the server alone reads and writes this). */
static struct light_region *regions[LIGHT_MAX];
static int n_regions;

static int region_free(const struct light_region *r)
{
    pid_t *i_tid = __atomic_load_n(&r->i_tid, __ATOMIC_ACQUIRE);
    return (r->s_tid == NULL || __atomic_load_n(r->s_tid, __ATOMIC_ACQUIRE) == 0)
        && __atomic_load_n(&r->c_running, __ATOMIC_ACQUIRE) == 0
        && (i_tid == NULL || __atomic_load_n(i_tid, __ATOMIC_ACQUIRE) == 0);
}

/* One mapping: the region's header, a guard page, S's stack, a guard page, the command process's
 * stack, a guard page, the init's stack, the spec, the raw stream. NULL when it cannot be had (the
 * caller forks S instead). */
static struct light_region *region_new(void)
{
    size_t head = ROUND_UP(sizeof(struct light_region));
    size_t spec = ROUND_UP(sizeof(struct spec));
    size_t total = head + PAGE + LIGHT_S_STACK + PAGE + LIGHT_C_STACK + PAGE + LIGHT_I_STACK + spec
        + ROUND_UP(SPEC_RAW_SIZE);
    char *m = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED)
        return NULL;
    char *g1 = m + head, *g2 = g1 + PAGE + LIGHT_S_STACK, *g3 = g2 + PAGE + LIGHT_C_STACK;
    if (mprotect(g1, PAGE, PROT_NONE) < 0 || mprotect(g2, PAGE, PROT_NONE) < 0
        || mprotect(g3, PAGE, PROT_NONE) < 0) {
        (void)munmap(m, total);
        return NULL;
    }
    /* Not in the server's forks (a forked S, with namespaces): their address spaces would copy the page
     * tables of every region, and no forked S uses one. */
    if (madvise(m, total, MADV_DONTFORK) < 0) {
        (void)munmap(m, total);
        return NULL;
    }
    struct light_region *r = (struct light_region *)m;
    r->s_stack = g1 + PAGE;
    r->c_stack = g2 + PAGE;
    r->i_stack = g3 + PAGE;
    r->spec = (struct spec *)(r->i_stack + LIGHT_I_STACK);
    r->raw = (char *)r->spec + spec;
    return r;
}

/* S's start: the pointers of its region, then S as a forked one would run (server.c). */
static int light_entry(void *arg)
{
    light = arg;
    sched_normal();
    close(light->fds[light->n_fds]);        /* the reply socket: the server's */
    become_supervisor(light->fds, light->n_fds);
}

/* Whether this kernel ends only the dumping process at a core dump (Linux 5.16+, "coredump: Limit coredumps to
 * a single thread group"): before, a core dump killed every process sharing the address space, so a light S
 * that crashed would have taken the server and every other light S with it. */
static int kernel_ok(void)
{
    static int ok = -1;
    if (ok < 0) {
        struct utsname u;
        unsigned major = 0, minor = 0;
        ok = uname(&u) == 0 && sscanf(u.release, "%u.%u", &major, &minor) == 2
            && (major > 5 || (major == 5 && minor >= 16));
    }
    return ok;
}

/* A free region (a new one when none is), its TLS copied from the server's and S's tid word set, or NULL
 * (fork S then). *tp: the thread pointer for S's clone. */
static struct light_region *region_take(char **tp)
{
    if (!kernel_ok())
        return NULL;
    struct light_region *r = NULL;
    for (int i = 0; i < n_regions && r == NULL; i++)
        if (region_free(regions[i]))
            r = regions[i];
    if (r == NULL) {
        if (n_regions == LIGHT_MAX || (r = region_new()) == NULL)
            return NULL;
        regions[n_regions++] = r;
    }
    size_t tid_off;
    *tp = tls_copy(r->tls, sizeof r->tls, r->dtv, sizeof r->dtv / sizeof r->dtv[0], &tid_off);
    if (*tp == NULL)
        return NULL;
    r->s_tid = (pid_t *)(*tp + tid_off);    /* the server's tid until the clone sets S's */
    return r;
}

/* S's clone into region r, starting at entry. S is the JVM's child (CLONE_PARENT, see server.c);
 * CLONE_CHILD_SETTID and _CLEARTID: its tid in its TCB, and zero there once it has ended. */
static pid_t region_clone(struct light_region *r, char *tp, int (*entry)(void *), int *pidfd)
{
    pid_t pid = clone(entry, r->s_stack + LIGHT_S_STACK,
                      CLONE_VM | CLONE_SETTLS | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | CLONE_PARENT
                          | CLONE_PIDFD | SIGCHLD,
                      r, pidfd, tp, r->s_tid);
    if (pid < 0)
        __atomic_store_n(r->s_tid, 0, __ATOMIC_RELEASE);
    return pid;
}

pid_t light_clone(const int *fds, int n, int reply, int *pidfd)
{
    char *tp;
    struct light_region *r = region_take(&tp);
    if (r == NULL)
        return -2;
    memcpy(r->fds, fds, (size_t)n * sizeof(int));
    r->fds[n] = reply;
    r->n_fds = n;
    return region_clone(r, tp, light_entry, pidfd);
}

/* A standby S: cloned before its request, it takes the next one from the light socket itself (server.c
 * says why), tells the server so (which then clones the next standby), answers the JVM with its own pid
 * and pidfd, and runs as a light S cloned for that request would. */
static int standby_entry(void *arg)
{
    light = arg;
    sched_normal();
    standby_wait_fds();
    uint32_t flags = 0;
    int n = server_take_request(FD_LIGHT, light->fds, &flags);
    if (n > 0 && (flags & SERVER_QUIT)) {
        /* the JVM retires this standby's server: it reaps this process by the pid it gets here */
        send_pid_and_fd(light->fds[n - 1], getpid(), 0, -1);
        _exit(0);
    }
    if (n <= 0)
        _exit(0);   /* EOF (the JVM is gone), or a bad request (answered EINVAL): the server makes another */
    standby_taken();
    light->n_fds = n - 1;
    int reply = light->fds[n - 1];
    pid_t self = getpid();
    int pidfd = (int)syscall(SYS_pidfd_open, self, 0);
    /* without a pidfd the JVM reaps this process by its pid, and fails the spawn with the errno */
    send_pid_and_fd(reply, self, pidfd >= 0 ? 0 : errno, pidfd);
    if (pidfd < 0)
        _exit(126);
    close(pidfd);
    close(reply);
    become_supervisor(light->fds, light->n_fds);
}

pid_t light_arm(int *pidfd)
{
    char *tp;
    struct light_region *r = region_take(&tp);
    if (r == NULL)
        return -2;
    r->n_fds = 0;
    /* The standby's name from its first moment (a clone takes its parent's): never a second "jns-forkserver" */
    (void)prctl(PR_SET_NAME, "jns-standby", 0, 0, 0);
    pid_t pid = region_clone(r, tp, standby_entry, pidfd);
    (void)prctl(PR_SET_NAME, "jns-forkserver", 0, 0, 0);
    return pid;
}

struct spec *light_spec(void)
{
    return light->spec;
}

char *light_raw(void)
{
    return light->raw;
}

char *light_c_stack(size_t *size, pid_t **running)
{
    *size = LIGHT_C_STACK;
    *running = &light->c_running;
    return light->c_stack;
}

void light_init_area(struct light_init_area *a)
{
    a->stack = light->i_stack;
    a->stack_size = LIGHT_I_STACK;
    a->tls = light->i_tls;
    a->tls_size = sizeof light->i_tls;
    a->dtv = light->i_dtv;
    a->dtv_words = sizeof light->i_dtv / sizeof light->i_dtv[0];
}

void light_init_tid(pid_t *tid)
{
    __atomic_store_n(&light->i_tid, tid, __ATOMIC_RELEASE);
}
