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
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "launcher.h"
#include "status.h"
#include "steps.h"

#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

struct mount_attr_v0 {
    uint64_t attr_set, attr_clr, propagation, userns_fd;
};

/* Read-only, with everything under it: a bind of the path onto itself, then read-only for the
 * whole subtree (mount_setattr with AT_RECURSIVE, kernel 5.12+; else a remount of the top, which is
 * the whole subtree here: a fresh proc has no submounts). */
static void make_read_only(const char *path)
{
    if (mount(path, path, NULL, MS_BIND | MS_REC, NULL) < 0)
        report_error(STEP_MASK_PROC, errno, "bind %s onto itself", path);
#ifdef SYS_mount_setattr
    struct mount_attr_v0 attr = { .attr_set = MOUNT_ATTR_RDONLY };
    if (syscall(SYS_mount_setattr, AT_FDCWD, path, AT_RECURSIVE, &attr, sizeof attr) == 0)
        return;
    if (errno != ENOSYS)
        report_error(STEP_MASK_PROC, errno, "mount_setattr %s read-only (recursive)", path);
#endif
    /* The flags proc was mounted with must be kept: a user namespace may not clear them. */
    struct statvfs sv;
    if (statvfs(path, &sv) < 0)
        report_error(STEP_MASK_PROC, errno, "statvfs %s", path);
    unsigned long f = MS_BIND | MS_REMOUNT | MS_RDONLY;
    if (sv.f_flag & ST_NOSUID) f |= MS_NOSUID;
    if (sv.f_flag & ST_NODEV) f |= MS_NODEV;
    if (sv.f_flag & ST_NOEXEC) f |= MS_NOEXEC;
    if (mount(NULL, path, NULL, f, NULL) < 0)
        report_error(STEP_MASK_PROC, errno, "remount %s read-only", path);
}

/* A file is covered by a bind of the caller's /dev/null (reads are empty, as runc does; a bind needs
 * a source in this mount namespace, so not the launcher's own /dev/null fd, which lies in the caller's);
 * a directory by an empty read-only tmpfs. */
static void mask(const char *dev_null, const char *path, int is_dir)
{
    if (is_dir) {
        if (mount("tmpfs", path, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0555,size=4k")
            < 0)
            report_error(STEP_MASK_PROC, errno, "mask %s with an empty read-only tmpfs", path);
        return;
    }
    if (mount(dev_null, path, NULL, MS_BIND, NULL) < 0)
        report_error(STEP_MASK_PROC, errno, "mask %s with /dev/null", path);
}

void mask_proc(const struct spec *s, const char *proc, const char *dev_null)
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
    char path[PATH_MAX];
    for (size_t i = 0; i < sizeof masked / sizeof masked[0]; i++) {
        int n = snprintf(path, sizeof path, "%s/%s", proc, masked[i]);
        if (n < 0 || (size_t)n >= sizeof path)
            report_error(STEP_MASK_PROC, ENAMETOOLONG, "%s/%s", proc, masked[i]);
        struct stat st;
        if (lstat(path, &st) < 0) {
            if (errno == ENOENT)
                continue;
            report_error(STEP_MASK_PROC, errno, "lstat %s", path);
        }
        mask(dev_null, path, S_ISDIR(st.st_mode));
    }
    for (size_t i = 0; i < sizeof read_only / sizeof read_only[0]; i++) {
        int n = snprintf(path, sizeof path, "%s/%s", proc, read_only[i]);
        if (n < 0 || (size_t)n >= sizeof path)
            report_error(STEP_MASK_PROC, ENAMETOOLONG, "%s/%s", proc, read_only[i]);
        struct stat st;
        if (lstat(path, &st) < 0) {
            if (errno == ENOENT)
                continue;
            report_error(STEP_MASK_PROC, errno, "lstat %s", path);
        }
        make_read_only(path);
    }
}
