package dev.jns.linux;

import dev.jns.InvalidSpecException;
import dev.jns.NamespaceException;
import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsHandle;
import dev.jns.SpawnResult;
import dev.jns.linux.testing.LeakCheck;
import dev.jns.linux.testing.Probe;
import dev.jns.linux.testing.Warm;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** create, persist, reopen, unpersist (as root; what needs no root runs as any user). */
class PersistTest {
    static void root(String why) {
        assumeTrue(Probe.root(), "needs root: " + why);
    }

    @BeforeAll
    static void warm() {
        Warm.up();
    }

    @Test
    void createdNamespacesLiveWithoutProcessesAndCanBeJoined() {
        root("rootless, Namespaces.create keeps the namespaces with a holder process, so they have a member "
                + "(RootlessHandlesTest covers that)");
        LeakCheck leaks = LeakCheck.start();
        List<NsHandle> hs = Namespaces.create(NamespaceType.NET, NamespaceType.UTS, NamespaceType.IPC,
                NamespaceType.MOUNT, NamespaceType.CGROUP, NamespaceType.TIME);
        try {
            for (int i = 0; i < hs.size(); i++) {
                try (NsHandle mine = Namespaces.current(hs.get(i).type())) {
                    assertThat(hs.get(i)).isNotEqualTo(mine);
                }
                assertThat(Namespaces.members(hs.get(i))).isEmpty();
            }
            assertThat(hs).extracting(NsHandle::type).containsExactly(NamespaceType.NET, NamespaceType.UTS,
                    NamespaceType.IPC, NamespaceType.MOUNT, NamespaceType.CGROUP, NamespaceType.TIME);
            var spawn = Namespaces.spawn();
            hs.forEach(spawn::join);
            SpawnResult r = spawn.run("sh", "-c", "readlink /proc/self/ns/net /proc/self/ns/mnt /proc/self/ns/time");
            assertThat(r.success()).as(r.stderr()).isTrue();
            assertThat(r.stdout().lines().toList()).containsExactly(hs.get(0).toString(), hs.get(3).toString(),
                    hs.get(5).toString());
        } finally {
            hs.forEach(NsHandle::close);
        }
        leaks.assertNoLeaks();
    }

    @Test
    void aPidNamespaceIsRefusedWithAReason() {
        assertThatThrownBy(() -> Namespaces.create(NamespaceType.PID)).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("newPid()");
    }

    @Test
    void persistReopenUnpersist(@TempDir Path dir) throws Exception {
        root("persist is a bind mount, which needs CAP_SYS_ADMIN over the caller's mount namespace");
        LeakCheck leaks = LeakCheck.start();
        Path file = dir.resolve("net");
        long inode;
        try (NsHandle h = Namespaces.create(NamespaceType.NET).get(0)) {
            h.persist(file);
            inode = h.inode();
        }
        try (NsHandle again = Namespaces.open(file, NamespaceType.NET)) {
            assertThat(again.inode()).isEqualTo(inode);
            assertThat(Namespaces.list(NamespaceType.NET)).anySatisfy(i -> {
                assertThat(i.inode()).isEqualTo(inode);
                assertThat(i.path()).contains(file);
                assertThat(i.processes()).isZero();
            });
        }
        Namespaces.unpersist(file);
        Files.delete(file);
        assertThatThrownBy(() -> Namespaces.unpersist(file)).isInstanceOf(NamespaceException.class)
                .hasMessageContaining("no such file");
        leaks.assertNoLeaks();
    }

    @Test
    void persistToAMissingDirectoryOrOntoADirectoryFails(@TempDir Path dir) {
        LeakCheck leaks = LeakCheck.start();
        try (NsHandle h = Namespaces.current(NamespaceType.UTS)) {
            assertThatThrownBy(() -> h.persist(dir.resolve("missing/uts")))
                    .isInstanceOfSatisfying(NamespaceException.class, e -> {
                        assertThat(e.errnoName()).isEqualTo("ENOENT");
                        assertThat(e.getMessage()).contains("the directory does not exist");
                    });
            assertThatThrownBy(() -> h.persist(dir))
                    .isInstanceOfSatisfying(NamespaceException.class, e -> assertThat(e.errnoName()).isEqualTo("EISDIR"));
            h.close();
            assertThatThrownBy(() -> h.persist(dir.resolve("x")))
                    .isInstanceOfSatisfying(NamespaceException.class, e -> assertThat(e.errnoName()).isEqualTo("EBADF"));
        }
        assertThat(dir.resolve("x")).doesNotExist();
        leaks.assertNoLeaks();
    }

    @Test
    void aMountNamespaceCannotBeKeptInsideItself(@TempDir Path dir) {
        root("without it, the bind mount is refused (EPERM) before the kernel looks at the namespace (EINVAL)");
        LeakCheck leaks = LeakCheck.start();
        // our own mount namespace kept on a path of itself: the kernel refuses (EINVAL), the file is removed
        try (NsHandle h = Namespaces.current(NamespaceType.MOUNT)) {
            assertThatThrownBy(() -> h.persist(dir.resolve("mnt")))
                    .isInstanceOfSatisfying(NamespaceException.class, e -> {
                        assertThat(e.errnoName()).isEqualTo("EINVAL");
                        assertThat(e.getMessage()).contains("private mount");
                    });
        }
        assertThat(dir.resolve("mnt")).doesNotExist();
        leaks.assertNoLeaks();
    }
}
