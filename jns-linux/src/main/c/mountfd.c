/* C: mounting by file descriptor (see mountfd.h). No heap: the mountinfo walk uses static
 * buffers. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "large.h"
#include "mountfd.h"

/* The new mount API's numbers are the same on x86-64 and arm64 (the unified table since 5.1). */
#ifndef SYS_open_tree
#define SYS_open_tree 428
#endif
#ifndef SYS_move_mount
#define SYS_move_mount 429
#endif
#ifndef SYS_openat2
#define SYS_openat2 437
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#define J_OPEN_TREE_CLONE 1
#define J_AT_RECURSIVE 0x8000
#define J_MOVE_MOUNT_F_EMPTY_PATH 0x4
#define J_MOVE_MOUNT_T_EMPTY_PATH 0x40
#define J_RESOLVE_NO_MAGICLINKS 0x2
#define J_RESOLVE_NO_SYMLINKS 0x4
#define J_RESOLVE_IN_ROOT 0x10

struct j_open_how { uint64_t flags, mode, resolve; };
struct j_mount_attr { uint64_t attr_set, attr_clr, propagation, userns_fd; };

/* A launcher built with -DJNS_LEGACY_MOUNT_API behaves as on a kernel without the new mount
 * API, so that the fallbacks are tested on a kernel that has it (launcher_selftest.sh). */
#ifdef JNS_LEGACY_MOUNT_API
static long no_syscall(long nr, ...)
{
    (void)nr;
    errno = ENOSYS;
    return -1;
}
#define NEW_API no_syscall
#else
#define NEW_API(...) syscall(__VA_ARGS__)
#endif

/* Per process (a light sandbox's C runs in the fork server's memory: light.c). */
_Thread_local const char *mfd_what = "";
_Thread_local const char *mfd_proc = "/proc";

static int failed(const char *what)
{
    mfd_what = what;
    return -1;
}

void mfd_fd_path(char *out, int fd)
{
    snprintf(out, PATH_MAX, "%s/self/fd/%d", mfd_proc, fd);
}

/* Without openat2 and symlinks refused: one component at a time, none of them a symlink. */
static int walk_no_symlinks(int root, const char *path)
{
    char buf[PATH_MAX];
    if (strlen(path) >= sizeof buf) {
        errno = ENAMETOOLONG;
        return failed("resolve the path");
    }
    strcpy(buf, path);
    int cur = openat(root, ".", O_PATH | O_CLOEXEC);
    if (cur < 0)
        return failed("open the root");
    for (char *save = NULL, *name = strtok_r(buf, "/", &save); name != NULL; name = strtok_r(NULL, "/", &save)) {
        if (strcmp(name, "..") == 0) {
            close(cur);
            errno = EINVAL;
            return failed("resolve a '..' component");
        }
        int next = openat(cur, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        close(cur);
        if (next < 0)
            return failed("open a path component");
        struct stat st;
        if (fstat(next, &st) < 0 || S_ISLNK(st.st_mode)) {
            int e = S_ISLNK(st.st_mode) ? ELOOP : errno;
            close(next);
            errno = e;
            return failed(e == ELOOP ? "a path component is a symlink" : "fstat");
        }
        cur = next;
    }
    return cur;
}

static int open_in_root(int root, const char *path, int no_symlinks, int nofollow,
                        int root_is_process_root)
{
    struct j_open_how how = {
        .flags = O_PATH | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0),
        .resolve = J_RESOLVE_IN_ROOT | J_RESOLVE_NO_MAGICLINKS
                   | (no_symlinks ? J_RESOLVE_NO_SYMLINKS : 0),
    };
    for (int tries = 0; tries < 16; tries++) {
        long fd = NEW_API(SYS_openat2, root, path, &how, sizeof how);
        if (fd >= 0)
            return (int)fd;
        /* EAGAIN: a rename raced with a ".." lookup in RESOLVE_IN_ROOT; the kernel asks to retry */
        if (errno != EAGAIN && errno != EINTR) {
            if (errno != ENOSYS)
                return failed("openat2");
            break;
        }
    }
    if (errno != ENOSYS)
        return failed("openat2 (retried)");
    /* Linux < 5.6. */
    if (no_symlinks)
        return walk_no_symlinks(root, path);
    if (root_is_process_root) {
        int fd = open(path, O_PATH | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0));
        return fd < 0 ? failed("open") : fd;
    }
    /* Resolve with `root` as the process's root for a moment, then come back. */
    int back = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (back < 0)
        return failed("open /");
    if (fchdir(root) < 0 || chroot(".") < 0) {
        close(back);
        return failed("chroot to the caller's root");
    }
    int fd = open(path, O_PATH | O_CLOEXEC | (nofollow ? O_NOFOLLOW : 0));
    int e = errno;
    if (fchdir(back) < 0 || chroot(".") < 0 || chdir("/") < 0) {
        close(back);
        return failed("chroot back to the staging root");
    }
    close(back);
    errno = e;
    return fd < 0 ? failed("open") : fd;
}

