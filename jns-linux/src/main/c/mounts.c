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
#include "mountfd.h"
#include "status.h"
#include "steps.h"

/* With a root switch: the staging tmpfs is mounted on BASE, pivoted into, and the caller's root
 * then lies at OLD_ROOT (sources are found there) and the new root is built at NEW_ROOT. */
#define BASE "/tmp"
#define OLD_ROOT "/oldroot"
#define NEW_ROOT "/newroot"


/* The devices of the file systems this plan mounted (tmpfs, dev, the empty root): only there may
 * missing destinations be created, so that a plan never creates files on a host file system. */
static dev_t own_devs[SPEC_MAX_MOUNTS + 1];
static int n_own;

static const char *op_name(uint32_t op)
{
    static const char *const names[] = {
        "?", "bind", "roBind", "devBind", "tmpfs", "proc", "dev", "mqueue", "dir", "symlink",
        "file", "remountReadOnly", "bindData",
    };
    return op <= MOUNT_OP_MAX ? names[op] : "?";
}

static int cur_index;
static const struct spec *cur_spec;
static const struct mount_entry *cur;

/* Every failure of an entry: "entry N (op [src ->] dst): what". Java maps N to the plan. */
__attribute__((noreturn, format(printf, 2, 3)))
static void fail(int err, const char *fmt, ...)
{
    char what[400];
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

/* The caller's root (sources resolve here) and the root being built (destinations resolve
 * here): the same fd without a root switch. O_PATH fds, closed before the command runs. */
static int caller_root = -1;
static int root_fd = -1;
static int staged;
static uint32_t propagation;    /* the spec's: 0 unchanged, else enum propagation_value */

/* The mounts the plan made itself (tmpfs, proc, dev, mqueue, binds): remountReadOnly leaves
 * them, and what lies below them, as the plan made them. */
static uint64_t plan_mounts[SPEC_MAX_MOUNTS + 2];
static int n_plan;

static void own_add_fd(int fd)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        fail(errno, "fstat a mount of the plan");
    own_devs[n_own++] = st.st_dev;
}

static int is_own_fd(int fd)
{
    struct stat st;
    if (fstat(fd, &st) < 0)
        return 0;
    for (int i = 0; i < n_own; i++)
        if (own_devs[i] == st.st_dev)
            return 1;
    return 0;
}

static void plan_add(int fd)
{
    uint64_t id;
    if (mfd_mount_id(fd, &id) < 0)
        fail(errno, "%s: the id of the new mount", mfd_what);
    plan_mounts[n_plan++] = id;
}

/* A missing `name` may be created in `dir` only when `dir` lies on a file system of the plan. */
static void check_creatable(int dir, const char *shown)
{
    if (!is_own_fd(dir))
        fail(ENOENT, "%s does not exist, and jns creates destinations only inside the sandbox's own "
             "tmpfs mounts (or an empty root)", shown);
}

/* A path of the plan, split: `buf` holds a copy, without a trailing '/'. */
static void copy_path(char *buf, const char *path)
{
    size_t n = strlen(path);
    if (n >= PATH_MAX)
        fail(ENAMETOOLONG, "path too long");
    memcpy(buf, path, n + 1);
    while (n > 1 && buf[n - 1] == '/')
        buf[--n] = '\0';
}

/* Opens the directory that holds the destination `path` inside root_fd, one component at a
 * time and never through a symlink: a symlink placed in a writable bind can not send a mount
 * elsewhere. With `create`, missing directories are made (on the plan's own file systems only).
 * Returns the fd; *leaf points into buf (the last component, "" for "/"). */
