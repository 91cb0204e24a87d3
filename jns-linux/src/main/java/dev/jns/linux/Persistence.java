package dev.jns.linux;

import dev.jns.Errno;
import dev.jns.NamespaceException;
import dev.jns.NamespaceType;
import dev.jns.linux.ffi.Native;
import dev.jns.linux.ffi.Sys;

import java.nio.file.Path;


/**
 * Keeping namespaces by bind mount, as {@code unshare --TYPE=FILE} and {@code ip netns add} do, without ever
 * following another user's symlink: the target's directory is opened by {@link SafePaths#openDirectory}, the
 * target is created there with {@code O_CREAT|O_EXCL|O_NOFOLLOW} (or reused only when it is an empty regular file
 * of the caller's own), and the namespace is mounted onto that fd. {@code unpersist} opens the path with
 * {@code O_NOFOLLOW}, checks that it is an nsfs mount ({@code statfs} NSFS_MAGIC) and detaches exactly that
 * mount, through its fd; anything else is refused.
 */
final class Persistence {
    private Persistence() {
    }

    static void bind(String what, int nsFd, NamespaceType type, Path target) {
        Path abs = target.toAbsolutePath();
        Path dirPath = abs.getParent();
        if (dirPath == null || abs.getFileName() == null) {
            throw NamespaceException.builder(what).step("check " + target).errno(Errno.EINVAL).detail("not a file path").build();
        }
        String name = abs.getFileName().toString();
        int dir = SafePaths.openDirectory(what, dirPath);
        int fd = -1;
        boolean created = false;
        try {
            fd = Sys.tryOpenat(dir, name, Native.O_RDONLY | Native.O_CREAT | Native.O_EXCL | Native.O_NOFOLLOW, 0444);
            if (fd >= 0) {
                created = true;
            } else if (fd == -Errno.EEXIST) {
                fd = reusable(what, dir, name, abs);
            } else {
                int e = -fd;
                throw NamespaceException.builder(what).step("create " + abs).errno(e).hint(e == Errno.EACCES ? "the directory is not writable by the caller" : null).build();
            }
            int mounted = Sys.tryMount(SafePaths.fdPath(nsFd), SafePaths.fdPath(fd), null, Native.MS_BIND);
            if (mounted < 0) {
                int e = -mounted;
                String hint = switch (e) {
                    case Errno.EPERM -> "bind mounts need CAP_SYS_ADMIN over the mount namespace of " + target;
                    case Errno.EINVAL -> type == NamespaceType.MOUNT
                            ? "a mount namespace can only be kept on a private mount outside it: "
                              + "mount --bind DIR DIR && mount --make-private DIR, as unshare(1) explains"
                            : "the target's file system refuses the bind mount";
                    default -> null;
                };
                throw NamespaceException.builder(what).step("bind mount on " + target).errno(e).hint(hint).build();
            }
            created = false;
        } finally {
            if (created) {
                removeIfSame(dir, name, fd);
            }
            Sys.closeQuietly(fd);
            Sys.closeQuietly(dir);
        }
    }

    /** An existing target: an fd of it when it is an empty regular file of the caller's own, else refused. */
    private static int reusable(String what, int dir, String name, Path abs) {
        int fd = Sys.tryOpenat(dir, name, Native.O_PATH | Native.O_NOFOLLOW, 0);
        if (fd < 0) {
            throw Sys.fail(what, "open " + abs, -fd, Sys.Hint.NONE);
        }
        try {
            Sys.FileStat st = SafePaths.stat(what, fd, "");
            long euid = Sys.geteuid();
            if (st.isLink()) {
                throw NamespaceException.builder(what).step("check " + abs).errno(SafePaths.ELOOP).detail("it is a symlink").hint("persist never follows a symlink: remove it or choose another path").build();
            }
            if (st.isDirectory()) {
                throw NamespaceException.builder(what).step("check " + abs).errno(Errno.EISDIR).hint("a namespace is kept on a file, not a directory").build();
            }
            if (SafePaths.isNsfs(what, fd)) {
                throw NamespaceException.builder(what).step("check " + abs).errno(Errno.EBUSY).detail("a namespace is kept there already").hint("Namespaces.unpersist(path) first").build();
            }
            if (!st.isRegular() || st.uid() != euid || st.size() != 0) {
                throw NamespaceException.builder(what).step("check " + abs).errno(Errno.EEXIST).detail(!st.isRegular() ? "not a regular file" : st.uid() != euid ? "owned by uid " + st.uid() : st.size() + " bytes").hint("an existing file is reused only when it is an empty regular file of the caller's own: " + "remove it or choose another path").build();
            }
            int ok = fd;
            fd = -1;
            return ok;
        } finally {
            Sys.closeQuietly(fd);
        }
    }

    /** Removes {@code name} from {@code dir} if it still is the file {@code fd} created (best effort). */
    static void removeIfSame(int dir, String name, int fd) {
        try {
            Sys.FileStat mine = SafePaths.stat("remove", fd, "");
            Sys.FileStat there = SafePaths.stat("remove", dir, name);
            if (mine.dev() == there.dev() && mine.ino() == there.ino()) {
                Sys.tryUnlinkat(dir, name, 0);
            }
        } catch (NamespaceException ignored) {
            // gone already, or replaced: leave whatever is there now
        }
    }

    static void unbind(Path path) {
        String what = "unpersist " + path;
        Path abs = path.toAbsolutePath();
        if (abs.getParent() == null || abs.getFileName() == null) {
            throw NamespaceException.builder(what).step("check " + path).errno(Errno.EINVAL).detail("not a file path").build();
        }
        int dir = SafePaths.openDirectory(what, abs.getParent());
        int fd = -1;
        try {
            fd = Sys.tryOpenat(dir, abs.getFileName().toString(), Native.O_PATH | Native.O_NOFOLLOW, 0);
            if (fd < 0) {
                int e = -fd;
                throw NamespaceException.builder(what).step("open " + path).errno(e).hint(e == Errno.ENOENT ? "no such file" : null).build();
            }
            detachNsfs(what, fd, path);
        } finally {
            Sys.closeQuietly(fd);
            Sys.closeQuietly(dir);
        }
    }

    /**
     * Detaches the nsfs mount {@code fd} (opened O_PATH|O_NOFOLLOW) is the root of, through that fd, so that the
     * mount removed is the one checked. Detached (MNT_DETACH), as {@code ip netns delete} does: our own fd keeps
     * the mount busy, and another thread's posix_spawn child may hold a copy of a handle's fd for a moment.
     */
    static void detachNsfs(String what, int fd, Path path) {
        Sys.FileStat st = SafePaths.stat(what, fd, "");
        if (st.isLink()) {
            throw NamespaceException.builder(what).step("check " + path).errno(SafePaths.ELOOP).detail("it is a symlink").hint("a kept namespace is a file: unpersist never follows a symlink").build();
        }
        long type = SafePaths.fsType(what, fd);
        if (type != Native.NSFS_MAGIC) {
            throw NamespaceException.builder(what).step("check " + path).errno(Errno.EINVAL).detail("not a kept namespace (file system type 0x" + Long.toHexString(type) + ", not nsfs)").hint("nothing is mounted there by persist(); jns unmounts only a namespace kept there").build();
        }
        int r = Sys.tryUmount2(SafePaths.fdPath(fd), Native.MNT_DETACH);
        if (r < 0) {
            int e = -r;
            throw NamespaceException.builder(what).step("umount " + path).errno(e).hint(e == Errno.EPERM ? "unmounting needs CAP_SYS_ADMIN over the mount namespace" : null).build();
        }
    }
}
