/* C: masks a proc the launcher has just mounted, as runc does for a container (its "masked" and
 * "read-only" paths): what a sandbox's processes could use against the host — global sysctls, the
 * kernel's memory, its keys, interrupt and bus settings, scheduler internals — becomes read-only or
 * empty. Item 2 of issue 13; OPTIONS bit 32 turns it off.
 *
 * A proc mount shows the pid namespace it was mounted from, but much of it (sysctls, kcore, sysrq)
 * is the whole machine's. The kernel still checks permissions on each file (in a user namespace
 * most writes there fail anyway), but a root caller's sandbox may hold real privileges, and a
 * read-only /proc/sys is what every container runtime gives: defence in depth. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <string.h>
#include <unistd.h>

#include "launcher.h"
#include "mountfd.h"
#include "status.h"
#include "steps.h"

/* Each name is looked up from an fd of the new proc's root, and the binds go from fd to fd (mountfd.c:
 * open_tree, mount_setattr on the detached copy, move_mount). A path of the new proc for mount(2) went
 * through /proc/self/fd/N each time, which cost more than the mounts (before session 17, as the benchmark
 * ran it here: 14 path lookups and 11 mounts, about 0.25 ms of C's time in every sandbox with a proc).
 * A name is looked up before any copy is made: a copy that is never attached is dissolved at its close,
 * which waits for an RCU grace period. */

/* A file is covered by a bind of the caller's /dev/null (reads are empty, as runc does; a bind needs a
 * source in this mount namespace, so not the launcher's own /dev/null fd, which lies in the caller's);
 * a directory by an empty read-only tmpfs. */
static void mask(int proc_root, int caller_root, int *dev_null, const char *name, int is_dir)
{
    if (is_dir) {
        char path[PATH_MAX];
        mfd_fd_path(path, proc_root);
        size_t n = strlen(path);
        if (n + 1 + strlen(name) + 1 > sizeof path)
            report_error(STEP_MASK_PROC, ENAMETOOLONG, "/proc/%s", name);
        path[n] = '/';
        memcpy(path + n + 1, name, strlen(name) + 1);
        if (mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0555,size=4k")
            < 0)
            report_error(STEP_MASK_PROC, errno, "mask /proc/%s with an empty read-only tmpfs", name);
        return;
    }
    if (*dev_null < 0 && (*dev_null = openat(caller_root, "dev/null", O_PATH | O_CLOEXEC)) < 0)
        report_error(STEP_MASK_PROC, errno, "open the caller's /dev/null to mask /proc/%s", name);
    if (mfd_bind(*dev_null, proc_root, name, 0, 0) < 0)
        report_error(STEP_MASK_PROC, errno, "mask /proc/%s with /dev/null: %s", name, mfd_what);
}

void mask_proc(const struct spec *s, int proc_root, int caller_root)
{
    if (s->options & OPTION_UNMASKED_PROC)
        return;
    /* runc's defaults (its example spec's maskedPaths and readonlyPaths under /proc), each only where
     * this kernel has it. Masks first: none lies under a read-only path. */
    static const char *const read_only[] = { "sys", "sysrq-trigger", "irq", "bus", "fs" };
    static const char *const masked[] = {
        "kcore", "keys", "timer_list", "timer_stats", "sched_debug", "latency_stats", "acpi", "asound",
        "scsi",
    };
    int dev_null = -1;
    for (size_t i = 0; i < sizeof masked / sizeof masked[0]; i++) {
        struct stat st;
        if (fstatat(proc_root, masked[i], &st, AT_SYMLINK_NOFOLLOW) < 0) {
            if (errno == ENOENT)
                continue;
            report_error(STEP_MASK_PROC, errno, "lstat /proc/%s", masked[i]);
        }
        mask(proc_root, caller_root, &dev_null, masked[i], S_ISDIR(st.st_mode));
    }
    if (dev_null >= 0)
        close(dev_null);
    /* Read-only, with everything under it: a copy of the node, made read-only all the way down before
     * it is attached onto the node itself (mfd_bind; a bind and then mount_setattr or a remount on
     * kernels without the new mount API). */
    for (size_t i = 0; i < sizeof read_only / sizeof read_only[0]; i++) {
        int node = openat(proc_root, read_only[i], O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (node < 0) {
            if (errno == ENOENT)
                continue;
            report_error(STEP_MASK_PROC, errno, "open /proc/%s", read_only[i]);
        }
        if (mfd_bind(node, proc_root, read_only[i], MFD_RDONLY, 1) < 0)
            report_error(STEP_MASK_PROC, errno, "make /proc/%s read-only: %s", read_only[i], mfd_what);
        close(node);
    }
}
