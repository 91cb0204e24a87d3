package dev.jns.linux.sandbox;

import dev.jns.NamespaceException;
import dev.jns.Namespaces;
import dev.jns.Spawn;
import dev.jns.SpawnResult;
import dev.jns.linux.testing.Probe;
import dev.jns.linux.testing.SandboxSupport;
import dev.jns.linux.testing.SandboxSupport.As;
import dev.jns.linux.testing.WorkDir;
import dev.jns.sandbox.Capability;
import dev.jns.sandbox.MountPlan;
import dev.jns.sandbox.SeccompFilter;
import dev.jns.sandbox.Security;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, items 7 and 8: read-only all the way down, binds nosuid and nodev, sources resolved once in the
 * caller's view and bound from that fd, destinations never through a symlink. As root and as jnsci (the
 * launcher drops to it: the rootless path for real).
 */
class MountHardeningTest {
    @RegisterExtension
    final WorkDir work = new WorkDir("jns-mounts-");

    /** Shell text that prints "MOUNTPOINT OPTIONS" for each mount at {@code path} (no awk: /etc is not there). */
    private static String options(String path) {
        return "while read -r id parent dev root at opts rest; do [ \"$at\" = '" + path + "' ] && echo \"$at $opts\"; "
                + "done < /proc/self/mountinfo; true";
    }

    private static NamespaceException failure(Spawn s, String... command) {
        try {
            SpawnResult r = s.run(command);
            throw new AssertionError("expected a refusal, the command ran: exit " + r.exitCode() + " " + r.stdout()
                    + r.stderr());
        } catch (NamespaceException e) {
            return e;
        }
    }

    // --- item 7: read-only all the way down; nosuid, nodev

    @ParameterizedTest
    @EnumSource(As.class)
    void readOnlyBindOfDevLeavesDevShmReadOnly(As as) {
        SpawnResult r = SandboxSupport.inMinimalRoot(SandboxSupport.spawn(as), new MountPlan()
                .roBind(Path.of("/dev"), Path.of("/hostdev")))
                .run("sh", "-c", "touch /hostdev/shm/jns-ro-test; " + options("/hostdev/shm"));
        assertThat(r.stderr()).contains("Read-only file system");
        assertThat(r.stdout()).isNotEmpty();
        r.stdout().lines().forEach(l -> assertThat(l).startsWith("/hostdev/shm ro,"));
        assertThat(Path.of("/dev/shm/jns-ro-test")).doesNotExist();
    }

    @ParameterizedTest
    @EnumSource(As.class)
    void readOnlyBindIsReadOnlyBelowItsSubmounts(As as) {
        // the tree and its submount: tmpfs mounts of the sandbox's own, made before the bind (no root switch,
        // so sources are looked up in the tree the plan is building)
        SpawnResult r = SandboxSupport.spawn(as).mounts(new MountPlan()
                        .tmpfs(work.path(), 1 << 20, 0777)
                        .mkdir(work.resolve("a"), 0777)
                        .tmpfs(work.resolve("a/sub"), 1 << 20, 0777)
                        .mkdir(work.resolve("b"), 0755)
                        .roBind(work.resolve("a"), work.resolve("b")))
                .run("sh", "-c", "touch " + work.path() + "/a/sub/w && echo writable-at-source; touch " + work.path() + "/b/sub/x");
        assertThat(r.stdout()).isEqualTo("writable-at-source\n");
        assertThat(r.stderr()).contains("b/sub/x").contains("Read-only file system");
    }