static int open_parent(const char *path, int create, char *buf, char **leaf)
{
    copy_path(buf, path);
    int dir = fcntl(root_fd, F_DUPFD_CLOEXEC, 0);
    if (dir < 0)
        fail(errno, "dup the root fd");
    char *p = buf + 1;
    for (char *slash; (slash = strchr(p, '/')) != NULL; p = slash + 1) {
        *slash = '\0';
        if (strcmp(p, "..") == 0 || strcmp(p, ".") == 0 || *p == '\0')
            fail(EINVAL, "%s: '.', '..' and empty components are not allowed", buf);
        int next = openat(dir, p, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (next < 0 && errno == ENOENT && create) {
            check_creatable(dir, buf);
            if (mkdirat(dir, p, 0755) < 0 && errno != EEXIST)
                fail(errno, "mkdir %s", buf);
            next = openat(dir, p, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        }
        if (next < 0)
            fail(errno, "%s", buf);
        struct stat st;
        if (fstat(next, &st) < 0)
            fail(errno, "fstat %s", buf);
        if (S_ISLNK(st.st_mode))
            fail(ELOOP, "%s is a symlink: destinations are never resolved through symlinks", buf);
        if (!S_ISDIR(st.st_mode))
            fail(ENOTDIR, "%s is not a directory", buf);
        close(dir);
        dir = next;
        *slash = '/';
    }
    *leaf = p;
    return dir;
}

/* Opens `name` in `dir` as an O_PATH fd: never a symlink. */
static int open_leaf(int dir, const char *name, const char *shown)
{
    if (*name == '\0')
        return fcntl(dir, F_DUPFD_CLOEXEC, 0);
    int fd = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        fail(errno, "open %s", shown);
    struct stat st;
    if (fstat(fd, &st) < 0)
        fail(errno, "fstat %s", shown);
    if (S_ISLNK(st.st_mode))
        fail(ELOOP, "destination %s is a symlink: a mount never goes where a symlink points", shown);
    return fd;
}

/* Makes sure `name` in `dir` exists as a directory (isdir) or a non-directory, never a symlink. */
static void ensure_node(int dir, const char *name, const char *shown, int isdir, mode_t mode)
{
    struct stat st;
    if (*name == '\0')
        return;                 /* the root itself */
    if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (S_ISLNK(st.st_mode))
            fail(ELOOP, "destination %s is a symlink: a mount never goes where a symlink points",
                 shown);
        if (isdir && !S_ISDIR(st.st_mode))
            fail(ENOTDIR, "destination %s is a file, a directory is needed", shown);
        if (!isdir && S_ISDIR(st.st_mode))
            fail(EISDIR, "destination %s is a directory, the source is not", shown);
        return;
    }
    if (errno != ENOENT)
        fail(errno, "stat %s", shown);
    check_creatable(dir, shown);
    if (isdir) {
        if (mkdirat(dir, name, mode) < 0)
            fail(errno, "mkdir %s", shown);
        if (fchmodat(dir, name, mode, 0) < 0)
            fail(errno, "chmod %s", shown);
        return;
    }
    int fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0)
        fail(errno, "create %s", shown);
    close(fd);
}

/* The hint for a source that could not be opened. */
static const char *source_hint(int err, int how)
{
    if (err == ELOOP && (how & MFD_NO_SYMLINKS))
        return " (strict sources: no component may be a symlink)";
    if (err == ELOOP && (how & MFD_NO_FINAL_SYMLINK))
        return " (a writable bind never follows a symlink at its source: bind the real path, "
            "toRealPath(), if you trust it)";
    if (err == ELOOP || err == EXDEV)
        return " (a magic link such as /proc/PID/root is never followed)";
    return "";
}

/* Opens the source `path` in the caller's view: its root, its symlinks (absolute ones against
 * its root, not the staging one), never a magic link. The fd is what gets bound. */
static int open_source(const char *path, int how, int try)
{
    int fd = mfd_open_in_root(caller_root, path, how, !staged);
    if (fd < 0) {
        if (errno == ENOENT && try)
            return -1;
        int e = errno;
        fail(e, "source %s: %s%s", path, mfd_what, source_hint(e, how));
    }
    return fd;
}

