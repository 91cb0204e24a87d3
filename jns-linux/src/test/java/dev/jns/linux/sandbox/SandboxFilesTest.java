package dev.jns.linux.sandbox;

import dev.jns.InvalidSpecException;
import dev.jns.NamespaceException;
import dev.jns.Namespaces;
import dev.jns.NsProcess;
import dev.jns.Spawn;
import dev.jns.SpawnResult;
import dev.jns.linux.ffi.Native;
import dev.jns.linux.ffi.Sys;
import dev.jns.linux.testing.SandboxSupport;
import dev.jns.linux.testing.SandboxSupport.As;
import dev.jns.linux.testing.WorkDir;
import dev.jns.sandbox.MountPlan;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.ProcessBuilder.Redirect;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 16, the rest: files from Java of any size up to {@link MountPlan#MAX_FILE_BYTES} (a sealed memfd), the
 * modes of the parents a plan creates, a lock held for the sandbox's life, binds from open descriptors. As root
 * and as jnsci (the launcher drops to it), and from a jnsci JVM in {@link RootlessSandboxFilesTest}.
 */
class SandboxFilesTest {
    @RegisterExtension
    final WorkDir work = new WorkDir("jns-files-");

    private Path dir(String name) throws Exception {
        return work.sharedDir(name);
    }

    private static Path file(Path dir, String name, String content) throws Exception {
        Path f = Files.writeString(dir.resolve(name), content);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw-rw-"));
        return f;
    }

    private static Spawn sandbox(As as, MountPlan extra) {
        return SandboxSupport.inMinimalRoot(SandboxSupport.spawn(as), extra);
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    private static String sha256(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    // --- files from Java of any size

    @ParameterizedTest
    @EnumSource(As.class)
    void aOneMebibyteFileArrivesWhole(As as) throws Exception {
        byte[] big = random(1 << 20);
        byte[] small = "small\n".getBytes(StandardCharsets.UTF_8);
        byte[] ro = random(MountPlan.INLINE_FILE_BYTES + 1);
        SpawnResult r = sandbox(as, new MountPlan()
                .file(Path.of("/data/big"), big, 0640)
                .file(Path.of("/data/small"), small, 0644)
                .roFile(Path.of("/data/ro"), ro, 0444))
                .run("sh", "-c", "sha256sum /data/big /data/small /data/ro | cut -d' ' -f1; "
                        + "stat -c %s:%a /data/big; echo x > /data/ro");
        assertThat(r.stdout()).isEqualTo(sha256(big) + "\n" + sha256(small) + "\n" + sha256(ro) + "\n"
                + (1 << 20) + ":640\n");
        assertThat(r.stderr()).contains("Read-only file system");
    }

    @ParameterizedTest
    @EnumSource(As.class)
    void bindDataOfALargeContentCoversTheFile(As as) throws Exception {
        byte[] big = random(300_000);
        SpawnResult r = sandbox(as, new MountPlan().bindData(Path.of("/etc/passwd"), big, 0644))
                .run("sha256sum", "/etc/passwd");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).startsWith(sha256(big) + " ");
    }

    @Test
    void aContentOverTheLimitIsRefusedNamingTheEntry() {
        byte[] tooBig = new byte[MountPlan.MAX_FILE_BYTES + 1];
        assertThatThrownBy(() -> sandbox(As.ROOT, new MountPlan().tmpfs(Path.of("/x"))
                .file(Path.of("/x/huge"), tooBig, 0644)).run("true"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("file /x/huge").hasMessageContaining(".content")
                .hasMessageContaining("at most " + MountPlan.MAX_FILE_BYTES);
    }

    // --- modes of created parents

    @ParameterizedTest
    @EnumSource(As.class)
    void createdParentsFollowTheEntrysModeAsBubblewrapDoes(As as) {
        SpawnResult r = sandbox(as, new MountPlan()
                .mkdir(Path.of("/tmp/p/q/r"), 0700)
                .file(Path.of("/tmp/f/g/x"), "x".getBytes(StandardCharsets.UTF_8), 0640)
                .mkdir(Path.of("/tmp/s/t"), 01777)
                .tmpfs(Path.of("/tmp/m/n"), 0, 0750)
                .bind(work.path(), Path.of("/tmp/b/c")))
                .run("stat", "-c", "%n %a", "/tmp/p", "/tmp/p/q", "/tmp/p/q/r", "/tmp/f", "/tmp/f/g", "/tmp/s",
                        "/tmp/s/t", "/tmp/m", "/tmp/b");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("""
                /tmp/p 700
                /tmp/p/q 700
                /tmp/p/q/r 700
                /tmp/f 750
                /tmp/f/g 750
                /tmp/s 755
                /tmp/s/t 1777
                /tmp/m 750
                /tmp/b 755
                """);
    }

    // --- lock files

    private static boolean lockedByAnother(Path f) throws Exception {
        try (FileChannel c = FileChannel.open(f, StandardOpenOption.WRITE)) {
            FileLock l = c.tryLock();
            if (l == null) {
                return true;
            }
            l.release();
            return false;
        }
    }

    @ParameterizedTest
    @EnumSource(As.class)
    void aLockFileIsHeldWhileTheSandboxRunsAndFreeAfter(As as) throws Exception {
        Path d = dir("locks");
        Path lock = file(d, "lock", "");
        lockWhileRunning(sandbox(as, new MountPlan().roBind(d, Path.of("/run/locks"))
                .lockFile(Path.of("/run/locks/lock"))), lock);
    }

    @Test
    void aLockFileGetsAnInitWithoutAPidNamespace() throws Exception {
        Path d = dir("locks");
        Path lock = file(d, "lock", "");
        // no root switch and no proc (that would need a pid namespace): a tmpfs of the plan's own on /mnt
        Spawn s = Namespaces.spawn().newUser().mapRootUser().newMount().mounts(new MountPlan()
                .tmpfs(Path.of("/mnt")).bind(d, Path.of("/mnt/locks")).lockFile(Path.of("/mnt/locks/lock")));
        lockWhileRunning(s, lock);
        assertThatThrownBy(() -> SandboxSupport.inMinimalRoot(Namespaces.spawn().newUser().mapRootUser()
                .newMount().newPid().init(false), new MountPlan().lockFile(Path.of("/usr"))).run("true"))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("init")
                .hasMessageContaining("lock file");
    }

    private static void lockWhileRunning(Spawn s, Path lock) throws Exception {
        assertThat(lockedByAnother(lock)).as("before").isFalse();
        try (NsProcess p = s.redirectInput(Redirect.PIPE).start("cat")) {
            assertThat(lockedByAnother(lock)).as("while the sandbox runs").isTrue();
            p.getOutputStream().close();
            assertThat(p.waitFor()).isZero();
        }
        assertThat(lockedByAnother(lock)).as("after the sandbox ended").isFalse();
    }

    @Test
    void aFileWriteLockedOutsideFailsTheSpawnNamingTheEntry() throws Exception {
        Path d = dir("locks");
        Path lock = file(d, "lock", "");
        Spawn s = sandbox(As.ROOT, new MountPlan().roBind(d, Path.of("/run/locks"))
                .lockFile(Path.of("/run/locks/lock")));
        try (FileChannel c = FileChannel.open(lock, StandardOpenOption.WRITE); FileLock l = c.lock()) {
            assertThat(l.isValid()).isTrue();
            assertThatThrownBy(() -> s.run("true")).isInstanceOf(NamespaceException.class)
                    .hasMessageContaining("lockFile /run/locks/lock").hasMessageContaining("EAGAIN")
                    .hasMessageContaining("write lock");
        }
    }

    @ParameterizedTest
    @EnumSource(As.class)
    void aLockFileThatIsADirectoryOrMissingNamesTheEntry(As as) {
        Spawn directory = sandbox(as, new MountPlan().lockFile(Path.of("/usr")));
        Spawn missing = sandbox(as, new MountPlan().lockFile(Path.of("/tmp/none")));
        assertThatThrownBy(() -> directory.run("true"))
                .isInstanceOf(NamespaceException.class).hasMessageContaining("lockFile /usr")
                .hasMessageContaining("not a regular file");
        assertThatThrownBy(() -> missing.run("true"))
                .isInstanceOf(NamespaceException.class).hasMessageContaining("lockFile /tmp/none")
                .hasMessageContaining("ENOENT").hasMessageContaining("needs an existing file");
    }

    // --- binds from descriptors

    private static int openPath(Path p) {
        int fd = Sys.tryOpen(p.toString(), Native.O_PATH | Native.O_CLOEXEC, 0);
        assertThat(fd).as("open %s", p).isGreaterThanOrEqualTo(0);
        return fd;
    }

    @ParameterizedTest
    @EnumSource(As.class)
    void bindFdBindsTheObjectOpenedNotWhatThePathNamesLater(As as) throws Exception {
        Path orig = dir("orig");
        file(orig, "a", "original\n");
        int fd = openPath(orig);
        try {
            // the path names another directory by the time the sandbox starts
            Files.move(orig, work.resolve("moved"));
            file(dir("orig"), "a", "swapped\n");
            SpawnResult r = sandbox(as, new MountPlan().bindFd(fd, Path.of("/src"))).run("sh", "-c",
                    "cat /src/a && echo more >> /src/a");
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(r.stdout()).isEqualTo("original\n");
            assertThat(work.resolve("moved/a")).hasContent("original\nmore");
            assertThat(work.resolve("orig/a")).hasContent("swapped");
        } finally {
            Sys.closeQuietly(fd);
        }
    }

    @ParameterizedTest
    @EnumSource(As.class)
    void roBindFdIsReadOnlyAndTheCommandDoesNotGetTheDescriptor(As as) throws Exception {
        Path d = dir("ro");
        file(d, "a", "ro\n");
        int fd = openPath(d);
        try {
            SpawnResult r = sandbox(as, new MountPlan().roBindFd(fd, Path.of("/ro")))
                    .run("sh", "-c", "cat /ro/a; ls /proc/self/fd; touch /ro/b");
            assertThat(r.stdout()).isEqualTo("ro\n0\n1\n2\n3\n"); // 3: ls's own directory
            assertThat(r.stderr()).contains("Read-only file system");
        } finally {
            Sys.closeQuietly(fd);
        }
    }

    @Test
    void badDescriptorsAreRefused() throws Exception {
        assertThatThrownBy(() -> new MountPlan().bindFd(-1, Path.of("/x")))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("bindFd fd");
        int[] pipe = Sys.pipe("test");
        Sys.closeQuietly(pipe[1]);
        try {
            assertThatThrownBy(() -> sandbox(As.ROOT, new MountPlan().bindFd(pipe[0], Path.of("/p"))).run("true"))
                    .isInstanceOf(NamespaceException.class).hasMessageContaining("bindFd fd " + pipe[0] + " -> /p")
                    .hasMessageContaining("names pipe:").hasMessageContaining("not a pipe");
        } finally {
            Sys.closeQuietly(pipe[0]);
        }
        int notOpen = 1 << 20; // above any fd limit
        assertThatThrownBy(() -> sandbox(As.ROOT, new MountPlan().bindFd(notOpen, Path.of("/p"))).run("true"))
                .isInstanceOf(NamespaceException.class).hasMessageContaining("fd " + notOpen)
                .hasMessageContaining("not open");
    }
}
