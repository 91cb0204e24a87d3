package dev.jns.linux;

import dev.jns.Errno;
import dev.jns.NamespaceException;
import dev.jns.NamespaceType;
import dev.jns.linux.ffi.Native;
import dev.jns.linux.ffi.Sys;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Keeping namespaces by bind mount, as {@code unshare --TYPE=FILE} and {@code ip netns add} do. */
final class Persistence {
    private Persistence() {
    }

    static void bind(String what, int fd, NamespaceType type, Path target) {
        Path dir = target.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw NamespaceException.builder(what).step("check " + dir).errno(Errno.ENOENT)
                    .detail("the directory does not exist").hint("create it first (ip netns uses /run/netns)").build();
        }
        boolean created = false;
        try {
            Files.createFile(target);
            created = true;
        } catch (FileAlreadyExistsException e) {
            if (Files.isDirectory(target)) {
                throw NamespaceException.builder(what).step("check " + target).errno(Errno.EISDIR)
                        .hint("a namespace is kept on a file, not a directory").build();
            }
        } catch (IOException e) {
            throw NamespaceException.builder(what).step("create " + target).errno(Errno.EACCES).detail(e.getMessage())
                    .cause(e).build();
        }
        int r = Sys.tryMount("/proc/self/fd/" + fd, target.toString(), null, Native.MS_BIND);
        if (r < 0) {
            int e = -r;
            if (created) {
                try {
                    Files.deleteIfExists(target);
                } catch (IOException ignored) {
                    // best effort: the mount failed, the empty file is ours
                }
            }
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
    }

    static void unbind(Path path) {
        String what = "unpersist " + path;
        // EBUSY can be momentary: another thread's posix_spawn child holds a copy of every fd (the handle's
        // included) until its exec closes them. Detach then, as `ip netns delete` does: the mount leaves the
        // tree at once and the namespace lives only as long as those fds (found by ConcurrentHandlesTest).
        int r = Sys.tryUmount2(path.toString(), 0);
        if (r == -Errno.EBUSY) {
            r = Sys.tryUmount2(path.toString(), Native.MNT_DETACH);
        }
        if (r < 0) {
            int e = -r;
            String hint = switch (e) {
                case Errno.EINVAL -> "nothing is mounted there";
                case Errno.ENOENT -> "no such file";
                case Errno.EPERM -> "unmounting needs CAP_SYS_ADMIN over the mount namespace";
                case Errno.EBUSY -> "busy: a process still uses the mount";
                default -> null;
            };
            throw NamespaceException.builder(what).step("umount " + path).errno(e).hint(hint).build();
        }
    }
}