static void do_bind(const struct mount_entry *m)
{
    /* A writable bind never follows a symlink at its source (an output directory swapped for
     * a link to /etc would be written through); strict sources follow none at all. */
    int how = ((m->flags & MOUNT_FLAG_NO_SYMLINKS) ? MFD_NO_SYMLINKS : 0)
        | (m->op != MOUNT_RO_BIND ? MFD_NO_FINAL_SYMLINK : 0);
    int src = open_source(m->src, how, (m->flags & MOUNT_FLAG_TRY) != 0);
    if (src < 0)
        return;
    struct stat st;
    if (fstat(src, &st) < 0)
        fail(errno, "fstat the source");
    char buf[PATH_MAX], *leaf;
    int dir = open_parent(m->dst, 1, buf, &leaf);
    int isdir = S_ISDIR(st.st_mode);
    ensure_node(dir, leaf, m->dst, isdir, isdir ? 0755 : 0644);
    /* Binds never carry setuid; only devBind keeps device nodes usable. */
    unsigned attrs = m->op == MOUNT_RO_BIND ? (MFD_RDONLY | MFD_NOSUID | MFD_NODEV)
        : m->op == MOUNT_BIND ? (MFD_NOSUID | MFD_NODEV) : MFD_NOSUID;
    /* An idmapped bind arrives as a detached tree that S cloned and idmapped (idmount.c): attach it.
     * The source was opened above all the same, so a swapped or symlinked source fails here too. */
    int tree = idmount_take(cur_index);
    if (tree >= 0) {
        if (mfd_attach_tree(tree, dir, leaf, attrs, 1) < 0)
            fail(errno, "attach the idmapped tree: %s", mfd_what);
        close(tree);
    } else if (mfd_bind(src, dir, leaf, attrs, 1) < 0) {
        fail(errno, "bind mount: %s", mfd_what);
    }
    close(src);
    int top = open_leaf(dir, leaf, m->dst);
    plan_add(top);
    close(top);
    close(dir);
}

/* Mounts a new file system on the directory `name` in `dir`; returns an fd of its root. */
static int mount_fs_at(int dir, const char *name, const char *shown, const char *type,
                       unsigned long flags, const char *data)
{
    ensure_node(dir, name, shown, 1, 0755);
    int at = open_leaf(dir, name, shown);
    char path[PATH_MAX];
    mfd_fd_path(path, at);
    if (mount(type, path, type, flags, data) < 0)
        fail(errno, "mount %s on %s", type, shown);
    close(at);
    int top = open_leaf(dir, name, shown);
    plan_add(top);
    return top;
}

static void mount_fs(const struct mount_entry *m, const char *type, unsigned long flags,
                     const char *data, int own)
{
    char buf[PATH_MAX], *leaf;
    int dir = open_parent(m->dst, 1, buf, &leaf);
    int top = mount_fs_at(dir, leaf, m->dst, type, flags, data);
    if (own)
        own_add_fd(top);
    close(top);
    close(dir);
}

/* A minimal /dev: a tmpfs with the harmless devices bound from the caller's /dev, a private
 * devpts, shm, and the usual links. */
static void do_dev(const struct mount_entry *m)
{
    char buf[PATH_MAX], *leaf;
    int dir = open_parent(m->dst, 1, buf, &leaf);
    int dev = mount_fs_at(dir, leaf, m->dst, "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755");
    own_add_fd(dev);
    close(dir);
    static const char *const nodes[] = { "null", "zero", "full", "random", "urandom", "tty" };
    for (size_t i = 0; i < sizeof nodes / sizeof nodes[0]; i++) {
        char host[32];
        snprintf(host, sizeof host, "/dev/%s", nodes[i]);
        int fd = openat(dev, nodes[i], O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0)
            fail(errno, "create %s", nodes[i]);
        close(fd);
        int src = open_source(host, MFD_NO_SYMLINKS, 0);
        if (mfd_bind(src, dev, nodes[i], MFD_NOSUID | MFD_NOEXEC, 0) < 0)
            fail(errno, "bind %s: %s", host, mfd_what);
        close(src);
    }
    if (mkdirat(dev, "shm", 01777) < 0 || fchmodat(dev, "shm", 01777, 0) < 0)
        fail(errno, "mkdir shm");
    if (mkdirat(dev, "pts", 0755) < 0)
        fail(errno, "mkdir pts");
    int pts = open_leaf(dev, "pts", "pts");
    char path[PATH_MAX];
    mfd_fd_path(path, pts);
    if (mount("devpts", path, "devpts", MS_NOSUID | MS_NOEXEC, "newinstance,ptmxmode=0666,mode=620") < 0)
        fail(errno, "mount devpts");
    close(pts);
    static const char *const links[][2] = {
        { "pts/ptmx", "ptmx" }, { "/proc/self/fd", "fd" }, { "/proc/self/fd/0", "stdin" },
        { "/proc/self/fd/1", "stdout" }, { "/proc/self/fd/2", "stderr" },
    };
    for (size_t i = 0; i < sizeof links / sizeof links[0]; i++)
        if (symlinkat(links[i][0], dev, links[i][1]) < 0)
            fail(errno, "symlink %s", links[i][1]);
    close(dev);
}

