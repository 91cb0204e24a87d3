package dev.jns.linux.ffi;

import dev.jns.Errno;
import dev.jns.NamespaceException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;

/**
 * The JNI library's calls ({@link Calls}, through {@link Sys}) against the kernel: the results, errnos, structs
 * and copies that the C side makes, including the paths a struct or a large buffer takes there.
 */
class SysTest {
    private static final int PROC_SUPER_MAGIC = 0x9fa0;

    @Test
    void pathsWithANulInsideAreRefusedAndOverlongOnesNamedSo() {
        assertThat(Sys.tryOpen("/etc/passwd\0/x", Native.O_RDONLY, 0)).isEqualTo(-Errno.EINVAL);
        assertThat(Sys.tryOpen("/" + "a".repeat(5000), Native.O_RDONLY, 0)).isEqualTo(-36 /* ENAMETOOLONG */);
        assertThat(Sys.tryOpen("/nonexistent-jns-path", Native.O_RDONLY, 0)).isEqualTo(-Errno.ENOENT);
        assertThat(Sys.tryMkdir("/proc/jns-no", 0700)).isNegative();
    }

    @Test
    void openedFdsAreCloseOnExecAndStatsMatchJava(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("a file");
        Files.write(f, new byte[1234]);
        int fd = Sys.open("test", f.toString(), Native.O_RDONLY, 0);
        try {
            assertThat(Sys.tryFcntl(fd, Native.F_GETFD, 0) & Native.FD_CLOEXEC).isEqualTo(Native.FD_CLOEXEC);
            long ino = (Long) Files.getAttribute(f, "unix:ino");
            assertThat(Sys.devIno("test", fd)[1]).isEqualTo(ino);
            Sys.FileStat st = Sys.statx("test", fd, "");
            assertThat(st.isRegular()).isTrue();
            assertThat(st.size()).isEqualTo(1234);
            assertThat(st.ino()).isEqualTo(ino);
            assertThat(st.uid()).isEqualTo(Sys.geteuid());
        } finally {
            assertThat(Sys.tryClose(fd)).isZero();
        }
        assertThat(Sys.tryClose(fd)).isEqualTo(-Errno.EBADF);
        int proc = Sys.open("test", "/proc", Native.O_RDONLY | Native.O_DIRECTORY, 0);
        try {
            assertThat(Sys.fsType("test", proc)).isEqualTo(PROC_SUPER_MAGIC);
            Sys.FileStat self = Sys.statx("test", proc, "self");
            assertThat(self.isLink()).isTrue();
            byte[] buf = new byte[64];
            int n = Sys.tryReadlinkat(proc, "self", buf);
            assertThat(new String(buf, 0, n, StandardCharsets.UTF_8)).isEqualTo(Long.toString(ProcessHandle.current().pid()));
        } finally {
            Sys.closeQuietly(proc);
        }
    }

    @Test
    void writesAndReadsOfAnySizeRoundTripThroughAPipe() {
        // sizes past the C side's stack buffer (8 KiB) take its malloc path
        qt().withExamples(60).forAll(integers().between(0, 60_000), integers().all()).checkAssert((size, seed) -> {
            byte[] data = new byte[size];
            new java.util.Random(seed).nextBytes(data);
            int[] p = Sys.pipe("test");
            try {
                Sys.writeFully("test", p[1], data);
                Sys.closeQuietly(p[1]);
                p[1] = -1;
                byte[] back = new byte[size];
                int off = 0;
                byte[] buf = new byte[70_000];
                for (int n; (n = Sys.read("test", p[0], buf, buf.length)) > 0; off += n) {
                    System.arraycopy(buf, 0, back, off, n);
                }
                assertThat(off).isEqualTo(size);
                assertThat(back).isEqualTo(data);
            } finally {
                Sys.closeQuietly(p[0]);
                Sys.closeQuietly(p[1]);
            }
        });
    }

    @Test
    void aDirectBufferIsFilledFromItsStart() {
        int[] p = Sys.pipe("test");
        try {
            Sys.writeFully("test", p[1], "hello".getBytes(StandardCharsets.US_ASCII));
            ByteBuffer b = ByteBuffer.allocateDirect(16);
            assertThat(Sys.tryRead(p[0], b, 16)).isEqualTo(5);
            byte[] got = new byte[5];
            b.get(0, got, 0, 5);
            assertThat(new String(got, StandardCharsets.US_ASCII)).isEqualTo("hello");
            assertThat(Sys.tryRead(p[0], ByteBuffer.allocate(16), 16)).as("a heap buffer").isEqualTo(-Errno.EINVAL);
            assertThat(Sys.tryRead(p[0], b, 17)).as("more than its capacity").isEqualTo(-Errno.EINVAL);
        } finally {
            Sys.closeQuietly(p[0]);
            Sys.closeQuietly(p[1]);
        }
    }

    @Test
    void pollReportsEachEntrysEvents() {
        int[] a = Sys.pipe("test");
        int[] b = Sys.pipe("test");
        try {
            Sys.PollSet set = new Sys.PollSet(2);
            set.set(0, a[0], Native.POLLIN);
            set.set(1, b[0], Native.POLLIN);
            assertThat(set.poll("test", "poll", 2, 0)).isZero();
            Sys.writeFully("test", b[1], new byte[] {1});
            assertThat(set.poll("test", "poll", 2, 1000)).isEqualTo(1);
            assertThat(set.revents(0)).isZero();
            assertThat(set.revents(1)).isEqualTo(Native.POLLIN);
            Sys.closeQuietly(a[1]);
            a[1] = -1;
            assertThat(Sys.pollOne(a[0], Native.POLLIN, 1000) & Native.POLLHUP).isEqualTo(Native.POLLHUP);
        } finally {
            for (int fd : new int[] {a[0], a[1], b[0], b[1]}) {
                Sys.closeQuietly(fd);
            }
        }
    }