int mfd_open_in_root(int root, const char *path, int how, int root_is_process_root)
{
    int fd = open_in_root(root, path, how & MFD_NO_SYMLINKS, how & MFD_NO_FINAL_SYMLINK,
                          root_is_process_root);
    if (fd < 0 || !(how & MFD_NO_FINAL_SYMLINK))
        return fd;
    /* O_PATH|O_NOFOLLOW opens a final symlink itself */
    struct stat st;
    if (fstat(fd, &st) < 0 || S_ISLNK(st.st_mode)) {
        int e = S_ISLNK(st.st_mode) ? ELOOP : errno;
        close(fd);
        errno = e;
        return failed(e == ELOOP ? "the source itself is a symlink" : "fstat");
    }
    return fd;
}

int mfd_mount_id(int fd, uint64_t *id)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/self/fdinfo/%d", mfd_proc, fd);
    int f = open(path, O_RDONLY | O_CLOEXEC);
    if (f < 0)
        return failed("open fdinfo");
    char buf[512];
    ssize_t n = read(f, buf, sizeof buf - 1);
    close(f);
    if (n < 0)
        return failed("read fdinfo");
    buf[n] = '\0';
    char *p = strstr(buf, "mnt_id:");
    if (p == NULL) {
        errno = ENOTSUP;
        return failed("find mnt_id in fdinfo");
    }
    *id = strtoull(p + 7, NULL, 10);
    return 0;
}

/* The attributes one mount already has and must keep (statvfs), as MS_* flags: a remount
 * without them would ask to clear them, which a user namespace may not do for locked ones. */
static unsigned long kept_flags(const struct statvfs *sv)
{
    unsigned long f = 0;
    if (sv->f_flag & ST_NOSUID) f |= MS_NOSUID;
    if (sv->f_flag & ST_NODEV) f |= MS_NODEV;
    if (sv->f_flag & ST_NOEXEC) f |= MS_NOEXEC;
    if (sv->f_flag & ST_NOATIME) f |= MS_NOATIME;
    if (sv->f_flag & ST_NODIRATIME) f |= MS_NODIRATIME;
    if (sv->f_flag & ST_RELATIME) f |= MS_RELATIME;
    if (sv->f_flag & ST_RDONLY) f |= MS_RDONLY;
    return f;
}

static unsigned long ms_flags(unsigned attrs)
{
    return ((attrs & MFD_RDONLY) ? MS_RDONLY : 0) | ((attrs & MFD_NOSUID) ? MS_NOSUID : 0)
        | ((attrs & MFD_NODEV) ? MS_NODEV : 0) | ((attrs & MFD_NOEXEC) ? MS_NOEXEC : 0);
}

/* One mount: mount_setattr, else a bind remount that keeps what the mount has. */
static int set_one(int fd, unsigned attrs)
{
    struct j_mount_attr a = { .attr_set = attrs };
    if (NEW_API(SYS_mount_setattr, fd, "", AT_EMPTY_PATH, &a, sizeof a) == 0)
        return 0;
    if (errno != ENOSYS)
        return failed("mount_setattr");
    struct statvfs sv;
    if (fstatvfs(fd, &sv) < 0)
        return failed("fstatvfs");
    unsigned long keep = kept_flags(&sv), add = ms_flags(attrs);
    if ((keep & add) == add)
        return 0;
    char path[PATH_MAX];
    mfd_fd_path(path, fd);
    if (mount(NULL, path, NULL, MS_BIND | MS_REMOUNT | keep | add, NULL) < 0)
        return failed("remount");
    return 0;
}