static void do_dir(const struct mount_entry *m)
{
    char buf[PATH_MAX], *leaf;
    int dir = open_parent(m->dst, 1, buf, &leaf);
    ensure_node(dir, leaf, m->dst, 1, m->mode);
    close(dir);
}

static void do_symlink(const struct mount_entry *m)
{
    char buf[PATH_MAX], *leaf, target[PATH_MAX];
    int dir = open_parent(m->dst, 1, buf, &leaf);
    ssize_t n = readlinkat(dir, leaf, target, sizeof target - 1);
    if (n >= 0) {
        target[n] = '\0';
        if (strcmp(target, m->src) == 0) {
            close(dir);
            return;             /* already there, as asked (as bubblewrap) */
        }
        fail(EEXIST, "%s is a symlink to %s", m->dst, target);
    }
    if (errno == EINVAL)
        fail(EEXIST, "%s exists", m->dst);
    if (errno != ENOENT)
        fail(errno, "readlink %s", m->dst);
    check_creatable(dir, m->dst);
    if (symlinkat(m->src, dir, leaf) < 0)
        fail(errno, "symlink");
    close(dir);
}

static void write_all(int fd, const char *p, size_t left)
{
    while (left > 0) {
        ssize_t n;
        RETRY_EINTR(n, write(fd, p, left));
        if (n <= 0)
            fail(n < 0 ? errno : EIO, "write");
        p += n;
        left -= (size_t)n;
    }
}

