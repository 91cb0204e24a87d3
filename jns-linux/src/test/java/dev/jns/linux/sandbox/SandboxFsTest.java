package dev.jns.linux.sandbox;

import dev.jns.InvalidSpecException;
import dev.jns.NamespaceException;
import dev.jns.Spawn;
import dev.jns.SpawnResult;
import dev.jns.linux.testing.Probe;
import dev.jns.linux.testing.SandboxSupport;
import dev.jns.linux.testing.SandboxSupport.As;
import dev.jns.linux.testing.WorkDir;
import dev.jns.sandbox.Mount;
import dev.jns.sandbox.MountPlan;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 16: argv0, overlays (kept, thrown away, read-only), read-only files from Java, chmod after the plan. As
 * root and as jnsci (the launcher drops to it), and from a jnsci JVM in {@link RootlessSandboxFsTest}.
 */
class SandboxFsTest {
    @RegisterExtension
    final WorkDir work = new WorkDir("jns-fs-");

    private Path dir(String name) throws Exception {
        return work.sharedDir(name);
    }

    private Path file(Path dir, String name, String content) throws Exception {
        Path f = Files.writeString(dir.resolve(name), content);
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-rw-rw-"));
        return f;
    }

    /**
     * The layers' files belong to the user the command runs as: overlayfs copies up only files whose owner the
     * sandbox maps (else EOVERFLOW). As root that is jnsci, or for {@code As.ROOT} the unprivileged host ids a
     * root caller's sandbox runs as (issue 13), read from the sandbox's own maps.
     */
    private void ownedBy(As as) throws Exception {
        if (!Probe.root()) {
            return;
        }
        String ids;
        if (as == As.JNSCI) {
            long id = SandboxSupport.jnsci();
            ids = id + ":" + id;
        } else {
            SpawnResult r = sandbox(as, new MountPlan()).run("cat", "/proc/self/uid_map", "/proc/self/gid_map");
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            // "0 HOST COUNT" lines: the host ids of the sandbox's root, uid then gid
            List<String> hostIds = r.stdout().lines().map(String::trim).filter(l -> l.startsWith("0 "))
                    .map(l -> l.split("\\s+")[1]).toList();
            assertThat(hostIds).as("host ids of the sandbox's root: %s", r.stdout()).hasSize(2);
            ids = hostIds.get(0) + ":" + hostIds.get(1);
        }
        assertThat(new ProcessBuilder("chown", "-R", ids, work.path().toString()).inheritIO().start().waitFor()).isZero();
    }

    private static Spawn sandbox(As as, MountPlan extra) {
        return SandboxSupport.inMinimalRoot(SandboxSupport.spawn(as), extra);
    }

    // --- argv0

    @ParameterizedTest
    @EnumSource(As.class)
    void argv0IsWhatTheCommandSeesWhileTheProgramRuns(As as) {
        SpawnResult r = sandbox(as, new MountPlan()).argv0("kitty").run("cat", "/proc/self/cmdline");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("kitty\0/proc/self/cmdline\0");
    }

    @Test
    void argv0WithANulIsRefusedBeforeAnyProcess() {
        assertThatThrownBy(() -> sandbox(As.ROOT, new MountPlan()).argv0("a\0b"))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("argv0");
    }

    // --- overlays

    @ParameterizedTest
    @EnumSource(As.class)
    void tmpOverlayLetsTheCommandWriteAndLeavesTheSourcesAsTheyWere(As as) throws Exception {
        Path src = dir("src");
        file(src, "a", "from-a\n");
        ownedBy(as);
        SpawnResult r = sandbox(as, new MountPlan().tmpOverlay(List.of(src), Path.of("/src"))
                        .remountReadOnly(Path.of("/"))) // the overlay is the plan's own: it stays writable
                .run("sh", "-c", "echo new > /src/b && cat /src/a && rm /src/a && ls /src");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("from-a\nb\n");
        assertThat(src.resolve("a")).hasContent("from-a");
        assertThat(src.resolve("b")).doesNotExist();
    }

    @ParameterizedTest
    @EnumSource(As.class)
    void overlayKeepsTheChangesInTheUpperDirectory(As as) throws Exception {
        Path lower = dir("lower");
        file(lower, "a", "from-a\n");
        file(lower, "keep", "kept\n");
        Path upper = dir("upper");
        Path wd = dir("work");
        ownedBy(as);
        SpawnResult r = sandbox(as, new MountPlan().overlay(List.of(lower), upper, wd, Path.of("/src")))
                .run("sh", "-c", "echo new > /src/b && rm /src/a && echo more >> /src/keep && ls /src");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("b\nkeep\n");
        assertThat(upper.resolve("b")).hasContent("new");
        assertThat(upper.resolve("keep")).hasContent("kept\nmore");
        // a deletion is a whiteout: a character device 0/0 in the upper directory
        assertThat(Files.readAttributes(upper.resolve("a"), "unix:mode", java.nio.file.LinkOption.NOFOLLOW_LINKS)
                .get("mode")).satisfies(m -> assertThat((int) m & 0170000).isEqualTo(0020000));
        assertThat(lower.resolve("a")).hasContent("from-a");
        assertThat(lower.resolve("keep")).hasContent("kept");
        // overlayfs leaves work/work with mode 0: let the owner delete it
        Files.setPosixFilePermissions(wd.resolve("work"), PosixFilePermissions.fromString("rwx------"));
    }

