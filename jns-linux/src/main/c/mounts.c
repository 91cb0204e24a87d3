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

/* The fs-context calls (Linux 5.2); older C libraries lack the names. */
#ifndef SYS_fsopen
#define SYS_fsopen 430
#endif
#ifndef SYS_fsconfig
#define SYS_fsconfig 431
#endif
#ifndef SYS_fsmount
#define SYS_fsmount 432
#endif
#ifndef SYS_move_mount
#define SYS_move_mount 429
#endif
enum {
    J_FSOPEN_CLOEXEC = 1, J_FSCONFIG_SET_FLAG = 0, J_FSCONFIG_SET_STRING = 1,
    J_FSCONFIG_CMD_CREATE = 6, J_FSMOUNT_CLOEXEC = 1, J_MOVE_MOUNT_F_EMPTY_PATH = 4,
};
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
static dev_t own_devs[SPEC_MAX_MOUNTS + 1] LAUNCHER_LARGE;
static int n_own;

static const char *op_name(uint32_t op)
{
    static const char *const names[] = {
        "?", "bind", "roBind", "devBind", "tmpfs", "proc", "dev", "mqueue", "dir", "symlink",
        "file", "remountReadOnly", "bindData", "overlaySrc", "overlay", "tmpOverlay", "roOverlay",
        "chmod", "lockFile",
    };
    return op <= MOUNT_OP_MAX ? names[op] : "?";
}

/* This C's, per process (_Thread_local): a light sandbox's C runs in the fork server's memory, beside other
 * light supervisors' (light.c), and touches no other static of this file (mounts_setup). */
static _Thread_local int cur_index;
static _Thread_local const struct spec *cur_spec;
static _Thread_local const struct mount_entry *cur;
/* The mode of the directories the current entry creates above its destination: 0755, without
 * the group's or the others' bits when the entry's own mode gives them none (as bubblewrap
 * derives them from --perms), so that a private directory's parents are private too. */
static _Thread_local mode_t parent_mode = 0755;

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
static _Thread_local int caller_root = -1;
static _Thread_local int root_fd = -1;
static _Thread_local int staged;
static _Thread_local uint32_t propagation;    /* the spec's: 0 unchanged, else enum propagation_value */

/* The mounts the plan made itself (tmpfs, proc, dev, mqueue, binds): remountReadOnly leaves
 * them, and what lies below them, as the plan made them. */
static uint64_t plan_mounts[SPEC_MAX_MOUNTS + 2] LAUNCHER_LARGE;
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
            if (mkdirat(dir, p, parent_mode) < 0) {
                if (errno != EEXIST)
                    fail(errno, "mkdir %s", buf);
            } else if (fchmodat(dir, p, parent_mode, 0) < 0) {
                fail(errno, "chmod %s", buf);   /* the mode exactly, whatever the umask */
            }
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

/* Sources of the binds from an fd (MOUNT flag 8), by mount index: found before the staging. */
static int fd_sources[SPEC_MAX_MOUNTS] LAUNCHER_LARGE;

/* A bind from an fd binds the object the JVM's fd names. That fd lies in the caller's mount
 * namespace, which the kernel does not clone mounts from (EINVAL): the object is found again in
 * C's copy of it, by the path the kernel gives for the fd, through no symlink, and must be the
 * same object (st_dev and st_ino, as bubblewrap checks), else ESTALE. Runs before the staging,
 * while C's root is still the caller's. */
