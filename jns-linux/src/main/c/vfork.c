/* Children that share their parent's address space until they exec: the cheap way to start a process
 * that is about to exec. Making a copy of an address space and tearing it down cost 0.85 ms per fork
 * on the 2-core VM the project is measured on (fork + _exit of a small static process), against
 * 0.08 ms for a CLONE_VM child; the exec makes a new address space anyway. posix_spawn and Go's
 * forkExec do the same. */
#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "launcher.h"
#include "status.h"

/* One stack serves every such child: after vfork_run the parent sleeps until the child's exec or
 * exit, and vm_child_start's caller waits for that (vm_child_wait) before it starts another. */
static char stack[256 * 1024] __attribute__((aligned(16))) LAUNCHER_LARGE;

/* What the child's steps write for themselves (fds.c moves the status fd and the sentinel above the
 * passed fds; child.c takes the sentinel, forgets the child, closes proc_fd) lands in the parent's
 * memory too: the parent's values are kept here and put back after. */
static void vm_save(struct vm_globals *g)
{
    g->status_fd = status_fd;
    g->sentinel_fd = status_sentinel_fd;
    g->drain_spec = status_drain_spec;
    g->child = status_child;
    g->proc_fd = proc_fd;
}

static void vm_restore(const struct vm_globals *g)
{
    status_fd = g->status_fd;
    status_sentinel_fd = g->sentinel_fd;
    status_drain_spec = g->drain_spec;
    status_child = g->child;
    proc_fd = g->proc_fd;
}

/* A process that runs on the stack (a vfork_run child that has not exec'd) must not start another
 * child on it: that child would overwrite its parent's frames. No such path exists; this keeps it so. */
static int on_own_stack(void)
{
    char probe;
    uintptr_t p = (uintptr_t)&probe, base = (uintptr_t)stack;
    if (p - base >= sizeof stack)
        return 0;
    errno = EDEADLK;
    return 1;
}

pid_t vfork_run(int (*fn)(void *), void *arg)
{
    if (on_own_stack())
        return -1;
    /* A light S (light.c) vforks on its region's stack: the static one is every light S's. The kernel
     * zeroes *running at the child's exec or end, and the fork server uses the region again only then
     * (should S itself be killed meanwhile, the child may still run on that stack). */
    char *top = stack + sizeof stack;
    pid_t *running = NULL;
    if (light) {
        size_t size;
        top = light_c_stack(&size, &running) + size;
    }
    struct vm_globals own;
    vm_save(&own);
    /* CLONE_PARENT_SETTID: the kernel writes the child's pid into the word before the child can run, and
     * nothing when the clone fails; a word set beforehand would stay set for ever if S were killed before the
     * clone, and the region with it. */
    pid_t pid = running ? clone(fn, top, CLONE_VM | CLONE_VFORK | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID
                                             | SIGCHLD, arg, running, NULL, running)
                        : clone(fn, top, CLONE_VM | CLONE_VFORK | SIGCHLD, arg);
    vm_restore(&own);
    return pid;
}

pid_t vm_child_start(int (*fn)(void *), void *arg, struct vm_globals *own)
{
    if (on_own_stack())
        return -1;
    /* The kernel zeroes the word and wakes its futex when the child's exec or exit releases this
     * address space (CLONE_CHILD_CLEARTID, as pthread_join's wait): no fd for the child to keep. The
     * init of a light sandbox (light.c) starts E on its region's stack, and the word is the region's:
     * the fork server uses the region again only once it is zero (E may outlive a killed init). */
    char *top = stack + sizeof stack;
    own->running_word = 0;
    own->running = &own->running_word;
    if (light) {
        size_t size;
        top = light_c_stack(&size, &own->running) + size;
    }
    vm_save(own);
    /* The child's pid in the word from the clone on (CLONE_PARENT_SETTID, as vfork_run): not set beforehand,
     * where an init killed before its clone would leave it set, and its region busy, for ever. */
    pid_t pid = clone(fn, top, CLONE_VM | CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD, arg, own->running,
                      NULL, own->running);
    return pid;
}

void vm_child_wait(struct vm_globals *own)
{
    /* A shared (not _PRIVATE) futex: the kernel's wake at the exec or exit is a shared one. The word
     * is read by the syscall; EAGAIN (it changed) and EINTR just look again. */
    for (;;) {
        pid_t v = __atomic_load_n(own->running, __ATOMIC_ACQUIRE);
        if (v == 0)
            break;
        (void)sys_noerrno(SYS_futex, (long)own->running, FUTEX_WAIT, v, 0, 0);
    }
    vm_restore(own);
}

long sys_noerrno(long nr, long a, long b, long c, long d, long e)
{
#if defined(__x86_64__)
    register long r10 __asm__("r10") = d;
    register long r8 __asm__("r8") = e;
    long ret;
    __asm__ volatile("syscall"
                     : "=a"(ret)
                     : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
                     : "rcx", "r11", "memory");
    return ret;
#elif defined(__aarch64__)
    register long x8 __asm__("x8") = nr;
    register long x0 __asm__("x0") = a;
    register long x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c;
    register long x3 __asm__("x3") = d;
    register long x4 __asm__("x4") = e;
    __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4) : "memory");
    return x0;
#else
#error "sys_noerrno: x86-64 and arm64 only"
#endif
}
