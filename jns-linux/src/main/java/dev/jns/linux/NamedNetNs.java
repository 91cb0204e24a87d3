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
    private static final int O_EXCL = 0200;

    private NamedNetNs() {
    }

    static NsHandle add(String name) {
        String what = "ip netns add " + name;
        Path dir = NetNs.DIR;
        Path file = dir.resolve(name);
        int made = Sys.tryMkdir(dir.toString(), 0755);
        if (made < 0 && made != -Errno.EEXIST) {
            throw Sys.fail(what, "mkdir " + dir, -made, NamedNetNs::hint);
        }
        makeShared(what, dir);
        int fd = Sys.open(what, "create " + file, file.toString(), Native.O_RDONLY | Native.O_CREAT | O_EXCL, 0,
                e -> e == Errno.EEXIST ? "a network namespace of that name exists (ip netns list)" : hint(e));
        Sys.closeQuietly(fd);
        NsHandle h = null;
        try {
            h = Create.create(java.util.List.of(NamespaceType.NET)).get(0);
            Sys.mount(what, "bind mount on " + file, "/proc/self/fd/" + ((LinuxNsHandle) h).fd(what), file.toString(),
                    "none", Native.MS_BIND, NamedNetNs::hint);
            NsHandle done = h;
            h = null;
            return done;
        } catch (RuntimeException e) {
            if (h != null) {
                h.close();
            }
            Sys.tryUnlink(file.toString()); // best effort: the file is ours, the failure above is what counts
            throw e;
        }
    }

    /** As iproute2: try to make the directory shared; if it is no mount point (EINVAL), bind it onto itself once. */
    private static void makeShared(String what, Path dir) {
        boolean bound = false;
        int r;
        while ((r = Sys.tryMount("", dir.toString(), "none", MS_SHARED | MS_REC)) != 0) {
            if (r != -Errno.EINVAL || bound) {
                throw Sys.fail(what, "make " + dir + " a shared mount", -r, NamedNetNs::hint);
            }
            Sys.mount(what, "bind mount " + dir + " on itself", dir.toString(), dir.toString(), "none",
                    Native.MS_BIND | MS_REC, NamedNetNs::hint);
            bound = true;
        }
    }

    static void delete(String name) {
        String what = "ip netns delete " + name;
        Path file = NetNs.DIR.resolve(name);
        int r = Sys.tryUmount2(file.toString(), Native.MNT_DETACH);
        if (r < 0) {
            int e = -r;
            if (e == Errno.ENOENT) {
                throw NamespaceException.builder(what).step("umount " + file).errno(e)
                        .detail("no network namespace named " + name).hint("see NetNs.list() or ip netns list").build();
            }
            if (e != Errno.EINVAL) { // EINVAL: not mounted, a leftover file: remove it anyway, as ip does
                throw NamespaceException.builder(what).step("umount " + file).errno(e).hint(hint(e)).build();
            }
        }
        int removed = Sys.tryUnlink(file.toString());
        if (removed < 0) {
            throw Sys.fail(what, "remove " + file, -removed, NamedNetNs::hint);
        }
    }

    private static String hint(int e) {
        return e == Errno.EPERM || e == Errno.EACCES
                ? "named network namespaces live in /run/netns, which needs root (as ip netns)" : null;
    }
}