    @ParameterizedTest
    @EnumSource(As.class)
    void roOverlayMergesLayersTopFirstAndIsReadOnly(As as) throws Exception {
        Path top = dir("top");
        Path bottom = dir("bottom");
        file(top, "same", "top\n");
        file(bottom, "same", "bottom\n");
        file(bottom, "only", "only-bottom\n");
        SpawnResult r = sandbox(as, new MountPlan().roOverlay(List.of(top, bottom), Path.of("/merged")))
                .run("sh", "-c", "cat /merged/same /merged/only; touch /merged/x");
        assertThat(r.stdout()).isEqualTo("top\nonly-bottom\n");
        assertThat(r.stderr()).contains("/merged/x").contains("Read-only file system");
    }

    @ParameterizedTest
    @EnumSource(As.class)
    void aMissingLayerNamesTheEntry(As as) {
        Spawn s = sandbox(as, new MountPlan().tmpOverlay(List.of(work.resolve("missing")), Path.of("/src")));
        assertThatThrownBy(() -> s.run("true"))
                .isInstanceOf(NamespaceException.class)
                .hasMessageContaining("overlaySrc " + work.resolve("missing") + " -> /src");
    }

    @Test
    void badOverlaysAreRefusedNamingTheEntry() {
        Path src = Path.of("/usr");
        assertThatThrownBy(() -> sandbox(As.ROOT, new MountPlan()
                .add(new Mount(Mount.Kind.OVERLAY_SRC, "/usr", "/src", 0, 0, null, false))
                .tmpfs(Path.of("/tmp"))).run("true"))
                .isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("mounts[").hasMessageContaining("overlaySrc /usr -> /src")
                .hasMessageContaining("followed by its overlay");
        assertThatThrownBy(() -> sandbox(As.ROOT, new MountPlan()
                .overlay(List.of(src), Path.of("/tmp/u"), Path.of("relative"), Path.of("/src"))).run("true"))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining(".work");
        assertThatThrownBy(() -> sandbox(As.ROOT, new MountPlan().tmpOverlay(List.of(), Path.of("/src"))).run("true"))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("tmpOverlay /src")
                .hasMessageContaining("at least one lower layer");
        assertThatThrownBy(() -> sandbox(As.ROOT, new MountPlan()
                .add(new Mount(Mount.Kind.OVERLAY_SRC, "/usr", "/a", 0, 0, null, false))
                .roOverlay(List.of(src), Path.of("/b"))).run("true"))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("is for /a");
    }

    // --- files from Java, chmod

    @ParameterizedTest
    @EnumSource(As.class)
    void roFileCanBeReadButNotWrittenEvenByTheSandboxsRoot(As as) {
        SpawnResult r = sandbox(as, new MountPlan()
                .roFile(Path.of("/etc/jns.conf"), "key=value\n".getBytes(StandardCharsets.UTF_8), 0644))
                .run("sh", "-c", "cat /etc/jns.conf; echo x > /etc/jns.conf; stat -c %a /etc/jns.conf");
        assertThat(r.stdout()).isEqualTo("key=value\n644\n");
        assertThat(r.stderr()).contains("Read-only file system");
    }

    @ParameterizedTest
    @EnumSource(As.class)
    void chmodSetsTheModeOfParentsThePlanCreated(As as) {
        SpawnResult r = sandbox(as, new MountPlan()
                .mkdir(Path.of("/tmp/a/b"), 0750)
                .chmod(Path.of("/tmp/a"), 0700))
                .run("stat", "-c", "%a", "/tmp/a", "/tmp/a/b");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout()).isEqualTo("700\n750\n");
    }

    @ParameterizedTest
    @EnumSource(As.class)
    void chmodOfAMissingPathNamesTheEntry(As as) {
        Spawn s = sandbox(as, new MountPlan().chmod(Path.of("/tmp/none"), 0700));
        assertThatThrownBy(() -> s.run("true"))
                .isInstanceOf(NamespaceException.class).hasMessageContaining("chmod /tmp/none");
    }

    @Test
    void chmodModeOutOfRangeIsRefused() {
        assertThatThrownBy(() -> sandbox(As.ROOT, new MountPlan().chmod(Path.of("/tmp"), 010000)).run("true"))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("chmod /tmp").hasMessageContaining(".mode");
    }
}
