package dev.jns.linux;

import dev.jns.InvalidSpecException;
import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsHandle;
import dev.jns.NsProcess;
import dev.jns.SpawnResult;
import dev.jns.linux.testing.LeakCheck;
import dev.jns.linux.testing.Probe;
import dev.jns.linux.testing.Warm;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Joining namespaces by handle and by pid (as root). */
class JoinTest {
    @BeforeAll
    static void warm() {
        Warm.up();
    }

    /** Prints the inodes of the caller's namespaces: "net:[..] uts:[..] ...". */
    static final String[] SHOW = {"sh", "-c", "for t in user mnt pid net uts ipc cgroup time; do readlink /proc/self/ns/$t; done"};

    @Test
    void joinsEveryTypeOfASandboxByPid() {
        LeakCheck leaks = LeakCheck.start();
        try (NsProcess target = Namespaces.spawn().newUser().mapRootUser().newPid().newMount().mountProc().newNet()
                .newUts().newIpc().newCgroup().newTime().start("sleep", "30")) {
            List<String> expected = inodes(target.pid());
            SpawnResult r = Namespaces.spawn().joinAll(target.pid()).run(SHOW);
            assertThat(r.success()).as(r.stderr()).isTrue();
            // the joined shell is a child, so its pid ns is the target's (the forked process), and so on
            assertThat(r.stdout().lines().toList()).containsExactlyElementsOf(expected);
        }
        leaks.assertNoLeaks();
    }

    @Test
    void joinsByHandlePlusANewNamespace() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Probe.root(), "needs root: joins a network namespace of another "
                + "user namespace without joining that one (setns needs CAP_SYS_ADMIN over it)");
        LeakCheck leaks = LeakCheck.start();
        try (NsProcess target = Namespaces.spawn().newNet().start("sleep", "30");
             NsHandle net = target.namespace(NamespaceType.NET);
             NsHandle uts = Namespaces.current(NamespaceType.UTS)) {
            SpawnResult r = Namespaces.spawn().join(net).newUts().hostname("joined").run("sh", "-c",
                    "readlink /proc/self/ns/net /proc/self/ns/uts; hostname");
            assertThat(r.success()).as(r.stderr()).isTrue();
            List<String> lines = r.stdout().lines().toList();
            assertThat(lines.get(0)).isEqualTo(net.toString());
            assertThat(lines.get(1)).isNotEqualTo(uts.toString());
            assertThat(lines.get(2)).isEqualTo("joined");
        }
        leaks.assertNoLeaks();
    }

    @Test
    void joinAllSkipsTheCallersOwnNamespaces() {
        LeakCheck leaks = LeakCheck.start();
        long self = ProcessHandle.current().pid();
        SpawnResult r = Namespaces.spawn().joinAll(self).run("true");
        assertThat(r.success()).as(r.stderr()).isTrue();
        leaks.assertNoLeaks();
    }

    @Test
    void joinAllWithANewTypeKeepsTheNewOne() {
        LeakCheck leaks = LeakCheck.start();
        try (NsProcess target = Namespaces.spawn().newNet().newUts().hostname("target").start("sleep", "30");
             NsHandle net = target.namespace(NamespaceType.NET)) {
            SpawnResult r = Namespaces.spawn().joinAll(target.pid()).newUts().hostname("mine")
                    .run("sh", "-c", "readlink /proc/self/ns/net; hostname");
            assertThat(r.stdout().lines().toList()).containsExactly(net.toString(), "mine");
        }
        leaks.assertNoLeaks();
    }

    @Test
    void joiningAClosedHandleIsAClearError() {
        LeakCheck leaks = LeakCheck.start();
        NsHandle h = Namespaces.current(NamespaceType.NET);
        h.close();
        assertThatThrownBy(() -> Namespaces.spawn().join(h).run("true"))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("is closed");
        leaks.assertNoLeaks();
    }

    static List<String> inodes(long pid) {
        return java.util.stream.Stream.of("user", "mnt", "pid", "net", "uts", "ipc", "cgroup", "time").map(t -> {
            try {
                String name = t; // what the process is in (for time and pid: not *_for_children), as nsenter -a
                return java.nio.file.Files.readSymbolicLink(java.nio.file.Path.of("/proc", Long.toString(pid), "ns", name)).toString();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).toList();
    }
}
