/* Idmapped binds (issue 19; docs/launcher-protocol.md, MOUNT_IDMAP).
 *
 * A bind whose entry has a MOUNT_IDMAP record is cloned as a detached tree and idmapped by S,
 * before C exists; C inherits the tree's fd and attaches it where the entry says (mounts.c).
 * Only S can do it: the kernel lets a mount be idmapped only by a process with CAP_SYS_ADMIN in
 * the user namespace of the source's file system (the initial one for the host's disks) and in
 * the user namespace of the idmap, and C has capabilities only in its own user namespace. The
 * tree must be detached (never attached anywhere) when it is idmapped, so it is made here with
 * open_tree(OPEN_TREE_CLONE) and attached by C with move_mount.
 *
 * The idmap is a user namespace of its own, made for the maps the JVM computed: a throwaway
 * process creates it, S writes its maps and keeps an fd of it, and the process exits. Its maps
 * say which on-disk id each host id of the sandbox reads and writes as (uid_map lines
 * "on-disk host count"); ids it does not map cannot create files there (EOVERFLOW) and see
 * files of unmapped owners as the overflow id. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launcher.h"
#include "mountfd.h"
#include "status.h"
#include "steps.h"

#ifndef MOUNT_ATTR_IDMAP
#define MOUNT_ATTR_IDMAP 0x00100000
#endif
#ifndef OPEN_TREE_CLONE
#define OPEN_TREE_CLONE 1
#endif
#ifndef OPEN_TREE_CLOEXEC
#define OPEN_TREE_CLOEXEC O_CLOEXEC
#endif

/* fd + 1 of each entry's idmapped tree (0: none), owned by S until clone, then by C. */
static int tree_fds[SPEC_MAX_MOUNTS] LAUNCHER_LARGE;
static int n_trees;             /* set entries of tree_fds: none, and S need not read the array */

static const char *op_label(uint32_t op)
{
    return op == MOUNT_RO_BIND ? "roBind" : op == MOUNT_DEV_BIND ? "devBind" : "bind";
}

/* Reports a failure of entry `index` the way mounts.c does, so the JVM names the entry. */
__attribute__((noreturn))
static void fail_entry(int index, const struct mount_entry *m, int err, const char *what)
{
    report_error(STEP_IDMAP_MOUNT, err, "entry %d (%s %s -> %s): %s", index, op_label(m->op),
                 m->src, m->dst, what);
}

int idmap_tree(int tree_fd, int userns_fd)
{
    /* Recursive: every mount of the tree gets the idmap (each file system must support it).
     * nosuid and nodev with it: a file of the sandbox's making must never gain privileges. */
    struct mount_attr attr;
    memset(&attr, 0, sizeof attr);
    attr.attr_set = MOUNT_ATTR_IDMAP | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
    attr.userns_fd = (uint64_t)userns_fd;
    if (syscall(SYS_mount_setattr, tree_fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr,
                sizeof attr) < 0)
        return errno;
    return 0;
}

