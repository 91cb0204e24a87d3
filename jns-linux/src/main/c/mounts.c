/* C: the mount plan and the root switch (docs/launcher-protocol.md, "Mount plan").
 * Runs in C's own address space, in the new mount namespace, after propagation was set: nothing
 * done here can reach the caller's namespace. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "launcher.h"
#include "status.h"
#include "steps.h"

/* With a root switch: the staging tmpfs is mounted on BASE, pivoted into, and the caller's root
 * then lies at OLD_ROOT (sources are found there) and the new root is built at NEW_ROOT. */
#ifndef MOVE_MOUNT_F_EMPTY_PATH
#define MOVE_MOUNT_F_EMPTY_PATH 0x00000004
#endif

#define BASE "/tmp"
#define OLD_ROOT "/oldroot"
#define NEW_ROOT "/newroot"

static const char *src_prefix = "";
static const char *dst_prefix = "";

/* The devices of the file systems this plan mounted (tmpfs, dev, the empty root): only there may
 * missing destinations be created, so that a plan never creates files on a host file system. */
static dev_t own_devs[SPEC_MAX_MOUNTS + 1];
static int n_own;

static const char *op_name(uint32_t op)
{
    static const char *const names[] = {
        "?", "bind", "roBind", "devBind", "tmpfs", "proc", "dev", "mqueue", "dir", "symlink",
        "file", "remountReadOnly",
    };
    return op <= MOUNT_OP_MAX ? names[op] : "?";
}

static int cur_index;
static const struct mount_entry *cur;

/* Every failure of an entry: "entry N (op [src ->] dst): what". Java maps N to the plan. */
__attribute__((noreturn, format(printf, 2, 3)))
static void fail(int err, const char *fmt, ...)
{
    char what[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    if (cur == NULL)
        report_error(STEP_SWITCH_ROOT, err, "%s", what);
    if (cur->src[0] != '\0')
        report_error(STEP_MOUNT_PLAN, err, "entry %d (%s %s -> %s): %s", cur_index,
                     op_name(cur->op), cur->src, cur->dst, what);
    report_error(STEP_MOUNT_PLAN, err, "entry %d (%s %s): %s", cur_index, op_name(cur->op),
                 cur->dst, what);
}

static void join(char *out, const char *prefix, const char *path)
{
    int n = snprintf(out, PATH_MAX, "%s%s", prefix, path);
    if (n < 0 || n >= PATH_MAX)
        fail(ENAMETOOLONG, "path too long");
}

static void own_add(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0)
        fail(errno, "stat %s", path);
    own_devs[n_own++] = st.st_dev;
}

static int is_own(const char *path)
{
    struct stat st;
    if (stat(path, &st) < 0)
        return 0;
    for (int i = 0; i < n_own; i++)
        if (own_devs[i] == st.st_dev)
            return 1;
    return 0;
}

/* May a missing `path` be created? Only when its parent lies on a file system of the plan. */
static void check_creatable(char *path)
{
    char *slash = strrchr(path, '/');
    if (slash == NULL)
        fail(EINVAL, "%s", path);
    char c = slash[1];
    slash[1] = '\0';
    int ok = is_own(path);
    slash[1] = c;
    if (!ok)
        fail(ENOENT, "%s does not exist, and jns creates destinations only inside the sandbox's own "
             "tmpfs mounts (or an empty root)", path + strlen(dst_prefix));
}

/* mkdir -p of every directory above `path` (not path itself), each checked by check_creatable. */
static void make_parents(char *path)
{
    size_t skip = strlen(dst_prefix) + 1;
    for (char *p = path + skip; (p = strchr(p, '/')) != NULL; p++) {
        *p = '\0';
        struct stat st;
        if (stat(path, &st) < 0) {
            if (errno != ENOENT)
                fail(errno, "stat %s", path);
            check_creatable(path);
            if (mkdir(path, 0755) < 0 && errno != EEXIST)
                fail(errno, "mkdir %s", path);
        } else if (!S_ISDIR(st.st_mode)) {
            fail(ENOTDIR, "%s is not a directory", path + strlen(dst_prefix));
        }
        *p = '/';
    }
}