int mfd_set_attrs(int fd, unsigned attrs, int recursive)
{
    if (!recursive)
        return set_one(fd, attrs);
    struct j_mount_attr a = { .attr_set = attrs };
    if (NEW_API(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | J_AT_RECURSIVE, &a, sizeof a) == 0)
        return 0;
    if (errno != ENOSYS)
        return failed("mount_setattr (recursive)");
    return mfd_set_attrs_below(fd, attrs, NULL, 0);
}

/* /proc/self/mountinfo, read whole, and its lines: mount id, parent id, mount point. */
#define MI_MAX 16384
static char mi_text[1 << 20] LAUNCHER_LARGE;
static struct mi_entry { uint64_t id, parent; char *path; } mi[MI_MAX] LAUNCHER_LARGE;
static int n_mi;

/* Undoes the octal escapes of mountinfo (\040 space, \011 tab, \012 newline, \134 backslash). */
static void unescape(char *s)
{
    char *o = s;
    for (char *p = s; *p; ) {
        if (p[0] == '\\' && p[1] >= '0' && p[1] <= '3' && p[2] >= '0' && p[2] <= '7'
            && p[3] >= '0' && p[3] <= '7') {
            *o++ = (char)((p[1] - '0') * 64 + (p[2] - '0') * 8 + (p[3] - '0'));
            p += 4;
        } else {
            *o++ = *p++;
        }
    }
    *o = '\0';
}

static int read_mountinfo(void)
{
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/self/mountinfo", mfd_proc);
    int f = open(path, O_RDONLY | O_CLOEXEC);
    if (f < 0)
        return failed("open /proc/self/mountinfo");
    size_t len = 0;
    for (;;) {
        if (len == sizeof mi_text - 1) {
            close(f);
            errno = E2BIG;
            return failed("read /proc/self/mountinfo (over 1 MiB)");
        }
        ssize_t n = read(f, mi_text + len, sizeof mi_text - 1 - len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            close(f);
            return failed("read /proc/self/mountinfo");
        }
        if (n == 0)
            break;
        len += (size_t)n;
    }
    close(f);
    mi_text[len] = '\0';
    n_mi = 0;
    for (char *line = mi_text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        if (n_mi == MI_MAX) {
            errno = E2BIG;
            return failed("read /proc/self/mountinfo (over 16384 mounts)");
        }
        char *f[5];
        char *save = NULL, *p = line;
        int k = 0;
        for (; k < 5 && (f[k] = strtok_r(p, " ", &save)) != NULL; k++)
            p = NULL;
        if (k < 5)
            continue;
        unescape(f[4]);
        mi[n_mi++] = (struct mi_entry){ strtoull(f[0], NULL, 10), strtoull(f[1], NULL, 10), f[4] };
    }
    return 0;
}

static const struct mi_entry *mi_find(uint64_t id)
{
    for (int i = 0; i < n_mi; i++)
        if (mi[i].id == id)
            return &mi[i];
    return NULL;
}

static int listed(uint64_t id, const uint64_t *ids, int n)
{
    for (int i = 0; i < n; i++)
        if (ids[i] == id)
            return 1;
    return 0;
}

/* Whether mount e lies below top, with no skipped mount on the way (e itself included). */
static int below(const struct mi_entry *e, uint64_t top, const uint64_t *skip, int n_skip)
{
    for (int depth = 0; e != NULL && depth < MI_MAX; depth++) {
        if (e->id == top)
            return depth > 0;
        if (listed(e->id, skip, n_skip))
            return 0;
        if (e->parent == e->id)
            return 0;
        e = mi_find(e->parent);
    }
    return 0;
}

