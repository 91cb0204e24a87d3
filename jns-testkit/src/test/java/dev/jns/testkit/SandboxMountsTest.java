package dev.jns.testkit;

import dev.jns.InvalidSpecException;
import dev.jns.sandbox.MountPlan;
import dev.jns.NamespaceType;
import dev.jns.SpawnResult;
import dev.jns.testkit.fixtures.MountsFixture;
import dev.jns.testkit.internal.ProcFs;
import dev.jns.testkit.internal.Support;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Extra mounts of a sandbox: from {@code @SandboxConfig} (through the engine) and from the builder. */
@RequiresNamespaces({NamespaceType.USER, NamespaceType.MOUNT, NamespaceType.PID})
class SandboxMountsTest {
    private static final Path BASE = Path.of(MountsFixture.BASE);

    @Test
    void sandboxConfigBindsRoBindsAndTmpfs() throws Exception {
        MountLayout.prepare(BASE, -1, -1);
        try {
            MountLayout.runAndCheck(MountsFixture.class, BASE);
        } finally {
            MountLayout.delete(BASE);
        }
    }

    @Test
    void sandboxConfigMountsMadeAsAnUnprivilegedUser() throws Exception {
        Assumptions.assumeTrue(ProcFs.euid() == 0, "the JVM is not root: its sandboxes are rootless already");
        long[] ids = ProcFs.user("jnsci");
        Assumptions.assumeTrue(ids != null, "no unprivileged user 'jnsci' to make sandboxes as");
        String saved = System.getProperty(Support.RUN_AS_USER);
        System.setProperty(Support.RUN_AS_USER, "jnsci");
        MountLayout.prepare(BASE, ids[0], ids[1]);
        try {
            MountLayout.runAndCheck(MountsFixture.class, BASE);
            assertThat(Files.getAttribute(BASE.resolve("rw-src/out"), "unix:uid")).isEqualTo((int) ids[0]);
        } finally {
            MountLayout.delete(BASE);
            if (saved == null) {
                System.clearProperty(Support.RUN_AS_USER);
            } else {
                System.setProperty(Support.RUN_AS_USER, saved);
            }
        }
    }

    @Test
    void builderMountsAndAPlan(@TempDir Path dir) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src"));
        Path dst = Files.createDirectories(dir.resolve("dst"));
        Path roDst = Files.createDirectories(dir.resolve("ro"));
        Path scratch = Files.createDirectories(dir.resolve("scratch"));
        Files.writeString(src.resolve("in"), "host\n");
        Map<String, String> before = ProcFs.mounts();
        MountPlan plan = new MountPlan().bind(src, dst).roBind(src, roDst).tmpfs(scratch)
                .mkdir(scratch.resolve("made/here"), 0755)
                .file(scratch.resolve("made/here/note"), "from the plan\n")
                .symlink("/proc/self", scratch.resolve("self"));
        try (Sandbox sandbox = Sandbox.builder().namespaces(NamespaceType.PID).mounts(plan).open()) {
            assertThat(sandbox.namespaces()).contains(NamespaceType.MOUNT);
            SpawnResult r = sandbox.run("sh", "-c", "cat " + dst + "/in; echo new > " + dst + "/out; cat "
                    + scratch + "/made/here/note; readlink " + scratch + "/self; echo x > " + roDst + "/y");
            assertThat(r.stdout()).isEqualTo("host\nfrom the plan\n/proc/self\n");
            assertThat(r.stderr()).contains("Read-only file system");
            assertThat(src.resolve("out")).hasContent("new");
            assertThat(scratch.resolve("made")).doesNotExist(); // made in the sandbox's tmpfs only
            assertThat(ProcFs.mounts().keySet()).isEqualTo(before.keySet());
        }
        assertThat(ProcFs.mounts().keySet()).isEqualTo(before.keySet());
    }

    @Test
    void builderRejectsAnInvalidPlanBeforeStartingAnything() {
        Sandbox.Builder b = Sandbox.builder().mounts(new MountPlan().bind(Path.of("/tmp"), Path.of("/")));
        assertThatThrownBy(b::open).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("mounts[0]").hasMessageContaining("'/' can only be remounted read-only");
    }

    @Test
    void aMountThatFailsNamesTheEntry(@TempDir Path dir) {
        Path missing = dir.resolve("no/such/dir");
        assertThatThrownBy(() -> Sandbox.builder().mounts(new MountPlan().tmpfs(missing)).open().close())
                .hasMessageContaining(missing.toString()).hasMessageContaining("ENOENT");
    }
}
