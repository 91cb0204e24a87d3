package dev.jns.linux;

import dev.jns.NamespaceException;
import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsHandle;
import dev.jns.NsProcess;
import dev.jns.SpawnResult;
import dev.jns.linux.testing.LeakCheck;
import dev.jns.linux.testing.Warm;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** Handles without root: create through the launcher, join by handle and by pid, enter refused with a reason. */
@Tag("rootless")
class RootlessHandlesTest {
    @BeforeAll
    static void notRoot() {
        assumeFalse(new com.sun.security.auth.module.UnixSystem().getUid() == 0,
                "runs as an unprivileged user: mvn ... -Djns.rootlessUser=jnsci");
        Warm.up();
    }

    @Test
    void createThroughTheLauncherAndJoinByHandle() {
        LeakCheck leaks = LeakCheck.start();
        List<NsHandle> hs = Namespaces.create(NamespaceType.USER, NamespaceType.NET, NamespaceType.UTS);
        try {
            assertThat(hs).extracting(NsHandle::type).containsExactly(NamespaceType.USER, NamespaceType.NET, NamespaceType.UTS);
            try (NsHandle netOwner = hs.get(1).owner()) {
                assertThat(netOwner).isEqualTo(hs.get(0));
            }
            assertThat(Namespaces.members(hs.get(1))).isEmpty(); // the holder is gone, the handles keep them
            SpawnResult r = Namespaces.spawn().join(hs.get(0)).join(hs.get(1)).join(hs.get(2))
                    .run("sh", "-c", "readlink /proc/self/ns/user /proc/self/ns/net /proc/self/ns/uts");
            assertThat(r.success()).as(r.stderr()).isTrue();
            assertThat(r.stdout().lines().toList()).containsExactly(hs.get(0).toString(), hs.get(1).toString(),
                    hs.get(2).toString());
        } finally {
            hs.forEach(NsHandle::close);
        }
        leaks.assertNoLeaks();
    }

    @Test
    void createWithoutUserAddsAnOwnerAnyway() {
        LeakCheck leaks = LeakCheck.start();
        try (NsHandle net = Namespaces.create(NamespaceType.NET).get(0); NsHandle mine = Namespaces.current(NamespaceType.USER);
             NsHandle owner = net.owner()) {
            assertThat(owner).isNotEqualTo(mine);
        }
        leaks.assertNoLeaks();
    }

    @Test
    void joinAllOfAnOwnSandboxJoinsItsUserNamespaceFirst() {
        LeakCheck leaks = LeakCheck.start();
        try (NsProcess target = Namespaces.spawn().newUser().mapRootUser().newNet().newUts().newIpc().newMount()
                .start("sleep", "30")) {
            List<String> expected = JoinTest.inodes(target.pid()).stream()
                    .filter(s -> s.startsWith("user") || s.startsWith("net") || s.startsWith("uts")
                            || s.startsWith("ipc") || s.startsWith("mnt")).toList();
            SpawnResult r = Namespaces.spawn().joinAll(target.pid()).run("sh", "-c",
                    "readlink /proc/self/ns/user /proc/self/ns/mnt /proc/self/ns/net /proc/self/ns/uts /proc/self/ns/ipc; id -u");
            assertThat(r.success()).as(r.stderr()).isTrue();
            List<String> lines = r.stdout().lines().toList();
            assertThat(lines.subList(0, 5)).containsExactlyElementsOf(expected);
            assertThat(lines.get(5)).isEqualTo("0"); // root inside the joined user namespace
            // joined plus new: the target's net, a new uts
            SpawnResult mixed = Namespaces.spawn().joinAll(target.pid()).newUts().hostname("mixed")
                    .run("sh", "-c", "readlink /proc/self/ns/net; hostname");
            assertThat(mixed.success()).as(mixed.stderr()).isTrue();
            assertThat(mixed.stdout().lines().toList()).containsExactly(expected.get(2), "mixed");
        }
        leaks.assertNoLeaks();
    }

    @Test
    void enteringWithoutPrivilegeSaysWhyAndWhatToDo() {
        LeakCheck leaks = LeakCheck.start();
        List<NsHandle> hs = Namespaces.create(NamespaceType.USER, NamespaceType.NET);
        try {
            NsHandle net = hs.get(1);
            assertThatThrownBy(() -> net.call(() -> 1)).isInstanceOfSatisfying(NamespaceException.class, e -> {
                assertThat(e.errnoName()).isEqualTo("EPERM");
                assertThat(e.getMessage()).contains("CAP_SYS_ADMIN").contains("Namespaces.spawn().join(handle)");
            });
        } finally {
            hs.forEach(NsHandle::close);
        }
        leaks.assertNoLeaks();
    }

    @Test
    void persistWithoutPrivilegeFails() {
        LeakCheck leaks = LeakCheck.start();
        try (NsHandle uts = Namespaces.current(NamespaceType.UTS)) {
            Path target = Path.of(System.getProperty("java.io.tmpdir"), "jns-rootless-uts-" + ProcessHandle.current().pid());
            assertThatThrownBy(() -> uts.persist(target)).isInstanceOfSatisfying(NamespaceException.class,
                    e -> assertThat(e.errnoName()).isEqualTo("EPERM"));
            assertThat(target).doesNotExist();
        }
        leaks.assertNoLeaks();
    }
}