    @Test
    void anFdSentWithDataArrivesCloseOnExecAndNamesTheSameFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("sent");
        Files.writeString(f, "x");
        int[] sv = Sys.seqpacketPair("test", "socketpair");
        int fd = Sys.open("test", f.toString(), Native.O_RDONLY, 0);
        int got = -1;
        try {
            byte[] big = new byte[20_000];
            Arrays.fill(big, (byte) 7);
            assertThat(Sys.sendWithFds(sv[0], big, new int[] {fd}, 0)).isZero();
            Sys.Received r = Sys.receiveWithFd(sv[1], 32_768);
            got = r.fd();
            assertThat(r.errno()).isZero();
            assertThat(r.data()).isEqualTo(big);
            assertThat(got).isNotNegative().isNotEqualTo(fd);
            assertThat(Sys.tryFcntl(got, Native.F_GETFD, 0) & Native.FD_CLOEXEC).isEqualTo(Native.FD_CLOEXEC);
            assertThat(Sys.devIno("test", got)).containsExactly(Sys.devIno("test", fd));

            assertThat(Sys.sendWithFds(sv[0], new byte[] {1, 2}, new int[0], 0)).isZero();
            Sys.Received plain = Sys.receiveWithFd(sv[1], 8);
            assertThat(plain.fd()).isEqualTo(-1);
            assertThat(plain.data()).containsExactly(1, 2);

            Sys.closeQuietly(sv[0]);
            sv[0] = -1;
            Sys.Received eof = Sys.receiveWithFd(sv[1], 8);
            assertThat(eof.data()).isNull();
            assertThat(eof.errno()).isZero();
            assertThat(Sys.sendWithFds(sv[1], new byte[] {1}, new int[0], 0)).isEqualTo(32 /* EPIPE */);
        } finally {
            Sys.closeQuietly(fd);
            Sys.closeQuietly(got);
            Sys.closeQuietly(sv[0]);
            Sys.closeQuietly(sv[1]);
        }
    }

    @Test
    void posixSpawnGivesTheChildItsFdsItsArgvAndAnEmptyEnvironment() {
        int[] out = Sys.pipe("test");
        int nul = Sys.open("test", "/dev/null", Native.O_RDWR, 0);
        int pid = 0;
        try {
            int[] r = Sys.posixSpawn("/bin/sh", new int[] {nul, out[1], out[1]}, -1,
                    Sys.argv("sh", "-c", "echo \"$0 ${HOME-unset}\" >&2; readlink /proc/self/fd/0; exit 7"));
            assertThat(r[1]).as("errno").isZero();
            pid = r[0];
            Sys.closeQuietly(out[1]);
            out[1] = -1;
            StringBuilder text = new StringBuilder();
            byte[] buf = new byte[256];
            for (int n; (n = Sys.read("test", out[0], buf, buf.length)) > 0; ) {
                text.append(new String(buf, 0, n, StandardCharsets.UTF_8));
            }
            int status = Sys.waitpid(pid);
            pid = 0;
            assertThat((status >> 8) & 0xff).as("exit code").isEqualTo(7);
            assertThat(text.toString()).isEqualTo("sh unset\n/dev/null\n");
        } finally {
            Sys.closeQuietly(out[0]);
            Sys.closeQuietly(out[1]);
            Sys.closeQuietly(nul);
            if (pid > 0) {
                Sys.waitpid(pid);
            }
        }
        assertThat(Sys.posixSpawn("/nonexistent-jns", new int[0], -1, Sys.argv("x"))[1]).isEqualTo(Errno.ENOENT);
    }

    @Test
    void waitingForAProcessThatIsNotAChildFailsWithItsErrno() {
        assertThatThrownBy(() -> Sys.waitpid(1)).isInstanceOf(NamespaceException.class)
                .hasMessageContaining("ECHILD");
        assertThat(Sys.tryKill(Integer.MAX_VALUE, 0)).isEqualTo(-Errno.ESRCH);
        assertThat(Sys.tryPidfdOpen(Integer.MAX_VALUE)).isEqualTo(-Errno.ESRCH);
        int self = Sys.tryPidfdOpen((int) ProcessHandle.current().pid());
        assertThat(self).isNotNegative();
        try {
            assertThat(Sys.tryPidfdSignal(self, 0)).isZero();
        } finally {
            Sys.closeQuietly(self);
        }
    }

    @Test
    void namespaceIoctlsReadTheirAnswers() {
        int uts = Sys.open("test", "/proc/self/ns/uts", Native.O_RDONLY, 0);
        int user = Sys.open("test", "/proc/self/ns/user", Native.O_RDONLY, 0);
        try {
            assertThat(Sys.tryIoctl(uts, Native.NS_GET_NSTYPE)).isEqualTo(0x04000000); // CLONE_NEWUTS
            int[] errno = new int[1];
            int owner = Sys.tryIoctlInt(user, Native.NS_GET_OWNER_UID, errno);
            assertThat(errno[0]).isZero();
            assertThat(owner).isNotNegative();
            Sys.tryIoctlInt(uts, Native.NS_GET_OWNER_UID, errno);
            assertThat(errno[0]).as("NS_GET_OWNER_UID of a uts namespace").isEqualTo(Errno.EINVAL);
        } finally {
            Sys.closeQuietly(uts);
            Sys.closeQuietly(user);
        }
    }
}
