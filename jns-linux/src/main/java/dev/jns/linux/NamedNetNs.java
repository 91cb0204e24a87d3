package dev.jns.linux;

import dev.jns.Errno;
import dev.jns.NamespaceException;
import dev.jns.NamespaceType;
import dev.jns.net.NetNs;
import dev.jns.NsHandle;
import dev.jns.linux.ffi.Native;
import dev.jns.linux.ffi.Sys;

import java.nio.file.Path;


/**
 * {@code ip netns add/delete}, the iproute2 way, so that both tools see the same namespaces:
 * {@code /run/netns} is made a shared mount (a bind mount of itself the first time), so that the bind mounts
 * under it reach other mount namespaces; {@code add} creates {@code /run/netns/NAME} exclusively, creates a
 * network namespace on a throwaway thread and bind-mounts it there; {@code delete} detaches the mount
 * ({@code MNT_DETACH}) and removes the file.
 */
final class NamedNetNs {
    private static final long MS_REC = 0x4000;
    private static final long MS_SHARED = 1 << 20;

    private NamedNetNs() {
    }

    static NsHandle add(String name) {
        String what = "ip netns add " + name;
        Path dir = NetNs.DIR;
        Path file = dir.resolve(name);
        int made = Sys.tryMkdir(dir.toString(), 0755);
        if (made < 0 && made != -Errno.EEXIST) {
            throw NamespaceException.builder(what).step("mkdir " + dir).errno(-made).hint(hint(-made)).build();
        }
        makeShared(what, dir);
        // the directory by fd (no symlink of another user on the way), the file created there exclusively and
        // never through a symlink, the namespace mounted onto that fd
        int dirFd = SafePaths.openDirectory(what, dir);
        int fd = Sys.tryOpenat(dirFd, name, Native.O_RDONLY | Native.O_CREAT | Native.O_EXCL | Native.O_NOFOLLOW, 0);
        if (fd < 0) {
            int e = -fd;
            Sys.closeQuietly(dirFd);
            throw NamespaceException.builder(what).step("create " + file).errno(e).hint(e == Errno.EEXIST ? "a network namespace of that name exists (ip netns list)" : hint(e)).build();
        }
        NsHandle h = null;
        try {
            h = Create.create(java.util.List.of(NamespaceType.NET)).get(0);
            int mounted = Sys.tryMount(SafePaths.fdPath(((LinuxNsHandle) h).fd(what)), SafePaths.fdPath(fd), "none",
                    Native.MS_BIND);
            if (mounted < 0) {
                int e = -mounted;
                throw NamespaceException.builder(what).step("bind mount on " + file).errno(e).hint(hint(e)).build();
            }
            NsHandle done = h;
            h = null;
            return done;
        } catch (RuntimeException e) {
            if (h != null) {
                h.close();
            }
            Persistence.removeIfSame(dirFd, name, fd);
            throw e;
        } finally {
            Sys.closeQuietly(fd);
            Sys.closeQuietly(dirFd);
        }
    }

    /** As iproute2: try to make the directory shared; if it is no mount point (EINVAL), bind it onto itself once. */
    private static void makeShared(String what, Path dir) {
        boolean bound = false;
        for (int r; (r = Sys.tryMount("", dir.toString(), "none", MS_SHARED | MS_REC)) < 0; ) {
            int e = -r;
            if (e != Errno.EINVAL || bound) {
                throw NamespaceException.builder(what).step("make " + dir + " a shared mount").errno(e).hint(hint(e)).build();
            }
            int r2 = Sys.tryMount(dir.toString(), dir.toString(), "none", Native.MS_BIND | MS_REC);
            if (r2 < 0) {
                int e2 = -r2;
                throw NamespaceException.builder(what).step("bind mount " + dir + " on itself").errno(e2).hint(hint(e2)).build();
            }
            bound = true;
        }
    }

    static void delete(String name) {
        String what = "ip netns delete " + name;
        Path file = NetNs.DIR.resolve(name);
        int dirFd;
        try {
            dirFd = SafePaths.openDirectory(what, NetNs.DIR);
        } catch (NamespaceException e) {
            if (e.errno() == Errno.ENOENT) {
                throw NamespaceException.builder(what).step("open " + NetNs.DIR).errno(Errno.ENOENT).detail("no network namespace named " + name).hint("see NetNs.list() or ip netns list").build();
            }
            throw e;
        }
        int fd = -1;
        try {
            fd = Sys.tryOpenat(dirFd, name, Native.O_PATH | Native.O_NOFOLLOW, 0);
            if (fd < 0) {
                int e = -fd;
                throw NamespaceException.builder(what).step("open " + file).errno(e).detail(e == Errno.ENOENT ? "no network namespace named " + name : null).hint(e == Errno.ENOENT ? "see NetNs.list() or ip netns list" : hint(e)).build();
            }
            if (SafePaths.isNsfs(what, fd)) {
                Persistence.detachNsfs(what, fd, file);
            } else {
                // not mounted: a leftover empty file is removed, as ip does; anything else is not ours to touch
                Sys.FileStat st = SafePaths.stat(what, fd, "");
                if (!st.isRegular() || st.size() != 0) {
                    throw NamespaceException.builder(what).step("check " + file).errno(Errno.EINVAL).detail(st.isLink() ? "a symlink" : "neither a kept namespace nor an empty file").hint("only a network namespace kept there (or its empty leftover file) is deleted").build();
                }
            }
            int removed = Sys.tryUnlinkat(dirFd, name, 0);
            if (removed < 0) {
                int e = -removed;
                throw NamespaceException.builder(what).step("remove " + file).errno(e).hint(hint(e)).build();
            }
        } finally {
            Sys.closeQuietly(fd);
            Sys.closeQuietly(dirFd);
        }
    }

    private static String hint(int e) {
        return e == Errno.EPERM || e == Errno.EACCES
                ? "named network namespaces live in /run/netns, which needs root (as ip netns)" : null;
    }
}