int mfd_set_attrs_below(int top_fd, unsigned attrs, const uint64_t *skip, int n_skip)
{
    uint64_t top;
    if (mfd_mount_id(top_fd, &top) < 0 || set_one(top_fd, attrs) < 0 || read_mountinfo() < 0)
        return -1;
    for (int i = 0; i < n_mi; i++) {
        if (!below(&mi[i], top, skip, n_skip))
            continue;
        struct j_open_how how = {
            .flags = O_PATH | O_CLOEXEC, .resolve = J_RESOLVE_NO_SYMLINKS | J_RESOLVE_NO_MAGICLINKS,
        };
        long fd = NEW_API(SYS_openat2, AT_FDCWD, mi[i].path, &how, sizeof how);
        if (fd < 0 && errno == ENOSYS)
            fd = open(mi[i].path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            /* gone, or beyond a symlink (then not reachable as a mount point either) */
            if (errno == ENOENT || errno == ELOOP)
                continue;
            return failed("open a submount");
        }
        uint64_t id;
        int r = mfd_mount_id((int)fd, &id);
        /* Another mount on top of this one at the same place: it cannot be reached by path
         * (and cannot be uncovered where the kernel locks mounts together). */
        if (r == 0 && id == mi[i].id)
            r = set_one((int)fd, attrs);
        close((int)fd);
        if (r < 0)
            return -1;
    }
    return 0;
}

/* After an attach without mount_setattr on the copy: the attributes on the attached mounts. */
static int attrs_after_attach(int dir, const char *name, unsigned attrs, int recursive)
{
    int top = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (top < 0)
        return failed("open the new mount");
    int r = recursive ? mfd_set_attrs_below(top, attrs, NULL, 0) : set_one(top, attrs);
    int e = errno;
    close(top);
    errno = e;
    return r;
}

int mfd_attach_tree(int tree, int dir, const char *name, unsigned attrs, int recursive)
{
    int dst = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (dst < 0)
        return failed("open the destination");
    /* Attributes on the detached copy: it is read-only (nosuid, nodev) before it is visible
     * anywhere, all the way down, hidden mounts included. */
    int attrs_done = attrs == 0;
    struct j_mount_attr a = { .attr_set = attrs };
    if (!attrs_done) {
        if (NEW_API(SYS_mount_setattr, tree, "", AT_EMPTY_PATH | (recursive ? J_AT_RECURSIVE : 0),
                    &a, sizeof a) == 0)
            attrs_done = 1;
        else if (errno != ENOSYS) {
            close(dst);
            return failed("mount_setattr on the copy");
        }
    }
    if (NEW_API(SYS_move_mount, tree, "", dst, "",
                J_MOVE_MOUNT_F_EMPTY_PATH | J_MOVE_MOUNT_T_EMPTY_PATH) < 0) {
        int e = errno;
        close(dst);
        errno = e;
        return failed("move_mount");
    }
    close(dst);
    return attrs_done ? 0 : attrs_after_attach(dir, name, attrs, recursive);
}

int mfd_bind(int src, int dir, const char *name, unsigned attrs, int recursive)
{
    long tree = NEW_API(SYS_open_tree, src, "", J_OPEN_TREE_CLONE | O_CLOEXEC | AT_EMPTY_PATH
                        | (recursive ? J_AT_RECURSIVE : 0));
    if (tree >= 0) {
        int r = mfd_attach_tree((int)tree, dir, name, attrs, recursive);
        int e = errno;
        close((int)tree);
        errno = e;
        return r;
    }
    if (errno != ENOSYS)
        return failed("open_tree");
    /* Linux < 5.2: the classic bind, from the fd and onto the fd. */
    int dst = openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (dst < 0)
        return failed("open the destination");
    char from[PATH_MAX], to[PATH_MAX];
    mfd_fd_path(from, src);
    mfd_fd_path(to, dst);
    int r = mount(from, to, NULL, MS_BIND | (recursive ? MS_REC : 0), NULL);
    int e = errno;
    close(dst);
    if (r < 0) {
        errno = e;
        return failed("bind mount");
    }
    return attrs == 0 ? 0 : attrs_after_attach(dir, name, attrs, recursive);
}
