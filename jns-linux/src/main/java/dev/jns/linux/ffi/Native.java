package dev.jns.linux.ffi;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The loaded libc (the one binding, {@link LibC}), its runtime, and the Linux constants jns needs (x86-64 and
 * arm64 agree on all of them but the syscall numbers, which are the generic ones since pidfd's time). Only
 * {@link Sys} calls libc; code outside this package uses its checked wrappers.
 */
public final class Native {
    /** The bound libc: for {@link Sys} alone, which checks every result and reads errno right after each call. */
    static final LibC C = LibraryLoader.create(LibC.class).load("c");
    /** The jnr runtime of {@link #C}. */
    public static final Runtime RUNTIME = Runtime.getRuntime(C);

    public static final int O_RDONLY = 0;
    public static final int O_WRONLY = 1;
    public static final int O_RDWR = 2;
    public static final int O_CREAT = 0100;
    public static final int O_TRUNC = 01000;
    public static final int O_APPEND = 02000;
    public static final int O_NOFOLLOW = 0400000;
    public static final int O_CLOEXEC = 02000000;
    public static final int O_PATH = 010000000;
    public static final int O_EXCL = 0200;
    public static final int O_DIRECTORY = 0200000;
    public static final int AT_FDCWD = -100;
    public static final int AT_EMPTY_PATH = 0x1000;
    public static final int AT_SYMLINK_NOFOLLOW = 0x100;
    /** statfs f_type of nsfs, the file system of /proc/PID/ns/* and of their bind mounts. */
    public static final long NSFS_MAGIC = 0x6e736673L;

    public static final int F_GETFD = 1;
    public static final int F_DUPFD_CLOEXEC = 1030;
    public static final int F_SETFD = 2;
    public static final int FD_CLOEXEC = 1;
    public static final int F_ADD_SEALS = 1033;
    public static final int F_SEAL_SEAL = 1;
    public static final int F_SEAL_SHRINK = 2;
    public static final int F_SEAL_GROW = 4;
    public static final int F_SEAL_WRITE = 8;

    public static final int MFD_CLOEXEC = 1;
    public static final int MFD_ALLOW_SEALING = 2;
    public static final int MFD_EXEC = 0x10;

    public static final long NS_GET_USERNS = 0xb701L;
    public static final long NS_GET_PARENT = 0xb702L;
    public static final long NS_GET_NSTYPE = 0xb703L;
    public static final long NS_GET_OWNER_UID = 0xb704L;

    public static final int SIGKILL = 9;
    public static final int SIGTERM = 15;
    public static final int WNOHANG = 1;

    public static final int AF_UNIX = 1;
    public static final int SOCK_SEQPACKET = 5;
    public static final int SOCK_CLOEXEC = 02000000;
    public static final int MSG_NOSIGNAL = 0x4000;
    public static final int MSG_DONTWAIT = 0x40;
    public static final int MSG_CMSG_CLOEXEC = 0x40000000;
    public static final int SOL_SOCKET = 1;
    public static final int SO_RCVTIMEO = 20;
    public static final int SCM_RIGHTS = 1;

    public static final short POLLIN = 0x001;
    public static final short POLLOUT = 0x004;
    public static final short POLLERR = 0x008;
    public static final short POLLHUP = 0x010;

    public static final short POSIX_SPAWN_SETSIGDEF = 0x04;
    public static final short POSIX_SPAWN_SETSIGMASK = 0x08;

    public static final long SYS_PIDFD_SEND_SIGNAL = 424;
    public static final long SYS_PIDFD_OPEN = 434;

    public static final int MNT_DETACH = 2;
    public static final long MS_BIND = 4096;

    private Native() {
    }

    /** The errno of the last call on this thread: the one place jns reads errno, right after each call. */
    public static int errno() {
        return RUNTIME.getLastError();
    }

    /** A NULL-terminated {@code char *[]} of UTF-8 strings in native memory, kept alive by the returned holder. */
    public static StringArray strings(List<String> values) {
        return new StringArray(values);
    }

    /** Native memory that holds a {@code char *[]} and its strings. */
    public static final class StringArray {
        private final Pointer array;
        private final Pointer[] keep;

        StringArray(List<String> values) {
            int ps = RUNTIME.addressSize();
            array = Memory.allocateDirect(RUNTIME, (values.size() + 1) * ps, true);
            keep = new Pointer[values.size()];
            for (int i = 0; i < values.size(); i++) {
                byte[] b = values.get(i).getBytes(StandardCharsets.UTF_8);
                Pointer s = Memory.allocateDirect(RUNTIME, b.length + 1, true);
                s.put(0, b, 0, b.length);
                keep[i] = s;
                array.putPointer((long) i * ps, s);
            }
            array.putAddress((long) values.size() * ps, 0L);
        }

        /** The {@code char **}. */
        public Pointer pointer() {
            return array;
        }
    }
}