/* Makes sure `path` exists as a directory (dir) or a non-directory (!dir). */
static void ensure_node(char *path, int dir, mode_t mode)
{
    struct stat st;
    if (stat(path, &st) == 0) {
        if (dir && !S_ISDIR(st.st_mode))
            fail(ENOTDIR, "destination %s is a file, a directory is needed",
                 path + strlen(dst_prefix));
        if (!dir && S_ISDIR(st.st_mode))
            fail(EISDIR, "destination %s is a directory, the source is not",
                 path + strlen(dst_prefix));
        return;
    }
    if (errno != ENOENT)
        fail(errno, "stat %s", path);
    make_parents(path);
    check_creatable(path);
    if (dir) {
        if (mkdir(path, mode) < 0)
            fail(errno, "mkdir %s", path);
        if (chmod(path, mode) < 0)
            fail(errno, "chmod %s", path);
        return;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0)
        fail(errno, "create %s", path);
    close(fd);
}

/* The per-mount flags a remount must keep: in a user namespace the kernel refuses to clear
 * nosuid, nodev, noexec and the atime flags of a mount that came from the parent namespace. */
static unsigned long kept_flags(const char *path)
{
    struct statvfs sv;
    if (statvfs(path, &sv) < 0)
        fail(errno, "statvfs %s", path);
    unsigned long f = 0;
    if (sv.f_flag & ST_NOSUID) f |= MS_NOSUID;
    if (sv.f_flag & ST_NODEV) f |= MS_NODEV;
    if (sv.f_flag & ST_NOEXEC) f |= MS_NOEXEC;
    if (sv.f_flag & ST_NOATIME) f |= MS_NOATIME;
    if (sv.f_flag & ST_NODIRATIME) f |= MS_NODIRATIME;
    if (sv.f_flag & ST_RELATIME) f |= MS_RELATIME;
    if (sv.f_flag & ST_RDONLY) f |= MS_RDONLY;
    return f;
}

static void remount(const char *path, unsigned long add)
{
    unsigned long f = kept_flags(path);
    if ((f & add) == add)
        return;
    if (mount("none", path, NULL, MS_BIND | MS_REMOUNT | f | add, NULL) < 0)
        fail(errno, "remount %s%s%s", path + strlen(dst_prefix), (add & MS_RDONLY) ? " ro" : "",
             (add & MS_NODEV) ? " nodev" : "");
}

static void do_bind(const struct mount_entry *m, char *src, char *dst)
{
    struct stat st;
    if (stat(src, &st) < 0) {
        if (errno == ENOENT && (m->flags & MOUNT_FLAG_TRY))
            return;
        fail(errno, "source %s", m->src);
    }
    ensure_node(dst, S_ISDIR(st.st_mode), S_ISDIR(st.st_mode) ? 0755 : 0644);
    /* An idmapped bind arrives as a detached tree that S made (idmount.c): attach it. */
    int tree = idmount_take(cur_index);
    if (tree >= 0) {
        if (syscall(SYS_move_mount, tree, "", AT_FDCWD, dst, MOVE_MOUNT_F_EMPTY_PATH) < 0)
            fail(errno, "attach the idmapped tree (move_mount)");
        if (close(tree) < 0)
            fail(errno, "close the idmapped tree");
    } else if (mount(src, dst, NULL, MS_BIND | MS_REC, NULL) < 0) {
        fail(errno, "bind mount");
    }
    if (m->op == MOUNT_RO_BIND)
        remount(dst, MS_RDONLY | MS_NODEV);
    else if (m->op == MOUNT_BIND)
        remount(dst, MS_NODEV);
}

static void mount_fs(char *dst, const char *type, unsigned long flags, const char *data)
{
    ensure_node(dst, 1, 0755);
    if (mount(type, dst, type, flags, data) < 0)
        fail(errno, "mount %s", type);
}

static void sub(char *out, const char *dir, const char *name)
{
    int n = snprintf(out, PATH_MAX, "%s/%s", dir, name);
    if (n < 0 || n >= PATH_MAX)
        fail(ENAMETOOLONG, "path too long");
}

/* A minimal /dev: a tmpfs with the harmless devices bound from the host, a private devpts,
 * shm, and the usual links. */
