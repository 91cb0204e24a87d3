/* C: mounting by file descriptor. Each path is resolved once into an fd and the fd is what gets
 * mounted, so that a rename or a symlink swapped in after the check changes nothing. The new
 * mount API (openat2, open_tree, move_mount, mount_setattr) where the kernel has it; the classic
 * calls through /proc/self/fd and a walk of /proc/self/mountinfo where it does not (ENOSYS).
 * Every function returns -1 with errno set and mfd_what naming the call that failed. */
#ifndef JNS_MOUNTFD_H
#define JNS_MOUNTFD_H

#include <stdint.h>

/* Mount attributes (the MOUNT_ATTR_* values of mount_setattr(2)). */
enum {
    MFD_RDONLY = 0x1,
    MFD_NOSUID = 0x2,
    MFD_NODEV = 0x4,
    MFD_NOEXEC = 0x8,
};

/* The call that failed last, for error details. */
extern _Thread_local const char *mfd_what;

/* The /proc that /proc/self/fd and /proc/self/mountinfo are read from ("/proc", or the caller's
 * /proc below the old root while a root switch is staged). */
extern _Thread_local const char *mfd_proc;

/* How mfd_open_in_root resolves: through no symlink at all; not when the last component is one. */
enum { MFD_NO_SYMLINKS = 1, MFD_NO_FINAL_SYMLINK = 2 };

/* Opens `path` as an O_PATH fd, resolved inside `root` (absolute symlinks and ".." stay within
 * it, as if `root` were the process's root), never through a magic link (/proc/PID/root and the
 * like); `how` (MFD_*) refuses symlinks with ELOOP. `root_is_process_root` says that `root` is
 * "/" of this process (the fallback without openat2 then needs no chroot). */
int mfd_open_in_root(int root, const char *path, int how, int root_is_process_root);

/* The id of the mount `fd` lies on (as in /proc/self/mountinfo), read from fdinfo. */
int mfd_mount_id(int fd, uint64_t *id);

/* Sets `attrs` (MFD_*) on the mount `fd` lies on, and with `recursive` on every mount below it
 * (hidden ones too where mount_setattr exists). Attributes are only ever added, never cleared,
 * so flags the kernel locks in a user namespace are kept. */
int mfd_set_attrs(int fd, unsigned attrs, int recursive);

/* Sets `attrs` on the mount `top` and on every mount below it, except the mounts listed in
 * skip[] and everything below those: a walk of /proc/self/mountinfo. A mount hidden under
 * another one at the same place cannot be reached by path and is left as it is. */
int mfd_set_attrs_below(int top_fd, unsigned attrs, const uint64_t *skip, int n_skip);

/* Binds the object `src` (an O_PATH fd, with every mount below it when `recursive`) onto the
 * existing node `name` in the directory `dir`, with `attrs` added to every mount of the copy. */
int mfd_bind(int src, int dir, const char *name, unsigned attrs, int recursive);

/* Attaches the detached mount tree `tree` (from open_tree(OPEN_TREE_CLONE), e.g. an idmapped one)
 * onto the existing node `name` in `dir`, with `attrs` added first (to every mount of it with
 * `recursive`). The caller keeps and closes `tree`. */
int mfd_attach_tree(int tree, int dir, const char *name, unsigned attrs, int recursive);

/* "<mfd_proc>/self/fd/N" in out (PATH_MAX bytes). */
void mfd_fd_path(char *out, int fd);

#endif
