/* The sandbox's cgroup (CGROUP and CGROUP_SET records): S creates it before the clone, places C in it
 * before C runs anything of the command, and at the end kills what is left in it, reads what the sandbox
 * used and removes it. docs/launcher-protocol.md, "Cgroup". Only S calls these (cg_enter_namespace: C). */
#ifndef JNS_CGROUP_H
#define JNS_CGROUP_H

#include <stddef.h>
#include <sys/types.h>

#include "spec.h"

/* S, before any join (the paths are the JVM's view): mkdir every directory, open it, write the limits.
 * Reports and exits on failure (removing what it made). No-op without CGROUP records. */
void cg_create(const struct spec *s);

/* S: clone with `flags` (CLONE_NEW* | SIGCHLD semantics as raw_clone), straight into the v2 directory with
 * clone3(CLONE_INTO_CGROUP) where the kernel has it. With a cgroup, CLONE_NEWCGROUP is left out here: C
 * unshares it once it is in its cgroups (cg_enter_namespace), so that its cgroup namespace is rooted there
 * in every hierarchy. Returns the pid (0 in the child) or -1 with errno. */
pid_t cg_clone(const struct spec *s, unsigned long flags);

/* The clone flags cg_clone uses without clone3: `flags` less CLONE_NEWCGROUP when the sandbox has a
 * cgroup (C unshares it later, cg_enter_namespace). For a clone made elsewhere (nested.c). */
unsigned long cg_clone_flags(unsigned long flags);

/* S, after clone and before C is released: moves C into every directory clone3 did not place it in.
 * Reports and exits on failure. */
void cg_place(pid_t c);

/* C, right after it is released: unshare(CLONE_NEWCGROUP) when the spec asked for a new cgroup namespace
 * and has a cgroup (cg_clone left the flag out), and report its inode (NSIDS). */
void cg_enter_namespace(const struct spec *s);

/* S: SIGKILL every process in the sandbox's cgroup: cgroup.kill on v2 (Linux 5.14), else freeze (v1
 * freezer), kill every pid in cgroup.procs, thaw. Race-free against forks with either. Returns 0 or an
 * errno; a no-op returning 0 without a cgroup. For the supervisor's kill points (the lifecycle's
 * end-of-sandbox kill may call it before reaping). */
int cg_kill(void);

/* S, when the sandbox has ended (C reaped): cg_kill, wait until the cgroup is empty, write the CGROUP
 * status record (what the sandbox used), remove the directories. No-op without a cgroup. */
void cg_finish(void);

/* Reads what the sandbox used into buf: "memory_peak=N oom_kill=N cpu_usec=N pids_peak=N" (figures the
 * host lacks left out). Returns the length. */
size_t cg_read_stats(char *buf, size_t size);

/* Removes the directories S made (rmdir; a bounded retry while the last processes leave). Returns 0, or
 * the errno of the first that stayed. */
int cg_remove(void);

#endif
