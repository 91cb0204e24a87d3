/* The launcher's read-only pages (code, constants) mapped in one system call instead of one page
 * fault each at first touch, and the stack pages below the caller written in one.
 *
 * Why: a fork does not copy the page table entries of a file mapping that has no private pages
 * (the kernel lets the child fault them in again), and the launcher runs from a memfd. So every
 * supervisor S, a fork of the fork server, and every first process C, a fork of S, faulted in the
 * code and constants it ran: 16 instruction fetches and 12 reads per spawn (perf, the
 * exceptions:page_fault_user tracepoint, 519 spawns of /bin/true in a sandbox). On this project's
 * machine (a PVM guest, where a fault is expensive) a forked child's fault costs about 12 us with
 * the kernel's fault-around, MADV_POPULATE_READ about 0.4 us a page: a fork that touches 28
 * scattered pages of a 256-page file mapping ran 45-100 us sooner with the populate first.
 *
 * Best effort: a kernel before 5.14 refuses the advice (EINVAL), and then the pages are faulted in
 * as before; nothing else can fail that the faults would not also hit. Uses no heap. */
#include <elf.h>
#include <link.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/mman.h>

#include "launcher.h"

#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23
#endif

/* The stack below the caller's frame that S and C write (snprintf's frames reached 3 pages below;
 * the pages above are the fork's copy-on-write ones). 8 pages saved no more faults than 4 and cost a
 * live supervisor 12 kB more Pss (69 against 57 kB, 50 sandboxes alive; 54 kB before any of this). */
#define STACK_PREFAULT (4 * 4096)

/* The read-only PT_LOAD segments, page-aligned; found once: the fork server finds them at its
 * start, and its forks read them from a page they share with it, without the faults that
 * dl_iterate_phdr costs a fresh fork (its lock's page, the program headers). At most 4 (a static
 * PIE has 3: headers, code, constants). */
static struct { uintptr_t start, end; } ranges[4];
static int n_ranges = -1;

static int add_ranges(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    (void)data;
    uintptr_t page = (uintptr_t)getauxval(AT_PAGESZ);
    if (page == 0)
        page = 4096;
    for (int i = 0; i < info->dlpi_phnum && n_ranges < 4; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD || (ph->p_flags & PF_W) || ph->p_memsz == 0)
            continue;
        ranges[n_ranges].start = (info->dlpi_addr + ph->p_vaddr) & ~(page - 1);
        ranges[n_ranges].end = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
        n_ranges++;
    }
    return 1;   /* the first object is the launcher itself (static: the others are the vDSO) */
}

void prefault_image(void)
{
    if (n_ranges < 0) {
        n_ranges = 0;
        dl_iterate_phdr(add_ranges, NULL);
    }
    for (int i = 0; i < n_ranges; i++)
        /* best effort (see the top): EINVAL before Linux 5.14 leaves the faults as they were */
        (void)!madvise((void *)ranges[i].start, ranges[i].end - ranges[i].start, MADV_POPULATE_READ);
    /* The stack pages this process will write, from the one of this frame down: written in one
     * call (copied from the parent's or zeroed) rather than faulted one by one. Best effort too:
     * a range that leaves the stack's mapping (it is never grown by this) is refused, ENOMEM. */
    char here;
    uintptr_t top = ((uintptr_t)&here | 4095) + 1;
    (void)!madvise((void *)(top - STACK_PREFAULT), STACK_PREFAULT, MADV_POPULATE_WRITE);
}
