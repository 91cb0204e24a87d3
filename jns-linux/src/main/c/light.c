/* A light supervisor: S in the fork server's address space (CLONE_VM) instead of in a fork of it, for a
 * spawn that makes and joins no namespace and needs nothing that would have S write memory the server or
 * another supervisor uses (spec_light; the JVM asks for it, SpecEncoder.light, and S checks).
 *
 * Why: the fork of the server was what such a spawn paid most for, on top of a plain fork and exec, on
 * this project's machine (a PVM guest, where page-table changes are expensive): the server's clone took
 * about 0.3 ms (strace -T, 411 spawns), then S took 17 page faults of its own (the copy-on-write of its
 * stack and the pages it writes, 12-20 us each) and the server 2 more, and S's address space was torn
 * down at its exit. A light S runs in a region of the server's memory that the server keeps for the next
 * one once this one has ended: its stack, its thread-local storage, its spec and the raw stream, and the
 * stack on which it vforks the command's process (vfork.c); a region is used again only when the
 * kernel has cleared both words that say S and that process are in it (CLONE_CHILD_CLEARTID: at S's end,
 * and at the command process's exec or end). At most LIGHT_MAX regions; beyond, S is forked as before.
 *
 * What it must not do: write anything static that the server or another light S uses. What S and the
 * process it vforks write on a light spec's way (main.c's steps without namespaces, joins, ids, cgroups,
 * seccomp or mounts; child.c's child_main and exec_steps) is the region (the spec, argv[0] for ARGV0),
 * thread-local storage (status.c, fds.c, ids.c, main.c's spec pointer and this file's), their own fd
 * tables, signal masks and process attributes. The static state of the other paths is for forked
 * supervisors only, and is not touched on this one: mounts.c's (mounts_setup runs only with something
 * to mount), cgroup.c's (nothing written without a cgroup), seccomp.c's (filter_load reads a program
 * length the server never sets), idmap.c's, idmount.c's, and the init's and its child's stacks
 * (sharedvm.c, vfork.c's vm_child_start, which refuse a light S). Nothing here allocates. S never forks: its
 * stack lies in a region, which the server's forks and any fork of S do not get (MADV_DONTFORK); the
 * process it starts shares the address space (vfork.c).
 *
 * Memory and privileges: the server and S are the same program of the same user in the same namespaces;
 * the command, which execs in an address space of its own, could reach neither more nor less than
 * before. Nothing on a light spec's way changes what is the address space's own: not the dumpable flag
 * (a light S leaves it as the server has it, see main.c's step 8), nor the ids or a larger capability set
 * (a change of them would reset the flag). x86-64 only, as sharedvm.c's copy of the TLS, and Linux 5.16+
 * (kernel_ok); elsewhere every S is forked. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "launcher.h"
#include "spec.h"

#define LIGHT_MAX 64
#define LIGHT_S_STACK (256 * 1024)
#define LIGHT_C_STACK (256 * 1024)
#define PAGE 4096u
#define ROUND_UP(n) (((n) + PAGE - 1) & ~(size_t)(PAGE - 1))

struct light_region {
    /* CLONE_CHILD_CLEARTID words: the kernel zeroes them when S ends and when the process S vforks
     * execs or ends. S's is the tid field of its TCB copy (glibc reads it there). */
    pid_t *s_tid;
    pid_t c_running;
    int n_fds;
    int fds[SERVER_MAX_FDS];
    /* S's TLS block and TCB (x86-64: below and at the thread pointer), and its DTV */
    char tls[8192] __attribute__((aligned(64)));
    uintptr_t dtv[2 * 64];
    /* the rest of the mapping, each area page-aligned, guard pages below the stacks */
    char *s_stack;          /* LIGHT_S_STACK bytes */
    char *c_stack;          /* LIGHT_C_STACK bytes */
    struct spec *spec;
    char *raw;              /* SPEC_RAW_SIZE bytes */
};

_Thread_local struct light_region *light;

/* The server's regions (the server alone reads and writes this). */
static struct light_region *regions[LIGHT_MAX];
static int n_regions;

static int region_free(const struct light_region *r)
{
    return (r->s_tid == NULL || __atomic_load_n(r->s_tid, __ATOMIC_ACQUIRE) == 0)
        && __atomic_load_n(&r->c_running, __ATOMIC_ACQUIRE) == 0;
}

/* One mapping: the region's header, a guard page, S's stack, a guard page, the command process's
 * stack, the spec, the raw stream. NULL when it cannot be had (the caller forks S instead). */
static struct light_region *region_new(void)
{
    size_t head = ROUND_UP(sizeof(struct light_region));
    size_t spec = ROUND_UP(sizeof(struct spec));
    size_t total = head + PAGE + LIGHT_S_STACK + PAGE + LIGHT_C_STACK + spec + ROUND_UP(SPEC_RAW_SIZE);
    char *m = mmap(NULL, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (m == MAP_FAILED)
        return NULL;
    char *g1 = m + head, *g2 = g1 + PAGE + LIGHT_S_STACK;
    if (mprotect(g1, PAGE, PROT_NONE) < 0 || mprotect(g2, PAGE, PROT_NONE) < 0) {
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
    r->spec = (struct spec *)(r->c_stack + LIGHT_C_STACK);
    r->raw = (char *)r->spec + spec;
    return r;
}

/* S's start: the pointers of its region, then S as a forked one would run (server.c). */
static int light_entry(void *arg)
{
    light = arg;
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

pid_t light_clone(const int *fds, int n, int reply, int *pidfd)
{
    if (!kernel_ok())
        return -2;
    struct light_region *r = NULL;
    for (int i = 0; i < n_regions && r == NULL; i++)
        if (region_free(regions[i]))
            r = regions[i];
    if (r == NULL) {
        if (n_regions == LIGHT_MAX || (r = region_new()) == NULL)
            return -2;
        regions[n_regions++] = r;
    }
    size_t tid_off;
    char *tp = tls_copy(r->tls, sizeof r->tls, r->dtv, sizeof r->dtv / sizeof r->dtv[0], &tid_off);
    if (tp == NULL)
        return -2;
    r->s_tid = (pid_t *)(tp + tid_off);     /* the server's tid until the clone sets S's */
    memcpy(r->fds, fds, (size_t)n * sizeof(int));
    r->fds[n] = reply;
    r->n_fds = n;
    /* S is the JVM's child (CLONE_PARENT, see server.c); CLONE_CHILD_SETTID and _CLEARTID: its tid in its
     * TCB, and zero there once it has ended. */
    pid_t pid = clone(light_entry, r->s_stack + LIGHT_S_STACK,
                      CLONE_VM | CLONE_SETTLS | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | CLONE_PARENT
                          | CLONE_PIDFD | SIGCHLD,
                      r, pidfd, tp, r->s_tid);
    if (pid < 0)
        __atomic_store_n(r->s_tid, 0, __ATOMIC_RELEASE);
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
