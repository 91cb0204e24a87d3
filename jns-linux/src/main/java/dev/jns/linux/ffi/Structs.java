package dev.jns.linux.ffi;

import jnr.ffi.Memory;
import jnr.ffi.NativeType;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.Struct;

/**
 * The C structs jns passes to libc, as {@link jnr.ffi.Struct}s (jnr-ffi lays the fields out with the platform's
 * alignment, but without C's trailing padding, which is spelled out where there is some; StructsTest compares
 * every layout with the C compiler's). Only 64-bit Linux is supported (x86-64, arm64: LP64, glibc); where the two differ, the struct names
 * only the leading fields they share and reserves the larger size. The opaque glibc types keep glibc's size.
 */
final class Structs {
    private Structs() {
    }

    /** {@code s} backed by zeroed direct memory (pointers into it may be stored in other structs). */
    static <S extends Struct> S direct(S s) {
        s.useMemory(Memory.allocateDirect(s.getRuntime(), Struct.size(s), true));
        return s;
    }

    /** The memory of {@code s}, to pass to libc. */
    static Pointer memory(Struct s) {
        return Struct.getMemory(s);
    }

    /**
     * {@code struct stat}: {@code st_dev} and {@code st_ino} lead on both x86-64 (144 bytes) and arm64 (128 bytes);
     * the rest, which jns does not read, is reserved at the larger size.
     */
    static final class Stat extends Struct {
        final Unsigned64 dev = new Unsigned64();
        final Unsigned64 ino = new Unsigned64();
        private final Padding rest = new Padding(NativeType.UCHAR, 144 - 16);

        Stat(Runtime r) {
            super(r);
        }
    }

    /** {@code struct pollfd}. */
    static final class PollFd extends Struct {
        final Signed32 fd = new Signed32();
        final Signed16 events = new Signed16();
        final Signed16 revents = new Signed16();

        PollFd(Runtime r) {
            super(r);
        }
    }

    /** {@code struct iovec}. */
    static final class IoVec extends Struct {
        final Pointer base = new Pointer();
        final size_t len = new size_t();

        IoVec(Runtime r) {
            super(r);
        }
    }

    /** {@code struct msghdr}. */
    static final class MsgHdr extends Struct {
        final Pointer name = new Pointer();
        final socklen_t nameLen = new socklen_t();
        final Pointer iov = new Pointer();
        final size_t iovLen = new size_t();
        final Pointer control = new Pointer();
        final size_t controlLen = new size_t();
        final Signed32 flags = new Signed32();
        // jnr-ffi does not round a struct's size up to its alignment: C's trailing padding, made explicit
        private final Padding tail = new Padding(NativeType.SINT, 1);

        MsgHdr(Runtime r) {
            super(r);
        }
    }

    /** A {@code struct cmsghdr} of SCM_RIGHTS with room for {@code n} fds ({@code CMSG_SPACE(n * 4)}). */
    static final class RightsCmsg extends Struct {
        final size_t len = new size_t();
        final Signed32 level = new Signed32();
        final Signed32 type = new Signed32();
        final Signed32[] fds;

        RightsCmsg(Runtime r, int n) {
            super(r);
            // CMSG_SPACE rounds the data up to the size_t alignment: an even number of ints
            fds = array(new Signed32[(n + 1) & ~1]);
        }

        /** {@code CMSG_LEN(n * 4)}: the header and n fds. */
        static long length(int n) {
            return 16 + 4L * n;
        }
    }

    /** {@code struct timeval}. */
    static final class TimeVal extends Struct {
        final SignedLong sec = new SignedLong();
        final SignedLong usec = new SignedLong();

        TimeVal(Runtime r) {
            super(r);
        }
    }

    /** {@code struct sockaddr_nl}. */
    static final class SockaddrNl extends Struct {
        final Unsigned16 family = new Unsigned16();
        private final Unsigned16 pad = new Unsigned16();
        final Unsigned32 pid = new Unsigned32();
        final Unsigned32 groups = new Unsigned32();

        SockaddrNl(Runtime r) {
            super(r);
        }
    }

    /** glibc's {@code sigset_t}: 1024 bits. */
    static final class SigSet extends Struct {
        private final Padding bits = new Padding(NativeType.ULONG, 1024 / 64);

        SigSet(Runtime r) {
            super(r);
        }
    }

    /**
     * glibc's {@code posix_spawnattr_t}: short flags, pid_t pgrp, sigset_t sd, sigset_t ss, struct sched_param sp,
     * int policy, int pad[16] (336 bytes). Opaque to jns: set only through posix_spawnattr_*.
     */
    static final class SpawnAttr extends Struct {
        private final Signed16 flags = new Signed16();
        private final Signed32 pgrp = new Signed32();
        private final SigSet sd = inner(new SigSet(getRuntime()));
        private final SigSet ss = inner(new SigSet(getRuntime()));
        private final Signed32 schedPriority = new Signed32();
        private final Signed32 policy = new Signed32();
        private final Padding pad = new Padding(NativeType.SINT, 16);

        SpawnAttr(Runtime r) {
            super(r);
        }
    }

    /**
     * glibc's {@code posix_spawn_file_actions_t}: int allocated, int used, a pointer to the actions, int pad[16]
     * (80 bytes). Opaque to jns: set only through posix_spawn_file_actions_*.
     */
    static final class FileActions extends Struct {
        private final Signed32 allocated = new Signed32();
        private final Signed32 used = new Signed32();
        private final Pointer actions = new Pointer();
        private final Padding pad = new Padding(NativeType.SINT, 16);

        FileActions(Runtime r) {
            super(r);
        }
    }

    /**
     * {@code struct statx} (the same on every architecture, 256 bytes): the fields jns reads by name, the rest
     * reserved.
     */
    static final class Statx extends Struct {
        private final Unsigned32 mask = new Unsigned32();
        private final Unsigned32 blksize = new Unsigned32();
        private final Unsigned64 attributes = new Unsigned64();
        private final Unsigned32 nlink = new Unsigned32();
        final Unsigned32 uid = new Unsigned32();
        private final Unsigned32 gid = new Unsigned32();
        final Unsigned16 mode = new Unsigned16();
        private final Unsigned16 spare0 = new Unsigned16();
        final Unsigned64 ino = new Unsigned64();
        final Unsigned64 size = new Unsigned64();
        private final Padding blocksToRdev = new Padding(NativeType.UCHAR, 136 - 48);
        final Unsigned32 devMajor = new Unsigned32();
        final Unsigned32 devMinor = new Unsigned32();
        private final Padding rest = new Padding(NativeType.UCHAR, 256 - 144);

        Statx(Runtime r) {
            super(r);
        }
    }

    /** {@code struct statfs} (120 bytes on x86-64 and arm64): {@code f_type} leads; the rest reserved. */
    static final class Statfs extends Struct {
        final Signed64 type = new Signed64();
        private final Padding rest = new Padding(NativeType.UCHAR, 120 - 8);

        Statfs(Runtime r) {
            super(r);
        }
    }
}
