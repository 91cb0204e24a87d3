/* C, the sandbox's first process (its init, with a pid namespace), started in S's address space
 * (CLONE_VM) instead of in a copy of it, where main.c's c_shares_memory allows (a root S, and no RUN_AS:
 * nothing of another uid may reach S's memory through C).
 *
 * Why: on this project's machine (a PVM guest, where page-table changes are expensive) a copy of S's
 * address space cost a sandbox more than any step of its own: the copy of the page tables at C's
 * clone, C's first writes (copy-on-write faults), and, at the sandbox's end, the teardown of C's
 * address space, which the kernel does before S hears that C has ended (perf, cpu-clock, 4 s of
 * spawns: 0.57-0.62 ms of CPU per spawn in the init's exit_mmap alone). Sharing S's cut a spawn of
 * /bin/true in the benchmark's sandbox by about a quarter (issue 17, session 10).
 *
 * What it takes: C runs beside S for the sandbox's whole life, on a stack of its own, so it also gets
 * thread-local storage of its own (CLONE_SETTLS): a copy of S's TLS block and thread control block,
 * so that errno and the launcher's per-process state (status.c, fds.c: _Thread_local) are C's own. E,
 * the init's child, shares C's until its exec, as before (vfork.c). glibc keeps the layout of its
 * TLS private: the copy is made only when what this process sees matches what glibc's own debugger
 * descriptors (libthread_db's) and the ELF TLS segment say, else C is forked as before. x86-64 only
 * (TLS variant II: the block lies below the thread pointer); other machines fork C. Neither S nor C
 * may touch the heap once C exists (the launcher's rule for every child in a shared address space). */
#include <errno.h>
#include <link.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "launcher.h"

#if defined(__x86_64__)
/* glibc's descriptors of its own structures for libthread_db (nptl_db): the size of struct pthread (the
 * TCB), and {bits, count, offset} of its tid field. */
extern const uint32_t _thread_db_sizeof_pthread;
extern const uint32_t _thread_db_pthread_tid[3];

static char c_stack[256 * 1024] __attribute__((aligned(16))) LAUNCHER_LARGE;
/* C's TLS block (below its thread pointer) and TCB (at it), and its DTV: 64 slots of two words, as
 * glibc's static one. */
static char c_tls[8192] __attribute__((aligned(64)));
static uintptr_t c_dtv[2 * 64];

/* The launcher's TLS segment: its size and alignment, found once per address space. In the fork server
 * that is at its first light supervisor's clone, before any exists: light supervisors only read it, and
 * never call dl_iterate_phdr, whose lock glibc takes without atomics in a process it believes
 * single-threaded (each of them and the server), so that two of them could both take it, or one sleep on
 * it for ever (seen: SIGABRT in pthread_mutex_lock's check of the owner, and supervisors asleep in
 * __lll_lock_wait on _dl_load_write_lock). */
struct tls_segment {
    size_t memsz, align;
};
static struct tls_segment tls_segment;
static int tls_segment_known;

static int find_tls(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    struct tls_segment *t = data;
    for (int i = 0; i < info->dlpi_phnum; i++)
        if (info->dlpi_phdr[i].p_type == PT_TLS) {
            t->memsz = info->dlpi_phdr[i].p_memsz;
            t->align = info->dlpi_phdr[i].p_align;
        }
    return 1;   /* the first object is the launcher itself (static) */
}

/* A thread pointer for a new process in this address space: a copy of this thread's TLS block and TCB
 * in `area` (`area_size` bytes, 64-aligned), its DTV in `dtv_area` (`dtv_words` words), with the TCB's
 * self pointers and the DTV's slot of the launcher moved to the copy; NULL when the layout is not what
 * it should be. *tid_offset: where the TCB keeps the thread's tid (glibc's raise() reads it). */
