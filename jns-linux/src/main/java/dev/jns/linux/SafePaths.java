package dev.jns.linux;

import dev.jns.Errno;
import dev.jns.NamespaceException;
import dev.jns.linux.ffi.Native;
import dev.jns.linux.ffi.Sys;


import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;


/**
 * Paths that another user may have prepared (persist targets, /run/netns entries), resolved by file descriptor:
 * one component at a time, following a symlink only when root or the caller owns it, so that another user's
 * symlink can never send a mount (or an unmount) somewhere else. What is then mounted on or unmounted is the
 * opened fd ({@code /proc/self/fd/N}), never the path again.
 */
final class SafePaths {
    private static final int MAX_LINKS = 40;
    /** Not among {@link Errno}'s constants. */
    static final int ELOOP = 40;

    private SafePaths() {
    }

    /** statx of {@code name} in {@code dirfd} (not followed), or of {@code dirfd} itself for "". */
    static Sys.FileStat stat(String what, int dirfd, String name) {
        return Sys.statx(what, dirfd, name);
    }

    /** The statfs f_type of the file system {@code fd} lies on. */
    static long fsType(String what, int fd) {
        return Sys.fsType(what, fd);
    }

    /** Whether {@code fd} is a namespace file: a /proc/PID/ns entry or a bind mount of one. */
    static boolean isNsfs(String what, int fd) {
        return fsType(what, fd) == Native.NSFS_MAGIC;
    }

    /** "/proc/self/fd/N": the object {@code fd} refers to, for mount(2) and umount2(2). */
    static String fdPath(int fd) {
        return "/proc/self/fd/" + fd;
    }

    /**
     * Opens the directory {@code dir} as an O_PATH fd (the caller closes it). Each component is opened with
     * O_NOFOLLOW; a symlink is followed only when uid 0 or the caller's euid owns it (so /var/run -> /run works),
     * at most 40 of them.
     *
     * @throws NamespaceException ENOENT, ENOTDIR, or ELOOP for another user's symlink (naming its owner)
     */
    static int openDirectory(String what, Path dir) {
        String abs = dir.toAbsolutePath().toString();
        long euid = Sys.geteuid();
        Deque<String> todo = new ArrayDeque<>();
        push(todo, abs);
        int cur = Sys.open(what, "/", Native.O_PATH | Native.O_DIRECTORY, 0);
        int links = 0;
        try {
            while (!todo.isEmpty()) {
                String c = todo.pop();
                if (c.isEmpty() || c.equals(".")) {
                    continue;
                }
                int next = Sys.tryOpenat(cur, c, Native.O_PATH | Native.O_NOFOLLOW, 0);
                if (next < 0) {
                    int e = -next;
                    throw NamespaceException.builder(what).step("open " + abs).errno(e).detail("at component '" + c + "'").hint(e == Errno.ENOENT ? "the directory does not exist" : null).build();
                }
                Sys.FileStat st;
                try {
                    st = stat(what, next, "");
                } catch (RuntimeException e) {
                    Sys.closeQuietly(next);
                    throw e;
                }
                if (st.isLink()) {
                    String target;
                    try {
                        if (st.uid() != 0 && st.uid() != euid) {
                            throw NamespaceException.builder(what).step("resolve " + abs).errno(ELOOP).detail("'" + c + "' is a symlink owned by uid " + st.uid()).hint("jns never follows another user's symlink here: use a directory only you and " + "root control (ip netns uses /run/netns)").build();
                        }
                        if (++links > MAX_LINKS) {
                            throw NamespaceException.builder(what).step("resolve " + abs).errno(ELOOP).detail("too many symlinks").build();
                        }
                        byte[] buf = new byte[4096];
                        int n = Sys.tryReadlinkat(next, "", buf);
                        if (n < 0) {
                            throw Sys.fail(what, "readlink " + c, -n, Sys.Hint.NONE);
                        }
                        target = new String(buf, 0, (int) n, StandardCharsets.UTF_8);
                    } finally {
                        Sys.closeQuietly(next);
                    }
                    push(todo, target);
                    if (target.startsWith("/")) {
                        Sys.closeQuietly(cur);
                        cur = -1;
                        cur = Sys.open(what, "/", Native.O_PATH | Native.O_DIRECTORY, 0);
                    }
                    continue;
                }
                if (!st.isDirectory()) {
                    Sys.closeQuietly(next);
                    throw NamespaceException.builder(what).step("open " + abs).errno(Errno.ENOTDIR).detail("'" + c + "' is not a directory").build();
                }
                Sys.closeQuietly(cur);
                cur = next;
            }
            int done = cur;
            cur = -1;
            return done;
        } finally {
            Sys.closeQuietly(cur);
        }
    }

    /** Puts the components of {@code path} in front of {@code todo}, in order. */
    private static void push(Deque<String> todo, String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            todo.push(parts[i]);
        }
    }
}