static void write_map(pid_t pid, const char *name, const char *text, int index,
                      const struct mount_entry *m)
{
    char path[64];
    snprintf(path, sizeof path, "%d/%s", (int)pid, name);
    int fd = openat(proc_fd, path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        fail_entry(index, m, errno, "open the idmap's uid_map/gid_map");
    size_t len = strlen(text);
    ssize_t n = write(fd, text, len);   /* one write: the kernel takes a map only whole */
    if (n != (ssize_t)len)
        fail_entry(index, m, n < 0 ? errno : EIO, name[0] == 'u' ? "write the idmap's uid_map"
                                                                 : "write the idmap's gid_map");
    if (close(fd) < 0)
        fail_entry(index, m, errno, "close the idmap's map file");
}

/* A user namespace with these maps, as an fd; the process that made it is gone on return. */
static int make_userns(int index, const struct mount_entry *m)
{
    int hold[2];
    if (pipe2(hold, O_CLOEXEC) < 0)
        fail_entry(index, m, errno, "pipe for the idmap's process");
    pid_t pid = raw_clone(CLONE_NEWUSER);
    if (pid < 0)
        fail_entry(index, m, errno, "clone the idmap's user namespace");
    if (pid == 0) {
        /* Only keeps the namespace alive until S has its fd: EOF (S done, or S dead) ends it. */
        char b;
        (void)close(hold[1]);   /* the child only waits for EOF on its read end */
        ssize_t r;
        do
            r = read(hold[0], &b, 1);
        while (r < 0 && errno == EINTR);
        _exit(0);
    }
    if (close(hold[0]) < 0)
        fail_entry(index, m, errno, "close the idmap process's pipe");
    write_map(pid, "uid_map", m->idmap_uid, index, m);
    write_map(pid, "gid_map", m->idmap_gid, index, m);
    char path[64];
    snprintf(path, sizeof path, "%d/ns/user", (int)pid);
    int ns = openat(proc_fd, path, O_RDONLY | O_CLOEXEC);
    int open_errno = errno;
    if (close(hold[1]) < 0)     /* releases the idmap's process: it exits */
        fail_entry(index, m, errno, "close the idmap process's pipe");
    while (waitpid(pid, NULL, 0) < 0)
        if (errno != EINTR)
            fail_entry(index, m, errno, "wait for the idmap's process");
    if (ns < 0)
        fail_entry(index, m, open_errno, "open the idmap's user namespace");
    return ns;
}

void idmount_prepare(const struct spec *s)
{
    int root = -1;
    for (int i = 0; i < s->n_mounts; i++) {
        const struct mount_entry *m = &s->mounts[i];
        if (m->idmap_uid == NULL)
            continue;
        /* The source in S's view, which is the caller's (after the joins) and the one C's mount
         * namespace is copied from; opened by the same rules as C opens it (mounts.c: never a magic
         * link, no symlink at a writable bind's source, none at all for strict sources), and the fd
         * is what gets cloned, so a swap after the check changes nothing. */
        if (root < 0 && (root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
            fail_entry(i, m, errno, "open /");
        int how = ((m->flags & MOUNT_FLAG_NO_SYMLINKS) ? MFD_NO_SYMLINKS : 0)
            | (m->op != MOUNT_RO_BIND ? MFD_NO_FINAL_SYMLINK : 0);
        int src = mfd_open_in_root(root, m->src, how, 1);
        if (src < 0) {
            if (errno == ENOENT && (m->flags & MOUNT_FLAG_TRY))
                continue;               /* C skips the entry too */
            int e = errno;
            char what[160];
            snprintf(what, sizeof what, "source: %s", mfd_what);
            fail_entry(i, m, e, what);
        }
        int tree = (int)syscall(SYS_open_tree, src, "",
                                OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE | AT_EMPTY_PATH);
        int tree_errno = errno;
        if (close(src) < 0)
            fail_entry(i, m, errno, "close the source");
        if (tree < 0)
            fail_entry(i, m, tree_errno, tree_errno == ENOSYS ? "open_tree: the kernel has no open_tree "
                       "(Linux 5.2+; idmapped mounts need 5.12+)" : "open_tree of the source");
        int ns = make_userns(i, m);
        int e = idmap_tree(tree, ns);
        if (close(ns) < 0)      /* the tree keeps the user namespace it was idmapped with */
            fail_entry(i, m, errno, "close the idmap's user namespace");
        if (e != 0)
            fail_entry(i, m, e, e == ENOSYS ? "mount_setattr: the kernel has no mount_setattr "
                       "(idmapped mounts need Linux 5.12+)" : "mount_setattr(MOUNT_ATTR_IDMAP)");
        tree_fds[i] = tree + 1;
        n_trees++;
    }
    if (root >= 0 && close(root) < 0)
        report_error(STEP_IDMAP_MOUNT, errno, "close /");
}

int idmount_take(int index)
{
    if (index < 0 || index >= SPEC_MAX_MOUNTS || tree_fds[index] == 0)
        return -1;
    int fd = tree_fds[index] - 1;
    tree_fds[index] = 0;
    return fd;
}

int idmount_pending(void)
{
    return n_trees > 0;
}

void idmount_release(void)
{
    if (n_trees == 0)
        return;
    n_trees = 0;
    for (int i = 0; i < SPEC_MAX_MOUNTS; i++)
        if (tree_fds[i] != 0) {
            /* S's copy: C holds its own. A failure leaves nothing to undo. */
            (void)close(tree_fds[i] - 1);
            tree_fds[i] = 0;
        }
}