char *tls_copy(char *area, size_t area_size, uintptr_t *dtv_area, size_t dtv_words, size_t *tid_offset)
{
    char *tp = __builtin_thread_pointer();
    size_t tcb = _thread_db_sizeof_pthread;
    if (!tls_segment_known) {
        if (light != NULL)
            return NULL;    /* cannot be: the server found it before it cloned this supervisor */
        tls_segment = (struct tls_segment){ 0, 1 };
        dl_iterate_phdr(find_tls, &tls_segment);
        tls_segment_known = 1;
    }
    struct tls_segment seg = tls_segment;
    size_t align = seg.align ? seg.align : 1;
    size_t off = (seg.memsz + align - 1) / align * align;   /* the launcher's block: tp - off .. tp */
    size_t start = (off + 63) & ~(size_t)63;                /* the copy's tp, 64-aligned as glibc's TCB */
    if (align > 64 || tcb < 24 || _thread_db_pthread_tid[2] + sizeof(pid_t) > tcb
        || start + tcb > area_size)
        return NULL;
    /* The layout this relies on: errno in the block, the TCB's first and third words pointing at it
     * (tcbhead_t's tcb and self), the DTV's slot 1 (the launcher) at the block. */
    char *err = (char *)&errno;
    uintptr_t *dtv = *(uintptr_t **)(tp + 8);
    if (err < tp - off || err >= tp || *(char **)tp != tp || *(char **)(tp + 16) != tp || dtv == NULL
        || dtv[-2] + 2 > dtv_words / 2)
        return NULL;
    if ((char *)dtv[2] != tp - off)
        return NULL;
    char *ntp = area + start;
    memcpy(ntp - off, tp - off, off + tcb);
    memcpy(dtv_area, dtv - 2, (dtv[-2] + 2) * 2 * sizeof(uintptr_t));
    uintptr_t *ndtv = dtv_area + 2;
    ndtv[2] = (uintptr_t)(ntp - off);
    *(char **)ntp = ntp;
    *(uintptr_t **)(ntp + 8) = ndtv;
    *(char **)(ntp + 16) = ntp;
    *tid_offset = _thread_db_pthread_tid[2];
    return ntp;
}

pid_t shared_clone(int (*fn)(void *), void *arg, unsigned long flags)
{
    /* A light supervisor (light.c) runs in the fork server's memory, where these static areas are every
     * light supervisor's: its C gets the areas of its region instead. */
    struct light_init_area a = { c_stack, sizeof c_stack, c_tls, sizeof c_tls, c_dtv,
                                 sizeof c_dtv / sizeof c_dtv[0] };
    if (light != NULL)
        light_init_area(&a);
    size_t tid_off;
    char *ntp = tls_copy(a.tls, a.tls_size, a.dtv, a.dtv_words, &tid_off);
    if (ntp == NULL)
        return -2;
    /* The top of C's stack written in one call rather than faulted page by page (prefault.c says
     * why); best effort. A region's stack keeps its pages from one supervisor to the next. */
    if (light == NULL)
        (void)!madvise(a.stack + a.stack_size - 4 * 4096, 4 * 4096, MADV_POPULATE_WRITE);
    pid_t *tid = (pid_t *)(ntp + tid_off);
    /* CLONE_CHILD_SETTID: the copy's tid is C's own (as C sees it), as glibc keeps for a thread. In a
     * region, also CLONE_CHILD_CLEARTID: the kernel zeroes it at C's end, and the fork server uses the
     * region again only then (C may outlive a killed S). The word is zero until the clone (the copy of
     * S's TCB put S's tid there: an S killed before its clone would have left it set for ever, and the
     * region busy), and CLONE_PARENT_SETTID writes C's pid there before C can run, as vfork.c does. */
    unsigned long words = 0;
    if (light != NULL) {
        __atomic_store_n(tid, 0, __ATOMIC_RELEASE);
        light_init_tid(tid);
        words = CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID;
    }
    return clone(fn, a.stack + a.stack_size,
                 (int)(flags | CLONE_VM | CLONE_SETTLS | CLONE_CHILD_SETTID | words | SIGCHLD), arg,
                 light != NULL ? tid : NULL, ntp, tid);
}
#else
char *tls_copy(char *area, size_t area_size, uintptr_t *dtv_area, size_t dtv_words, size_t *tid_offset)
{
    (void)area;
    (void)area_size;
    (void)dtv_area;
    (void)dtv_words;
    (void)tid_offset;
    return NULL;
}

pid_t shared_clone(int (*fn)(void *), void *arg, unsigned long flags)
{
    (void)fn;
    (void)arg;
    (void)flags;
    return -2;
}
#endif