    @ParameterizedTest
    @EnumSource(As.class)
    void remountReadOnlyKeepsThePlansWritableMounts(As as) throws Exception {
        Path out = Files.createDirectories(work.resolve("out"));
        out.toFile().setWritable(true, false);
        SpawnResult r = SandboxSupport.inMinimalRoot(SandboxSupport.spawn(as), new MountPlan()
                .bind(out, Path.of("/out"))
                .remountReadOnly(Path.of("/")))
                .run("sh", "-c", "touch /out/a && touch /tmp/b && touch /dev/shm/c && echo ok; touch /etc/x");
        assertThat(r.stdout()).isEqualTo("ok\n");
        assertThat(r.stderr()).contains("/etc/x").contains("Read-only file system");
        assertThat(out.resolve("a")).exists();
    }

    @ParameterizedTest
    @EnumSource(As.class)
    void bindsAreNosuidAndNodev(As as) throws Exception {
        Path out = Files.createDirectories(work.resolve("out"));
        SpawnResult r = SandboxSupport.inMinimalRoot(SandboxSupport.spawn(as), new MountPlan()
                .bind(out, Path.of("/out"))
                .devBind(Path.of("/dev/null"), Path.of("/devnull")))
                .run("sh", "-c", options("/out") + "; " + options("/devnull") + "; " + options("/usr"));
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout().lines()).anySatisfy(l -> assertThat(l).startsWith("/out rw,nosuid,nodev"));
        assertThat(r.stdout().lines()).anySatisfy(l -> assertThat(l).startsWith("/usr ro,nosuid,nodev"));
        assertThat(r.stdout().lines()).anySatisfy(l -> assertThat(l).matches("/devnull rw,nosuid,(?!.*nodev).*"));
        assertThat(r.stdout().lines()).noneSatisfy(l -> assertThat(l).matches("/devnull .*nodev.*"));
    }

    @Test
    void setuidFileInAWritableBindGivesNoPrivilege() throws Exception {
        Assumptions.assumeTrue(Probe.root(), "needs root: a setuid-root file");
        Path dir = Files.createDirectories(work.resolve("out"));
        Path id = dir.resolve("suid-id");
        Files.copy(Path.of("/usr/bin/id"), id);
        assertThat(new ProcessBuilder("chmod", "4755", id.toString()).inheritIO().start().waitFor()).isZero();
        // no user namespace: uid 0 inside is root, setpriv drops to 65534 and runs the setuid-root copy; with
        // no_new_privs off (it would ignore the bit by itself), so that only nosuid stands in the way
        SpawnResult r = Namespaces.spawn().newMount().newPid().mountProc()
                .security(Security.builder().keepCapabilities(Capability.CAP_SETUID, Capability.CAP_SETGID)
                        .noNewPrivileges(false).seccomp(SeccompFilter.none()).allowHostRoot(true).build())
                .mounts(new MountPlan().bind(dir, Path.of("/mnt")))
                .run("sh", "-c", options("/mnt") + "; stat -c %A /mnt/suid-id; "
                        + "setpriv --reuid=65534 --regid=65534 --clear-groups /mnt/suid-id -u");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("/mnt rw,nosuid,nodev,relatime\n-rwsr-xr-x\n65534\n");
    }

    @ParameterizedTest
    @EnumSource(As.class)
    void deviceNodesInABindOrTheSwitchedRootCannotBeOpened(As as) throws Exception {
        Assumptions.assumeTrue(Probe.root(), "needs root: mknod");
        Path dir = Files.createDirectories(work.resolve("rootfs"));
        for (String d : new String[] {"usr", "proc", "mnt"}) {
            Files.createDirectories(dir.resolve(d));
        }
        Files.createSymbolicLink(dir.resolve("bin"), Path.of("usr/bin"));
        Files.createSymbolicLink(dir.resolve("lib"), Path.of("usr/lib"));
        if (Files.isSymbolicLink(Path.of("/lib64"))) {
            Files.createSymbolicLink(dir.resolve("lib64"), Path.of("usr/lib64"));
        }
        Process mknod = new ProcessBuilder("mknod", "-m", "666", dir.resolve("zero").toString(), "c", "1", "5")
                .inheritIO().start();
        assertThat(mknod.waitFor()).isZero();
        Path other = Files.createDirectories(work.resolve("other"));
        Process mknod2 = new ProcessBuilder("mknod", "-m", "666", other.resolve("zero").toString(), "c", "1", "5")
                .inheritIO().start();
        assertThat(mknod2.waitFor()).isZero();
        SpawnResult r = SandboxSupport.spawn(as).mountProc().mounts(new MountPlan().root(dir)
                        .roBind(Path.of("/usr"), Path.of("/usr"))
                        .bind(other, Path.of("/mnt")))
                .env("PATH", "/usr/bin:/bin")
                .run("sh", "-c", "head -c 1 /zero | wc -c; head -c 1 /mnt/zero | wc -c; "
                        + options("/"));
        assertThat(r.stderr()).contains("'/zero' for reading: Permission denied")
                .contains("'/mnt/zero' for reading: Permission denied");
        assertThat(r.stdout()).isEqualTo("0\n0\n/ rw,nosuid,nodev,relatime\n");
    }

    // --- item 8: sources are what was checked

    @ParameterizedTest
    @EnumSource(As.class)
    void absoluteSymlinkSourcesResolveInTheCallersRoot(As as) throws Exception {
        Path target = Files.writeString(work.resolve("target.conf"), "nameserver 192.0.2.1\n");
        target.toFile().setReadable(true, false);
        Path link = Files.createSymbolicLink(work.resolve("resolv.conf"), target.toAbsolutePath());
        MountPlan plan = new MountPlan().roBind(link, Path.of("/etc/resolv.conf"));
        StringBuilder check = new StringBuilder("cat /etc/resolv.conf");
        // the host's own (absolute symlinks on many systems: resolv.conf -> /run/..., localtime -> /usr/share/...)
        for (String f : new String[] {"resolv.conf", "localtime", "mtab"}) {
            if (Files.exists(Path.of("/etc", f))) {
                plan.roBind(Path.of("/etc", f), Path.of("/etc/host", f));
                check.append("; test -e /etc/host/").append(f).append(" || echo missing ").append(f);
            }
        }
        SpawnResult r = SandboxSupport.inMinimalRoot(SandboxSupport.spawn(as), plan).run("sh", "-c", check.toString());
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("nameserver 192.0.2.1\n");
    }

    @ParameterizedTest
    @EnumSource(As.class)
    void strictSourcesRefuseASymlinkAnywhereOnThePath(As as) throws Exception {
        Path real = Files.createDirectories(work.resolve("real/data"));
        Files.writeString(real.resolve("f"), "x");
        Path viaLink = Files.createSymbolicLink(work.resolve("link"), work.resolve("real")).resolve("data");
        assertThat(SandboxSupport.inMinimalRoot(SandboxSupport.spawn(as), new MountPlan()
                .roBind(viaLink, Path.of("/data"))).run("cat", "/data/f").stdout()).isEqualTo("x");
        NamespaceException e = failure(SandboxSupport.inMinimalRoot(SandboxSupport.spawn(as), new MountPlan()
                .strictSources().roBind(viaLink, Path.of("/data"))), "true");
        assertThat(e.errnoName()).isEqualTo("ELOOP");
        assertThat(e.step()).isEqualTo("mount plan entry 10 (roBind " + viaLink + " -> /data)");
        assertThat(e.getMessage()).contains("strict sources");
    }

    @ParameterizedTest
    @EnumSource(As.class)
    void anOutputDirectoryThatIsASymlinkToEtcIsRefused(As as) throws Exception {
        Path out = Files.createSymbolicLink(work.resolve("out"), Path.of("/etc"));
        String marker = "jns-escape-" + ProcessHandle.current().pid();
        NamespaceException e = failure(SandboxSupport.inMinimalRoot(SandboxSupport.spawn(as), new MountPlan()
                .bind(out, Path.of("/out"))), "touch", "/out/" + marker);
        assertThat(e.errnoName()).isEqualTo("ELOOP");
        assertThat(e.step()).isEqualTo("mount plan entry 10 (bind " + out + " -> /out)");
        assertThat(e.getMessage()).contains("toRealPath");
        assertThat(Path.of("/etc", marker)).doesNotExist();
    }

    @ParameterizedTest
    @EnumSource(As.class)
    void aDestinationThatIsASymlinkInAWritableBindIsAnError(As as) throws Exception {
        Path out = Files.createDirectories(work.resolve("out"));
        Files.createSymbolicLink(out.resolve("cache"), Path.of("/etc"));
        Files.createSymbolicLink(out.resolve("deps"), Path.of("/usr"));
        NamespaceException e = failure(SandboxSupport.inMinimalRoot(SandboxSupport.spawn(as), new MountPlan()
                .bind(out, Path.of("/out")).tmpfs(Path.of("/out/cache"))), "true");
        assertThat(e.errnoName()).isEqualTo("ELOOP");
        assertThat(e.step()).isEqualTo("mount plan entry 11 (tmpfs /out/cache)");
        assertThat(e.getMessage()).contains("symlink");
        NamespaceException below = failure(SandboxSupport.inMinimalRoot(SandboxSupport.spawn(as), new MountPlan()
                .bind(out, Path.of("/out")).roBind(Path.of("/usr/share"), Path.of("/out/deps/share"))), "true");
        assertThat(below.errnoName()).isEqualTo("ELOOP");
        assertThat(below.step()).isEqualTo("mount plan entry 11 (roBind /usr/share -> /out/deps/share)");
        assertThat(below.getMessage()).contains("/out/deps is a symlink");
    }

    /**
     * A source swapped between a directory and a symlink to /etc while sandboxes start: each sandbox sees the
     * directory or refuses to start, never /etc. A bounded number of rounds, no timing assumptions.
     */
    @ParameterizedTest
    @EnumSource(As.class)
    void aSourceSwappedForASymlinkNeverExposesItsTarget(As as) throws Exception {
        Path src = Files.createDirectories(work.resolve("src"));
        Files.writeString(src.resolve("marker"), "mine");
        Path parked = work.resolve("src.dir");
        Path link = Files.createSymbolicLink(work.resolve("src.link"), Path.of("/etc"));
        AtomicBoolean stop = new AtomicBoolean();
        Thread swapper = new Thread(() -> {
            try {
                while (!stop.get()) {
                    Files.move(src, parked, StandardCopyOption.ATOMIC_MOVE);
                    Files.move(link, src, StandardCopyOption.ATOMIC_MOVE);
                    Files.move(src, link, StandardCopyOption.ATOMIC_MOVE);
                    Files.move(parked, src, StandardCopyOption.ATOMIC_MOVE);
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "swapper");
        swapper.start();
        int ran = 0;
        int refused = 0;
        try {
            for (int round = 0; round < 60; round++) {
                try {
                    // even rounds: a writable bind (never through a symlink at its source); odd rounds: a
                    // read-only bind with strict sources (through no symlink at all)
                    MountPlan plan = round % 2 == 0 ? new MountPlan().bind(src, Path.of("/in"))
                            : new MountPlan().roBind(src, Path.of("/in")).strictSources();
                    SpawnResult r = SandboxSupport.inMinimalRoot(SandboxSupport.spawn(as), plan).run("ls", "/in");
                    assertThat(r.stdout()).isEqualTo("marker\n");
                    ran++;
                } catch (NamespaceException e) {
                    assertThat(e.errnoName()).isIn("ELOOP", "ENOENT");
                    refused++;
                }
            }
        } finally {
            stop.set(true);
            swapper.join();
        }
        assertThat(ran + refused).isEqualTo(60);
        if (!Files.isDirectory(src, LinkOption.NOFOLLOW_LINKS)) {
            Files.move(parked, src);
        }
    }
}