static void do_dev(char *dst)
{
    mount_fs(dst, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755");
    own_add(dst);
    static const char *const nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
    char path[PATH_MAX], host[PATH_MAX];
    for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++) {
        sub(path, dst, nodes[i]);
        join(host, src_prefix, "/dev/");
        size_t hl = strlen(host);
        if (hl + strlen(nodes[i]) >= PATH_MAX)
            fail(ENAMETOOLONG, "path too long");
        strcpy(host + hl, nodes[i]);
        int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0)
            fail(errno, "create %s", path);
        close(fd);
        if (mount(host, path, NULL, MS_BIND, NULL) < 0)
            fail(errno, "bind /dev/%s", nodes[i]);
    }
    sub(path, dst, "shm");
    if (mkdir(path, 01777) < 0 || chmod(path, 01777) < 0)
        fail(errno, "mkdir %s", path);
    sub(path, dst, "pts");
    if (mkdir(path, 0755) < 0)
        fail(errno, "mkdir %s", path);
    if (mount("devpts", path, "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=620") < 0)
        fail(errno, "mount devpts");
    static const char *const links[][2] = {
        { "pts/ptmx", "ptmx" }, { "/proc/self/fd", "fd" }, { "/proc/self/fd/0", "stdin" },
        { "/proc/self/fd/1", "stdout" }, { "/proc/self/fd/2", "stderr" },
    };
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++) {
        sub(path, dst, links[i][1]);
        if (symlink(links[i][0], path) < 0)
            fail(errno, "symlink %s", path);
    }
}

static void do_symlink(const struct mount_entry *m, char *dst)
{
    char buf[PATH_MAX];
    ssize_t n = readlink(dst, buf, sizeof buf - 1);
    if (n >= 0) {
        buf[n] = '\0';
        if (strcmp(buf, m->src) == 0)
            return;             /* already there, as asked (as bubblewrap) */
        fail(EEXIST, "%s is a symlink to %s", m->dst, buf);
    }
    if (errno != ENOENT && errno != EINVAL)
        fail(errno, "readlink %s", m->dst);
    if (errno == EINVAL)
        fail(EEXIST, "%s exists", m->dst);
    make_parents(dst);
    check_creatable(dst);
    if (symlink(m->src, dst) < 0)
        fail(errno, "symlink");
}

static void do_file(const struct mount_entry *m, char *dst)
{
    struct stat st;
    if (lstat(dst, &st) == 0) {
        if (!S_ISREG(st.st_mode))
            fail(EEXIST, "%s exists and is not a regular file", m->dst);
        if (!is_own(dst))
            fail(EPERM, "%s is a file outside the sandbox's own mounts: not overwritten", m->dst);
    } else {
        make_parents(dst);
        check_creatable(dst);
    }
    int fd = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, m->mode);
    if (fd < 0)
        fail(errno, "open");
    const char *p = m->data;
    size_t left = m->data_len;
    while (left > 0) {
        ssize_t n;
        RETRY_EINTR(n, write(fd, p, left));
        if (n <= 0)
            fail(n < 0 ? errno : EIO, "write");
        p += n;
        left -= (size_t)n;
    }
    if (fchmod(fd, m->mode) < 0)
        fail(errno, "chmod");
    close(fd);
}

