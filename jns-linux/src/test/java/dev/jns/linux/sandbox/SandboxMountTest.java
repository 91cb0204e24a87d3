package dev.jns.linux.sandbox;

import dev.jns.InvalidSpecException;
import dev.jns.NamespaceException;
import dev.jns.Namespaces;
import dev.jns.SpawnResult;
import dev.jns.linux.testing.SandboxSupport;
import dev.jns.linux.testing.SandboxSupport.As;
import dev.jns.linux.testing.WorkDir;
import dev.jns.sandbox.MountPlan;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The mount plan and the root switch do what the plan says, as root and rootless (runAs jnsci). */
class SandboxMountTest {
    @RegisterExtension
    final WorkDir work = new WorkDir("jns-sandbox-");

    @ParameterizedTest
    @EnumSource(As.class)
    void aStepSeesItsInputsAndWritesItsOutput(As as) throws Exception {
        Path in = Files.createDirectories(work.resolve("in"));
        Path out = Files.createDirectories(work.resolve("out"));
        out.toFile().setWritable(true, false);
        Files.writeString(in.resolve("source.txt"), "hello from the host\n");
        in.resolve("source.txt").toFile().setReadable(true, false);

        SpawnResult r = SandboxSupport.inMinimalRoot(SandboxSupport.spawn(as), new MountPlan()
                        .roBind(in, Path.of("/src"))
                        .bind(out, Path.of("/out"))
                        .file(Path.of("/etc/step.conf"), "level=3\n")
                        .mkdir(Path.of("/work/cache"), 0700)
                        .symlink("/src/source.txt", Path.of("/work/link")))
                .directory(Path.of("/work"))
                .run("sh", "-c", "cat link /etc/step.conf; pwd; stat -c %a cache; "
                        + "tr a-z A-Z < /src/source.txt > /out/result.txt; ls /");

        assertThat(r.stderr()).isEmpty();
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).startsWith("hello from the host\nlevel=3\n/work\n700\n");
        List<String> expected = new java.util.ArrayList<>(List.of(
                "bin", "dev", "etc", "lib", "out", "proc", "sbin", "src", "tmp", "usr", "work"));
        for (String optional : new String[] {"lib64", "lib32"}) { // present on some hosts only
            if (Files.exists(Path.of("/", optional), java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                expected.add(optional);
            }
        }
        assertThat(r.stdout().lines().skip(4)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(Files.readString(out.resolve("result.txt"))).isEqualTo("HELLO FROM THE HOST\n");
    }

    @ParameterizedTest
    @EnumSource(As.class)
    void minimalDevHasTheHarmlessDevicesOnly(As as) {
        SpawnResult r = SandboxSupport.inMinimalRoot(SandboxSupport.spawn(as), new MountPlan())
                .run("sh", "-c", "ls /dev | sort | tr '\\n' ' '; head -c 4 /dev/zero | wc -c; echo x > /dev/null");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("fd full null ptmx pts random shm stderr stdin stdout tty urandom zero 4\n");
    }

    @Test
    void tryVariantsSkipMissingSources() {
        SpawnResult r = SandboxSupport.inMinimalRoot(SandboxSupport.spawn(As.ROOT), new MountPlan()
                        .bindTry(Path.of("/no/such/dir-jns"), Path.of("/x"))
                        .roBindTry(Path.of("/no/such/file-jns"), Path.of("/y")))
                .run("sh", "-c", "test -e /x || test -e /y || echo skipped");
        assertThat(r.stdout()).isEqualTo("skipped\n");
    }

    @Test
    void withoutRootSwitchTheHostTreeStaysAndTmpfsCovers() throws Exception {
        Files.writeString(work.resolve("secret"), "host");
        SpawnResult r = Namespaces.spawn().newUser().mapRootUser()
                .mounts(new MountPlan().tmpfs(work.path(), 1 << 20, 0755))
                .run("sh", "-c", "ls -A " + work.path() + "; echo new > " + work.path() + "/f; cat " + work.path() + "/f");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("new\n");
        assertThat(Files.readString(work.resolve("secret"))).isEqualTo("host");
        assertThat(work.resolve("f")).doesNotExist();
    }

    @Test
    void rootDirectoryBecomesTheRoot() throws Exception {
        Path root = Files.createDirectories(work.resolve("rootfs"));
        for (String d : new String[] {"usr", "proc", "etc"}) {
            Files.createDirectories(root.resolve(d));
        }
        Files.createSymbolicLink(root.resolve("bin"), Path.of("usr/bin"));
        Files.createSymbolicLink(root.resolve("lib"), Path.of("usr/lib"));
        Files.createSymbolicLink(root.resolve("lib64"), Path.of("usr/lib64"));
        Files.writeString(root.resolve("etc/marker"), "rootfs\n");
        SpawnResult r = Namespaces.spawn().newUser().mapRootUser().newPid().newMount()
                .mounts(new MountPlan().root(root).roBind(Path.of("/usr"), Path.of("/usr"))).mountProc()
                .env("PATH", "/usr/bin")
                .run("sh", "-c", "cat /etc/marker; ls /; echo $$");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("rootfs\nbin\netc\nlib\nlib64\nproc\nusr\n2\n");
    }

    @Test
    void mqueueInANewIpcNamespace() {
        SpawnResult r = SandboxSupport.inMinimalRoot(SandboxSupport.spawn(As.ROOT),
                        new MountPlan().mqueue(Path.of("/dev/mqueue")))
                .run("sh", "-c", "grep -c ' /dev/mqueue mqueue ' /proc/self/mounts");
        assertThat(r.stdout()).isEqualTo("1\n");
    }

    // --- bad plans: a clear error naming the entry, and nothing left on the host (LeakCheck counts mounts)

    @Test
    void relativeAndDottedPathsAreRejectedBeforeAnythingStarts() {
        assertThatThrownBy(() -> Namespaces.spawn().mounts(new MountPlan().bind(Path.of("/usr"), Path.of("usr"))).run("true"))
                .isInstanceOfSatisfying(InvalidSpecException.class,
                        e -> assertThat(e.field()).isEqualTo("mounts[0] (bind /usr -> usr).destination"));
        assertThatThrownBy(() -> Namespaces.spawn()
                .mounts(new MountPlan().tmpfs(Path.of("/tmp")).bind(Path.of("src"), Path.of("/x"))).run("true"))
                .isInstanceOfSatisfying(InvalidSpecException.class,
                        e -> assertThat(e.field()).isEqualTo("mounts[1] (bind src -> /x).source"));
        assertThatThrownBy(() -> Namespaces.spawn()
                .mounts(new MountPlan().emptyRoot().roBind(Path.of("/usr"), Path.of("/a/../../etc"))).run("true"))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("'..' component");
        assertThatThrownBy(() -> Namespaces.spawn().mounts(new MountPlan().tmpfs(Path.of("/t"), -1, 0755)).run("true"))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("mounts[0] (tmpfs /t).size");
        assertThatThrownBy(() -> Namespaces.spawn().mounts(new MountPlan().mkdir(Path.of("/d"), 010000)).run("true"))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining(".mode");
        assertThatThrownBy(() -> Namespaces.spawn().mounts(new MountPlan().bind(Path.of("/usr"), Path.of("/"))).run("true"))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("'/' can only be remounted");
        assertThatThrownBy(() -> Namespaces.spawn().mounts(new MountPlan().symlink("/a\0b", Path.of("/l"))).run("true"))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("NUL");
    }

    @ParameterizedTest
    @EnumSource(As.class)
    void missingSourceNamesTheEntry(As as) {
        dev.jns.Spawn spawn = SandboxSupport.spawn(as);
        assertThatThrownBy(() -> SandboxSupport.inMinimalRoot(spawn,
                new MountPlan().roBind(Path.of("/no/such/src-jns"), Path.of("/work"))).run("true"))
                .isInstanceOfSatisfying(NamespaceException.class, e -> {
                    assertThat(e.step()).isEqualTo("mount plan entry 10 (roBind /no/such/src-jns -> /work)");
                    assertThat(e.errnoName()).isEqualTo("ENOENT");
                    assertThat(e.getMessage()).contains("*Try");
                });
    }

    @Test
    void fileWhereADirectoryIsNeeded() {
        assertThatThrownBy(() -> Namespaces.spawn().newUser().mapRootUser()
                .mounts(new MountPlan().bind(Path.of("/usr"), Path.of("/etc/hostname"))).run("true"))
                .isInstanceOfSatisfying(NamespaceException.class, e -> {
                    assertThat(e.step()).isEqualTo("mount plan entry 0 (bind /usr -> /etc/hostname)");
                    assertThat(e.errnoName()).isEqualTo("ENOTDIR");
                });
    }

    @Test
    void missingDestinationOnAHostFileSystemIsNotCreated() {
        Path dst = work.resolve("not-there");
        assertThatThrownBy(() -> Namespaces.spawn().newUser().mapRootUser()
                .mounts(new MountPlan().tmpfs(dst)).run("true"))
                .isInstanceOfSatisfying(NamespaceException.class, e -> {
                    assertThat(e.step()).isEqualTo("mount plan entry 0 (tmpfs " + dst + ")");
                    assertThat(e.errnoName()).isEqualTo("ENOENT");
                });
        assertThat(dst).doesNotExist();
    }
    @ParameterizedTest
    @EnumSource(As.class)
    void hostsFileNamesTheSandboxOverTheHostsFilesWithoutWritingThem(As as) throws Exception {
        String hostHosts = Files.readString(Path.of("/etc/hosts"));
        SpawnResult r = SandboxSupport.spawn(as).hostname("box-1.example.test")
                .mounts(new MountPlan().hostsFile("box-1.example.test"))
                .run("sh", "-c", "getent ahosts box-1 | cut -d' ' -f1 | sort -u | tr '\\n' ' '; echo;"
                        + " getent ahosts localhost | cut -d' ' -f1 | sort -u | tr '\\n' ' '; echo;"
                        + " cat /etc/hostname; echo '127.0.0.9 db.test' >> /etc/hosts && getent hosts db.test;"
                        + " ls -a /etc | grep -c jns-bind-data");
        assertThat(r.stderr()).isEmpty();
        assertThat(r.stdout().lines().toList()).containsExactly("127.0.1.1 ::1 ", "127.0.0.1 ::1 ",
                "box-1.example.test", "127.0.0.9       db.test", "0");
        assertThat(Files.readString(Path.of("/etc/hosts"))).isEqualTo(hostHosts);
    }

    @Test
    void bindDataCoversOnlyAnExistingFile() throws Exception {
        Path dir = Files.createDirectories(work.resolve("d"));
        Path file = Files.writeString(work.resolve("f"), "under\n");
        SpawnResult r = SandboxSupport.spawn(As.ROOT).mounts(new MountPlan().bindData(file, "over\n")).run("cat",
                file.toString());
        assertThat(r.stdout()).isEqualTo("over\n");
        assertThat(Files.readString(file)).isEqualTo("under\n");
        assertThat(Files.list(work.path()).map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("d", "f");
        assertThatThrownBy(() -> SandboxSupport.spawn(As.ROOT)
                .mounts(new MountPlan().bindData(work.resolve("missing"), "x")).run("true"))
                .isInstanceOf(NamespaceException.class).hasMessageContaining("ENOENT")
                .hasMessageContaining("creates none");
        assertThatThrownBy(() -> SandboxSupport.spawn(As.ROOT).mounts(new MountPlan().bindData(dir, "x")).run("true"))
                .isInstanceOf(NamespaceException.class).hasMessageContaining("not a regular file");
    }
}