static void open_fd_sources(const struct spec *s)
{
    for (int i = 0; i < s->n_mounts; i++) {
        const struct mount_entry *m = &s->mounts[i];
        fd_sources[i] = -1;
        if (!(m->flags & MOUNT_FLAG_FD) || m->op == MOUNT_FILE || m->op == MOUNT_BIND_DATA)
            continue;
        cur_index = i;
        cur = m;
        char link[PATH_MAX], path[PATH_MAX];
        mfd_fd_path(link, m->fd);
        ssize_t n = readlink(link, path, sizeof path - 1);
        if (n < 0)
            fail(errno, "the path of the descriptor (launcher fd %d)", m->fd);
        path[n] = '\0';
        struct stat want, got;
        if (fstat(m->fd, &want) < 0)
            fail(errno, "fstat the descriptor");
        if (path[0] != '/')
            fail(ENOENT, "the descriptor names %s, which no path reaches (a bind needs a file or a "
                 "directory)", path);
        int fd = mfd_open_in_root(caller_root, path, MFD_NO_SYMLINKS, 1);
        if (fd < 0) {
            int e = errno;
            fail(e, "the descriptor names %s, which is not found in the caller's view: %s", path,
                 mfd_what);
        }
        if (fstat(fd, &got) < 0)
            fail(errno, "fstat %s", path);
        if (got.st_dev != want.st_dev || got.st_ino != want.st_ino)
            fail(ESTALE, "the descriptor names %s, but that path is another object now (renamed, "
                 "replaced, or deleted)", path);
        if (S_ISLNK(want.st_mode))
            fail(ELOOP, "the descriptor is a symlink: a bind never follows one");
        fd_sources[i] = fd;
    }
    cur = NULL;
}