static void do_file(const struct mount_entry *m)
{
    char buf[PATH_MAX], *leaf;
    int dir = open_parent(m->dst, 1, buf, &leaf);
    struct stat st;
    if (fstatat(dir, leaf, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (!S_ISREG(st.st_mode))
            fail(EEXIST, "%s exists and is not a regular file", m->dst);
        if (!is_own_fd(dir))
            fail(EPERM, "%s is a file outside the sandbox's own mounts: not overwritten", m->dst);
    } else {
        check_creatable(dir, m->dst);
    }
    int fd = openat(dir, leaf, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, m->mode);
    if (fd < 0)
        fail(errno, "open");
    close(dir);
    write_all(fd, m->data, m->data_len);
    if (fchmod(fd, m->mode) < 0)
        fail(errno, "chmod");
    close(fd);
}

/* bindData: a private file with the entry's content over an existing regular file, writing no
 * file system but a tmpfs of its own. A tmpfs is mounted for a moment on the destination's
 * directory (in this mount namespace only: propagation is private or slave), reached through the
 * directory's parent so that the open crosses into it; the content is written there, the file is
 * bound over the destination through the fd of the directory taken before (the tmpfs hides the
 * path, not the fd), and the tmpfs is detached again: only the bound file keeps it. */
static void do_bind_data(const struct mount_entry *m)
{
    char buf[PATH_MAX], *leaf;
    int dir = open_parent(m->dst, 0, buf, &leaf);
    struct stat st;
    if (fstatat(dir, leaf, &st, AT_SYMLINK_NOFOLLOW) < 0) {
        if (errno == ENOENT && (m->flags & MOUNT_FLAG_TRY)) {
            close(dir);
            return;             /* no such file here: nothing to cover */
        }
        fail(errno, "stat %s (bindData covers an existing file; it creates none)", m->dst);
    }
    if (S_ISLNK(st.st_mode))
        fail(ELOOP, "destination %s is a symlink: a mount never goes where a symlink points", m->dst);
    if (!S_ISREG(st.st_mode))
        fail(EEXIST, "%s is not a regular file", m->dst);
    if (propagation != PROPAGATION_PRIVATE && propagation != PROPAGATION_SLAVE)
        fail(EINVAL, "the staging tmpfs needs private or slave propagation (Java checks this too)");
    if (leaf - buf <= 1)
        fail(EINVAL, "%s lies in /, where no tmpfs can be staged", m->dst);
    leaf[-1] = '\0';
    char gbuf[PATH_MAX], *name;
    int parent = open_parent(buf, 0, gbuf, &name);
    leaf[-1] = '/';

    char path[PATH_MAX];
    mfd_fd_path(path, dir);
    if (mount("tmpfs", path, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700") < 0)
        fail(errno, "mount a staging tmpfs on the directory of %s", m->dst);
    int stage = openat(parent, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (stage < 0)
        fail(errno, "open the staging tmpfs");
    close(parent);
    int fd = openat(stage, "data", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, m->mode);
    if (fd < 0)
        fail(errno, "create the staged file");
    write_all(fd, m->data, m->data_len);
    if (fchmod(fd, m->mode) < 0)
        fail(errno, "chmod the staged file");
    close(fd);
    int src = openat(stage, "data", O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (src < 0)
        fail(errno, "open the staged file");
    if (mfd_bind(src, dir, leaf, MFD_NOSUID | MFD_NODEV, 0) < 0)
        fail(errno, "bind the staged file over %s: %s", m->dst, mfd_what);
    close(src);
    mfd_fd_path(path, stage);
    if (umount2(path, MNT_DETACH) < 0)
        fail(errno, "detach the staging tmpfs");
    close(stage);
    int top = open_leaf(dir, leaf, m->dst);
    plan_add(top);
    close(top);
    close(dir);
}

/* The mount at the destination and every mount below it, read-only, except the mounts the
 * plan made (they keep what the plan gave them: a writable bind or tmpfs stays writable). */
static void do_remount_ro(const struct mount_entry *m)
{
    char buf[PATH_MAX], *leaf;
    int dir = open_parent(m->dst, 0, buf, &leaf);
    int fd = open_leaf(dir, leaf, m->dst);
    uint64_t here, parent;
    if (*leaf != '\0') {
        if (mfd_mount_id(fd, &here) < 0 || mfd_mount_id(dir, &parent) < 0)
            fail(errno, "%s", mfd_what);
        if (here == parent)
            fail(EINVAL, "%s is not a mount point: remountReadOnly applies to a mount", m->dst);
    }
    if (mfd_set_attrs_below(fd, MFD_RDONLY, plan_mounts, n_plan) < 0)
        fail(errno, "remount read-only: %s", mfd_what);
    close(fd);
    close(dir);
}

/* Masks a proc the plan just mounted (procmask.c), through an fd of its root; the masks bind the
 * caller's /dev/null, found from the caller's root. */
static void mask_new_proc(int proc_root)
{
    char proc[PATH_MAX], dev_null[PATH_MAX];
    mfd_fd_path(proc, proc_root);
    mfd_fd_path(dev_null, caller_root);
    size_t n = strlen(dev_null);
    if (n + sizeof "/dev/null" > sizeof dev_null)
        report_error(STEP_MASK_PROC, ENAMETOOLONG, "the caller's /dev/null");
    memcpy(dev_null + n, "/dev/null", sizeof "/dev/null");
    mask_proc(cur_spec, proc, dev_null);
}

static void apply(const struct mount_entry *m)
{
    switch (m->op) {
    case MOUNT_BIND:
    case MOUNT_RO_BIND:
    case MOUNT_DEV_BIND:
        do_bind(m);
        break;
    case MOUNT_TMPFS: {
        char data[64];
        if (m->size > 0)
            snprintf(data, sizeof data, "mode=0%o,size=%llu", m->mode, (unsigned long long)m->size);
        else
            snprintf(data, sizeof data, "mode=0%o", m->mode);
        mount_fs(m, "tmpfs", MS_NOSUID | MS_NODEV, data, 1);
        break;
    }
    case MOUNT_PROC: {
        char buf[PATH_MAX], *leaf;
        int dir = open_parent(m->dst, 1, buf, &leaf);
        int top = mount_fs_at(dir, leaf, m->dst, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
        mask_new_proc(top);
        close(top);
        close(dir);
        break;
    }
    case MOUNT_MQUEUE:
        mount_fs(m, "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL, 0);
        break;
    case MOUNT_DEV:
        do_dev(m);
        break;
    case MOUNT_DIR:
        do_dir(m);
        break;
    case MOUNT_SYMLINK:
        do_symlink(m);
        break;
    case MOUNT_FILE:
        do_file(m);
        break;
    case MOUNT_REMOUNT_RO:
        do_remount_ro(m);
        break;
    case MOUNT_BIND_DATA:
        do_bind_data(m);
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
 * root is kept at OLD_ROOT, and the new root is prepared at NEW_ROOT. The ROOT directory is
 * opened first, in the caller's view, and that fd is what becomes the root. Propagation is
 * private or slave here (spec_parse), so none of this reaches the caller's namespace. */
static void stage_root(const struct spec *s)
{
    int rootdir = -1;
    if (s->root[0] != '\0') {
        rootdir = mfd_open_in_root(caller_root, s->root, MFD_NO_FINAL_SYMLINK, 1);
        if (rootdir < 0)
            fail(errno, "root directory %s: %s", s->root, mfd_what);
        struct stat st;
        if (fstat(rootdir, &st) < 0)
            fail(errno, "root directory %s", s->root);
        if (!S_ISDIR(st.st_mode))
            fail(ENOTDIR, "root %s is not a directory", s->root);
    }
    if (mount("tmpfs", BASE, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
        fail(errno, "mount a staging tmpfs on " BASE);
    if (chdir(BASE) < 0)
        fail(errno, "chdir " BASE);
    if (mkdir("newroot", 0755) < 0 || mkdir("oldroot", 0755) < 0)
        fail(errno, "mkdir in the staging tmpfs");
    if (pivot_root(BASE, "oldroot") < 0)
        fail(errno, "pivot_root into the staging tmpfs (is / shared? propagation must be PRIVATE "
             "or SLAVE)");
    if (chdir("/") < 0)
        fail(errno, "chdir /");
    staged = 1;
    mfd_proc = OLD_ROOT "/proc";
    if (rootdir < 0) {
        if (mount("tmpfs", NEW_ROOT, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
            fail(errno, "mount the empty root tmpfs");
    } else {
        int staging = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (staging < 0)
            fail(errno, "open the staging root");
        /* The switched root is nosuid and nodev, all the way down, as bubblewrap's. */
        if (mfd_bind(rootdir, staging, "newroot", MFD_NOSUID | MFD_NODEV, 1) < 0)
            fail(errno, "bind the root directory %s: %s", s->root, mfd_what);
        close(staging);
        close(rootdir);
    }
    root_fd = open(NEW_ROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root_fd < 0)
        fail(errno, "open " NEW_ROOT);
    if (rootdir < 0)
        own_add_fd(root_fd);
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

/* proc first, so that a read-only root from the plan does not keep its mount point away */
static void mount_proc(void)
{
    int proc = openat(root_fd, "proc", O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (proc < 0 && errno == ENOENT && staged && is_own_fd(root_fd)) {
        if (mkdirat(root_fd, "proc", 0555) < 0)
            report_error(STEP_MOUNT_PROC, errno, "mkdir /proc in the new root");
        proc = openat(root_fd, "proc", O_PATH | O_NOFOLLOW | O_CLOEXEC);
    }
    if (proc < 0)
        report_error(STEP_MOUNT_PROC, errno, "/proc is missing in the new root");
    struct stat st;
    if (fstat(proc, &st) < 0 || !S_ISDIR(st.st_mode))
        report_error(STEP_MOUNT_PROC, S_ISLNK(st.st_mode) ? ELOOP : ENOTDIR,
                     "/proc is not a directory");
    char path[PATH_MAX];
    mfd_fd_path(path, proc);
    if (mount("proc", path, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
        report_error(STEP_MOUNT_PROC, errno, "mount proc on /proc");
    close(proc);
    proc = openat(root_fd, "proc", O_PATH | O_NOFOLLOW | O_CLOEXEC);
    uint64_t id;
    if (proc < 0 || mfd_mount_id(proc, &id) < 0)
        report_error(STEP_MOUNT_PROC, errno, "the id of the new proc mount");
    plan_mounts[n_plan++] = id;
    mask_new_proc(proc);
    close(proc);
}

void mounts_setup(const struct spec *s)
{
    cur_spec = s;
    propagation = s->propagation;
    caller_root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (caller_root < 0)
        report_error(STEP_SWITCH_ROOT, errno, "open the caller's root");
    root_fd = caller_root;
    if (s->root)
        stage_root(s);
    if (s->mount_proc)
        mount_proc();
    for (int i = 0; i < s->n_mounts; i++) {
        cur_index = i;
        cur = &s->mounts[i];
        apply(cur);
    }
    cur = NULL;
    /* Neither fd may stay open in the init: the caller's root must not be reachable from it. */
    if (root_fd != caller_root)
        close(root_fd);
    close(caller_root);
    root_fd = caller_root = -1;
    if (s->root)
        switch_root();
}
