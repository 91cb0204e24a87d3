package dev.jns.linux;

import dev.jns.NamespaceException;
import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsHandle;
import dev.jns.linux.testing.Probe;
import dev.jns.linux.testing.SandboxSupport;
import dev.jns.linux.testing.WorkDir;
import dev.jns.net.NetNs;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 13, item 9: persist, unpersist and NetNs never follow another user's symlink and never unmount anything
 * but a kept namespace (as root: persisting needs CAP_SYS_ADMIN in the caller's mount namespace).
 */
class PersistSafetyTest {
    @RegisterExtension
    final WorkDir work = new WorkDir("jns-persist-");

    @BeforeAll
    static void rootOnly() {
        Assumptions.assumeTrue(Probe.root(), "persist needs root (CAP_SYS_ADMIN in the caller's mount namespace)");
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).inheritIO().start();
        assertThat(p.waitFor()).as(String.join(" ", command)).isZero();
    }

    /** Makes {@code link} owned by jnsci, as if that user had planted it (chown -h). */
    private static void ownedByAnotherUser(Path link) throws Exception {
        long jnsci = SandboxSupport.jnsci();
        Assumptions.assumeTrue(jnsci > 0, "needs the user jnsci");
        run("chown", "-h", jnsci + ":" + jnsci, link.toString());
    }

    private static boolean mountedOn(Path p) throws Exception {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream()
                .anyMatch(l -> l.split(" ")[4].equals(p.toString()));
    }

    @Test
    void aSymlinkPlantedAtThePersistPathIsRefusedAndItsTargetUntouched() throws Exception {
        Path victim = Files.writeString(work.resolve("victim"), "");
        Path planted = Files.createSymbolicLink(work.resolve("ns"), victim);
        ownedByAnotherUser(planted);
        try (NsHandle h = Namespaces.create(NamespaceType.UTS).get(0)) {
            assertThatThrownBy(() -> h.persist(planted)).isInstanceOfSatisfying(NamespaceException.class, e -> {
                assertThat(e.errnoName()).isEqualTo("ELOOP");
                assertThat(e.getMessage()).contains("symlink");
            });
        }
        assertThat(mountedOn(victim)).isFalse();
        assertThat(Files.isSymbolicLink(planted)).isTrue();
    }

    @Test
    void anotherUsersSymlinkedDirectoryOnThePathIsRefused() throws Exception {
        Path real = Files.createDirectories(work.resolve("real"));
        Path link = Files.createSymbolicLink(work.resolve("dir"), real);
        ownedByAnotherUser(link);
        try (NsHandle h = Namespaces.create(NamespaceType.UTS).get(0)) {
            assertThatThrownBy(() -> h.persist(link.resolve("ns"))).isInstanceOfSatisfying(NamespaceException.class,
                    e -> {
                        assertThat(e.errnoName()).isEqualTo("ELOOP");
                        assertThat(e.getMessage()).contains("owned by uid " + SandboxSupport.jnsci());
                    });
        }
        assertThat(real.resolve("ns")).doesNotExist();
    }

    @Test
    void theCallersOwnSymlinkedDirectoryAndAnEmptyFileOfItsOwnAreFine() throws Exception {
        Path real = Files.createDirectories(work.resolve("real"));
        Path link = Files.createSymbolicLink(work.resolve("dir"), real); // owned by root, the caller
        Path existing = Files.createFile(real.resolve("uts"));           // as `touch` before `ip netns add`
        try (NsHandle h = Namespaces.create(NamespaceType.UTS).get(0)) {
            h.persist(link.resolve("uts"));
            try (NsHandle again = Namespaces.open(existing, NamespaceType.UTS)) {
                assertThat(again).isEqualTo(h);
            }
            assertThatThrownBy(() -> h.persist(existing)).isInstanceOfSatisfying(NamespaceException.class,
                    e -> assertThat(e.errnoName()).isEqualTo("EBUSY"));
        }
        Namespaces.unpersist(link.resolve("uts"));
        assertThat(mountedOn(existing)).isFalse();
    }

    @Test
    void aFileOfAnotherUserOrWithContentIsNotReused() throws Exception {
        Path other = Files.createFile(work.resolve("other"));
        run("chown", SandboxSupport.jnsci() + "", other.toString());
        Path full = Files.writeString(work.resolve("full"), "data");
        try (NsHandle h = Namespaces.create(NamespaceType.UTS).get(0)) {
            for (Path p : new Path[] {other, full}) {
                assertThatThrownBy(() -> h.persist(p)).isInstanceOfSatisfying(NamespaceException.class,
                        e -> assertThat(e.errnoName()).isEqualTo("EEXIST"));
            }
        }
        assertThat(Files.readString(full)).isEqualTo("data");
    }

    @Test
    void unpersistOfAPlainMountIsRefusedAndTheMountStays() throws Exception {
        Path m = Files.createDirectories(work.resolve("m"));
        run("mount", "-t", "tmpfs", "-o", "size=64k", "jns-test", m.toString());
        try {
            assertThatThrownBy(() -> Namespaces.unpersist(m)).isInstanceOfSatisfying(NamespaceException.class, e -> {
                assertThat(e.errnoName()).isEqualTo("EINVAL");
                assertThat(e.getMessage()).contains("not a kept namespace").contains("nsfs");
            });
            assertThat(mountedOn(m)).isTrue();
        } finally {
            run("umount", m.toString());
        }
    }

    @Test
    void unpersistThroughASymlinkIsRefusedAndTheNamespaceStaysKept() throws Exception {
        Path kept = work.resolve("kept");
        try (NsHandle h = Namespaces.create(NamespaceType.UTS).get(0)) {
            h.persist(kept);
        }
        Path link = Files.createSymbolicLink(work.resolve("link"), kept);
        try {
            assertThatThrownBy(() -> Namespaces.unpersist(link)).isInstanceOfSatisfying(NamespaceException.class,
                    e -> assertThat(e.errnoName()).isEqualTo("ELOOP"));
            assertThat(mountedOn(kept)).isTrue();
        } finally {
            Namespaces.unpersist(kept);
        }
        assertThat(mountedOn(kept)).isFalse();
    }

    @Test
    void netNsNeverFollowsASymlinkInRunNetns() throws Exception {
        String name = "jns-safety-" + ProcessHandle.current().pid();
        Files.createDirectories(NetNs.DIR);
        Path victim = Files.writeString(work.resolve("victim"), "");
        Path planted = Files.createSymbolicLink(NetNs.DIR.resolve(name), victim);
        try {
            assertThatThrownBy(() -> NetNs.create(name)).isInstanceOfSatisfying(NamespaceException.class,
                    e -> assertThat(e.errnoName()).isEqualTo("EEXIST"));
            assertThatThrownBy(() -> NetNs.unpersist(name)).isInstanceOfSatisfying(NamespaceException.class, e -> {
                assertThat(e.errnoName()).isEqualTo("EINVAL");
                assertThat(e.getMessage()).contains("symlink");
            });
            assertThat(mountedOn(victim)).isFalse();
            assertThat(Files.isSymbolicLink(planted)).isTrue();
            assertThat(victim).exists();
        } finally {
            Files.deleteIfExists(planted);
        }
    }
}