static void apply(const struct mount_entry *m)
{
    char src[PATH_MAX], dst[PATH_MAX];
    join(dst, dst_prefix, strcmp(m->dst, "/") == 0 ? "" : m->dst);
    if (dst[0] == '\0')
        strcpy(dst, "/");
    switch (m->op) {
    case MOUNT_BIND:
    case MOUNT_RO_BIND:
    case MOUNT_DEV_BIND:
        join(src, src_prefix, m->src);
        do_bind(m, src, dst);
        break;
    case MOUNT_TMPFS: {
        char data[64];
        if (m->size > 0)
            snprintf(data, sizeof data, "mode=0%o,size=%llu", m->mode, (unsigned long long)m->size);
        else
            snprintf(data, sizeof data, "mode=0%o", m->mode);
        mount_fs(dst, "tmpfs", MS_NOSUID | MS_NODEV, data);
        own_add(dst);
        break;
    }
    case MOUNT_PROC:
        mount_fs(dst, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
        break;
    case MOUNT_MQUEUE:
        mount_fs(dst, "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
        break;
    case MOUNT_DEV:
        do_dev(dst);
        break;
    case MOUNT_DIR:
        ensure_node(dst, 1, m->mode);
        break;
    case MOUNT_SYMLINK:
        do_symlink(m, dst);
        break;
    case MOUNT_FILE:
        do_file(m, dst);
        break;
    case MOUNT_REMOUNT_RO:
        remount(dst, MS_RDONLY);
        break;
    default:
        fail(EINVAL, "unknown op");
    }
}

static int pivot_root(const char *new_root, const char *put_old)
{
    return (int)syscall(SYS_pivot_root, new_root, put_old);
}

/* Staging for a root switch, as bubblewrap does: a tmpfs on BASE becomes the root, the caller's
 * root is kept at OLD_ROOT (for the sources), and the new root is prepared at NEW_ROOT. */
static void stage_root(const struct spec *s)
{
    if (mount("tmpfs", BASE, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
        fail(errno, "mount a staging tmpfs on " BASE);
    if (chdir(BASE) < 0)
        fail(errno, "chdir " BASE);
    if (mkdir("newroot", 0755) < 0 || mkdir("oldroot", 0755) < 0)
        fail(errno, "mkdir in the staging tmpfs");
    if (pivot_root(BASE, "oldroot") < 0)
        fail(errno, "pivot_root into the staging tmpfs (is / shared? propagation must not be SHARED)");
    if (chdir("/") < 0)
        fail(errno, "chdir /");
    src_prefix = OLD_ROOT;
    if (s->root[0] == '\0') {
        if (mount("tmpfs", NEW_ROOT, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
            fail(errno, "mount the empty root tmpfs");
        own_add(NEW_ROOT);
    } else {
        char src[PATH_MAX];
        join(src, OLD_ROOT, s->root);
        struct stat st;
        if (stat(src, &st) < 0)
            fail(errno, "root directory %s", s->root);
        if (!S_ISDIR(st.st_mode))
            fail(ENOTDIR, "root %s is not a directory", s->root);
        if (mount(src, NEW_ROOT, NULL, MS_BIND | MS_REC, NULL) < 0)
            fail(errno, "bind the root directory %s", s->root);
    }
    dst_prefix = NEW_ROOT;
}

/* Detaches the caller's tree and makes NEW_ROOT the root (the stacked pivot_root(".", ".")). */
static void switch_root(void)
{
    if (umount2(OLD_ROOT, MNT_DETACH) < 0)
        fail(errno, "detach the old root");
    int old = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (old < 0)
        fail(errno, "open /");
    if (chdir(NEW_ROOT) < 0)
        fail(errno, "chdir " NEW_ROOT);
    if (pivot_root(".", ".") < 0)
        fail(errno, "pivot_root to the new root");
    if (fchdir(old) < 0)
        fail(errno, "fchdir to the staging root");
    if (umount2(".", MNT_DETACH) < 0)
        fail(errno, "detach the staging root");
    close(old);
    if (chdir("/") < 0)
        fail(errno, "chdir / in the new root");
}

void mounts_setup(const struct spec *s)
{
    if (s->root)
        stage_root(s);
    /* proc first, so that a read-only root from the plan does not keep its mount point away */
    if (s->mount_proc) {
        char dst[PATH_MAX];
        join(dst, dst_prefix, "/proc");
        if (s->root) {
            struct stat st;
            if (stat(dst, &st) < 0 && (!is_own(NEW_ROOT) || mkdir(dst, 0555) < 0))
                report_error(STEP_MOUNT_PROC, errno, "/proc is missing in the new root");
        }
        if (mount("proc", dst, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
            report_error(STEP_MOUNT_PROC, errno, "mount proc on /proc");
    }
    for (int i = 0; i < s->n_mounts; i++) {
        cur_index = i;
        cur = &s->mounts[i];
        apply(cur);
    }
    cur = NULL;
    if (s->root)
        switch_root();
}