static void do_bind(const struct mount_entry *m)
{
    /* A writable bind never follows a symlink at its source (an output directory swapped for
     * a link to /etc would be written through); strict sources follow none at all. */
    int how = ((m->flags & MOUNT_FLAG_NO_SYMLINKS) ? MFD_NO_SYMLINKS : 0)
        | (m->op != MOUNT_RO_BIND ? MFD_NO_FINAL_SYMLINK : 0);
    int src = (m->flags & MOUNT_FLAG_FD) ? fd_sources[cur_index]
        : open_source(m->src, how, (m->flags & MOUNT_FLAG_TRY) != 0);
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

/* A sealed memfd's range: the content of a file that is too big for a spec record. The seals
 * (no write, no shrink) make what was counted what is read. */
static void copy_from_fd(int out, const struct mount_entry *m)
{
    int seals = fcntl(m->fd, F_GET_SEALS);
    if (seals < 0)
        fail(errno, "the seals of the content fd %d (a memfd is expected)", m->fd);
    if ((seals & (F_SEAL_WRITE | F_SEAL_SHRINK)) != (F_SEAL_WRITE | F_SEAL_SHRINK))
        fail(EINVAL, "the content fd %d is not sealed against writes and shrinking", m->fd);
    struct stat st;
    if (fstat(m->fd, &st) < 0)
        fail(errno, "fstat the content fd %d", m->fd);
    if ((uint64_t)st.st_size < m->fd_offset || (uint64_t)st.st_size - m->fd_offset < m->fd_length)
        fail(EINVAL, "the content fd %d holds %lld bytes, not %llu at %llu", m->fd,
             (long long)st.st_size, (unsigned long long)m->fd_length,
             (unsigned long long)m->fd_offset);
    static char chunk[64 << 10] LAUNCHER_LARGE;    /* no heap: one static buffer, C is single-threaded */
    uint64_t done = 0;
    while (done < m->fd_length) {
        size_t want = m->fd_length - done < sizeof chunk ? (size_t)(m->fd_length - done) : sizeof chunk;
        ssize_t n;
        RETRY_EINTR(n, pread(m->fd, chunk, want, (off_t)(m->fd_offset + done)));
        if (n <= 0)
            fail(n < 0 ? errno : EIO, "read the content fd %d", m->fd);
        write_all(out, chunk, (size_t)n);
        done += (uint64_t)n;
    }
}

/* The content of a FILE or BIND_DATA entry: in the record, or in the plan's memfd. */
static void write_content(int out, const struct mount_entry *m)
{
    if (m->flags & MOUNT_FLAG_FD)
        copy_from_fd(out, m);
    else
        write_all(out, m->data, m->data_len);
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
    write_content(fd, m);
    if (fchmod(fd, m->mode) < 0)
        fail(errno, "chmod");
    close(fd);
    if (m->flags & MOUNT_FLAG_READ_ONLY) {
        /* As bubblewrap's --ro-bind-data: the file bound read-only onto itself, so that even the
         * sandbox's root can not change it while the mount stays. */
        dir = open_parent(m->dst, 0, buf, &leaf);
        int self = open_leaf(dir, leaf, m->dst);
        if (mfd_bind(self, dir, leaf, MFD_RDONLY | MFD_NOSUID | MFD_NODEV, 0) < 0)
            fail(errno, "bind the file read-only: %s", mfd_what);
        close(self);
        int top = open_leaf(dir, leaf, m->dst);
        plan_add(top);
        close(top);
        close(dir);
    }
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
    write_content(fd, m);
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

/* The lower layers of the overlay being built: O_PATH fds opened in the caller's view, as bind
 * sources are (the OVERLAY_SRC entries right before the overlay). */
static int lowers[SPEC_MAX_OVERLAY_LOWERS];
static int n_lowers;

static void do_overlay_src(const struct mount_entry *m)
{
    int how = (m->flags & MOUNT_FLAG_NO_SYMLINKS) ? MFD_NO_SYMLINKS : 0;
    int fd = open_source(m->src, how, 0);
    struct stat st;
    if (fstat(fd, &st) < 0)
        fail(errno, "fstat the layer");
    if (!S_ISDIR(st.st_mode))
        fail(ENOTDIR, "overlay layer %s is not a directory", m->src);
    lowers[n_lowers++] = fd;
}

/* One fsconfig string; `key` names the failing option. */
static void fs_set(int fsfd, const char *key, const char *value)
{
    if (syscall(SYS_fsconfig, fsfd, J_FSCONFIG_SET_STRING, key, value, 0) < 0)
        fail(errno, "overlay option %s%s", key, errno == EINVAL && strcmp(key, "lowerdir+") == 0
             ? " (layers are appended one by one with lowerdir+: Linux 6.8 or later)" : "");
}

static void fs_set_fd_path(int fsfd, const char *key, int fd)
{
    char path[PATH_MAX];
    mfd_fd_path(path, fd);
    fs_set(fsfd, key, path);
}

/* tmpOverlay: a new tmpfs mounted on the destination itself, with "upper" and "work" in it; the
 * overlay is then stacked on top and hides it (overlayfs refuses an upper layer on a mount that
 * is attached nowhere). It goes away with the sandbox's mount namespace. */
static void tmp_upper(int dir, const char *leaf, const char *shown, int *upper, int *work)
{
    int fsfd = (int)syscall(SYS_fsopen, "tmpfs", J_FSOPEN_CLOEXEC);
    if (fsfd < 0)
        fail(errno, "fsopen tmpfs for the overlay's upper layer");
    if (syscall(SYS_fsconfig, fsfd, J_FSCONFIG_SET_STRING, "mode", "0755", 0) < 0
        || syscall(SYS_fsconfig, fsfd, J_FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        fail(errno, "create the tmpfs of the overlay's upper layer");
    int mnt = (int)syscall(SYS_fsmount, fsfd, J_FSMOUNT_CLOEXEC, MFD_NOSUID | MFD_NODEV);
    if (mnt < 0)
        fail(errno, "fsmount the tmpfs of the overlay's upper layer");
    close(fsfd);
    if (syscall(SYS_move_mount, mnt, "", dir, leaf, J_MOVE_MOUNT_F_EMPTY_PATH) < 0)
        fail(errno, "move_mount the overlay's tmpfs onto %s", shown);
    if (mkdirat(mnt, "upper", 0755) < 0 || mkdirat(mnt, "work", 0755) < 0)
        fail(errno, "mkdir upper and work in the overlay's tmpfs");
    *upper = openat(mnt, "upper", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    *work = openat(mnt, "work", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (*upper < 0 || *work < 0)
        fail(errno, "open upper and work in the overlay's tmpfs");
    plan_add(mnt);              /* remountReadOnly leaves it writable, as any tmpfs of the plan */
    close(mnt);
}

/* An overlayfs on the destination, built with the fs-context API: each layer is appended as
 * "lowerdir+" with the path /proc/self/fd/N of its fd, so the object opened (in the caller's
 * view, checked) is the layer, and no path is ever parsed for ':' or ',' escapes. The upper and
 * work directories of OVERLAY are opened the same way (never through a symlink at their end). */
static void do_overlay(const struct mount_entry *m)
{
    char buf[PATH_MAX], *leaf;
    int dir = open_parent(m->dst, 1, buf, &leaf);
    if (*leaf == '\0')
        fail(EINVAL, "an overlay can not replace the root");
    ensure_node(dir, leaf, m->dst, 1, 0755);
    int upper = -1, work = -1;
    if (m->op == MOUNT_OVERLAY) {
        int how = MFD_NO_FINAL_SYMLINK | ((m->flags & MOUNT_FLAG_NO_SYMLINKS) ? MFD_NO_SYMLINKS : 0);
        upper = open_source(m->src, how, 0);
        work = mfd_open_in_root(caller_root, m->data, how, !staged);
        if (work < 0) {
            int e = errno;
            fail(e, "work directory %s: %s%s", m->data, mfd_what, source_hint(e, how));
        }
    } else if (m->op == MOUNT_TMP_OVERLAY) {
        tmp_upper(dir, leaf, m->dst, &upper, &work);
    }
    int fsfd = (int)syscall(SYS_fsopen, "overlay", J_FSOPEN_CLOEXEC);
    if (fsfd < 0)
        fail(errno, "fsopen overlay%s", errno == ENODEV ? " (the kernel has no overlayfs)" : "");
    for (int i = 0; i < n_lowers; i++)
        fs_set_fd_path(fsfd, "lowerdir+", lowers[i]);
    if (upper >= 0) {
        fs_set_fd_path(fsfd, "upperdir", upper);
        fs_set_fd_path(fsfd, "workdir", work);
    }
    /* In a user namespace overlayfs keeps its metadata in user.overlay.* xattrs. */
    if (syscall(SYS_fsconfig, fsfd, J_FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        fail(errno, "create the overlay%s", errno == EPERM
             ? " (overlayfs in a user namespace needs Linux 5.11 or later)"
             : errno == EINVAL ? " (upper and work must be on the same file system, work empty, "
             "neither inside the other)" : "");
    unsigned attrs = MFD_NOSUID | MFD_NODEV | (m->op == MOUNT_RO_OVERLAY ? MFD_RDONLY : 0);
    int mnt = (int)syscall(SYS_fsmount, fsfd, J_FSMOUNT_CLOEXEC, attrs);
    if (mnt < 0)
        fail(errno, "fsmount the overlay");
    close(fsfd);
    if (syscall(SYS_move_mount, mnt, "", dir, leaf, J_MOVE_MOUNT_F_EMPTY_PATH) < 0)
        fail(errno, "move_mount the overlay onto %s", m->dst);
    close(mnt);
    for (int i = 0; i < n_lowers; i++)
        close(lowers[i]);
    n_lowers = 0;
    if (upper >= 0) {
        close(upper);
        close(work);
    }
    int top = open_leaf(dir, leaf, m->dst);
    plan_add(top);
    close(top);
    close(dir);
}

/* chmod of an existing node, never through a symlink (the O_PATH fd's /proc path). */
static void do_chmod(const struct mount_entry *m)
{
    char buf[PATH_MAX], *leaf, path[PATH_MAX];
    int dir = open_parent(m->dst, 0, buf, &leaf);
    int fd = open_leaf(dir, leaf, m->dst);
    mfd_fd_path(path, fd);
    if (chmod(path, m->mode) < 0)
        fail(errno, "chmod 0%o %s", m->mode, m->dst);
    close(fd);
    close(dir);
}

/* lockFile: a read lock on an existing regular file (found as destinations are, never through a
 * symlink), as bubblewrap's --lock-file. An open file description lock (F_OFD_SETLK): it stays
 * while the fd does, whatever else C opens and closes, and the fd is never closed: the init keeps
 * it until the sandbox's command ends (E's copy goes at exec, CLOEXEC). Outside, F_GETLK or
 * F_OFD_GETLK for a write lock sees it; a writer can wait for the sandbox's end with F_SETLKW. */
static void do_lock_file(const struct mount_entry *m)
{
    char buf[PATH_MAX], *leaf;
    int dir = open_parent(m->dst, 0, buf, &leaf);
    if (*leaf == '\0')
        fail(EISDIR, "/ is not a file to lock");
    int fd = openat(dir, leaf, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0)
        fail(errno, "open %s%s", m->dst, errno == ELOOP
             ? " (a symlink: a lock file is found as destinations are, never through one)" : "");
    struct stat st;
    if (fstat(fd, &st) < 0)
        fail(errno, "fstat %s", m->dst);
    if (!S_ISREG(st.st_mode))
        fail(EINVAL, "%s is not a regular file", m->dst);
    struct flock lock = { .l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
    if (fcntl(fd, F_OFD_SETLK, &lock) < 0)
        fail(errno, "lock %s%s", m->dst, errno == EAGAIN || errno == EACCES
             ? " (another process holds a write lock on it)" : "");
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
    parent_mode = 0755;
    if (m->op == MOUNT_DIR || m->op == MOUNT_FILE || m->op == MOUNT_TMPFS) {
        if ((m->mode & 0070) == 0)
            parent_mode &= ~(mode_t)0050;
        if ((m->mode & 0007) == 0)
            parent_mode &= ~(mode_t)0005;
    }
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
    case MOUNT_OVERLAY_SRC:
        do_overlay_src(m);
        break;
    case MOUNT_OVERLAY:
    case MOUNT_TMP_OVERLAY:
    case MOUNT_RO_OVERLAY:
        do_overlay(m);
        break;
    case MOUNT_CHMOD:
        do_chmod(m);
        break;
    case MOUNT_LOCK_FILE:
        do_lock_file(m);
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
    if (proc < 0)
        report_error(STEP_MOUNT_PROC, errno, "open the new proc mount");
    /* Its id, for the plan's entries (remountReadOnly reads the list): without any, nothing to record. */
    if (cur_spec->n_mounts > 0) {
        uint64_t id;
        if (mfd_mount_id(proc, &id) < 0)
            report_error(STEP_MOUNT_PROC, errno, "the id of the new proc mount");
        plan_mounts[n_plan++] = id;
    }
    /* The masks mount by path. On C's own root (no root switch staged) the new proc is what "/proc"
     * names, once checked here (nothing else runs in this mount namespace yet), and the caller's
     * /dev/null is "/dev/null": short paths, where one through /proc/self/fd/N walked the JVM's proc
     * and this fd each time. Measured in C (the benchmark's C floor with jns's masks, 800 rounds): the
     * masks took 0.15 ms of C's time against 0.25 through /proc/self/fd paths. */
    struct stat at, mounted;
    if (root_fd == caller_root && stat("/proc", &at) == 0 && fstat(proc, &mounted) == 0
        && at.st_dev == mounted.st_dev && at.st_ino == mounted.st_ino)
        mask_proc(cur_spec, "/proc", "/dev/null");
    else
        mask_new_proc(proc);
    close(proc);
}

void mounts_setup(const struct spec *s)
{
    /* The plan's entries and its root use this file's static arrays: never in a light supervisor's C,
     * whose memory is the fork server's (spec_light_sandbox keeps such specs away; this makes sure). */
    if (light && (s->n_mounts > 0 || s->root))
        report_error(STEP_MOUNT_PLAN, EDEADLK, "a light supervisor's sandbox has a mount plan (light.c)");
    cur_spec = s;
    propagation = s->propagation;
    caller_root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (caller_root < 0)
        report_error(STEP_SWITCH_ROOT, errno, "open the caller's root");
    root_fd = caller_root;
    open_fd_sources(s);
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
    /* The plan's content memfd is read: not for the init or the command. */
    for (int i = 0; i < s->n_mount_fds; i++)
        if (close(s->mount_fds[i]) < 0)
            report_error(STEP_MOUNT_PLAN, errno, "close the mount plan's fd %d", s->mount_fds[i]);
    /* Neither fd may stay open in the init: the caller's root must not be reachable from it. */
    if (root_fd != caller_root)
        close(root_fd);
    close(caller_root);
    root_fd = caller_root = -1;
    if (s->root)
        switch_root();
}
