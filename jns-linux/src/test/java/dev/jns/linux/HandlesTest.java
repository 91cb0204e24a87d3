package dev.jns.linux;

import dev.jns.NamespaceException;
import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsHandle;
import dev.jns.NsProcess;
import dev.jns.linux.testing.LeakCheck;
import dev.jns.linux.testing.Probe;
import dev.jns.linux.testing.Warm;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Opening handles: identity, type, equality, relations, members, and bad input. */
class HandlesTest {
    @org.junit.jupiter.api.BeforeAll
    static void warm() {
        Warm.up();
    }

    static long linkInode(long pid, NamespaceType t) throws Exception {
        String s = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", t.procName())).toString();
        return Long.parseLong(s.substring(s.indexOf('[') + 1, s.length() - 1));
    }

    @Test
    void inodeAndTypeMatchReadlinkForEveryType() throws Exception {
        LeakCheck leaks = LeakCheck.start();
        long self = ProcessHandle.current().pid();
        for (NamespaceType t : NamespaceType.values()) {
            try (NsHandle h = Namespaces.of(self, t); NsHandle again = Namespaces.open(Path.of("/proc/self/ns", t.procName()))) {
                assertThat(h.type()).isEqualTo(t);
                assertThat(h.inode()).isEqualTo(linkInode(self, t));
                assertThat(h).isEqualTo(again).hasSameHashCodeAs(again);
                assertThat(h.toString()).isEqualTo(t.procName() + ":[" + h.inode() + "]");
            }
        }
        leaks.assertNoLeaks();
    }

    @Test
    void differentNamespacesAreNotEqual() {
        try (NsHandle net = Namespaces.current(NamespaceType.NET); NsHandle uts = Namespaces.current(NamespaceType.UTS)) {
            assertThat(net).isNotEqualTo(uts);
        }
    }

    @Test
    void closeIsIdempotent() {
        NsHandle h = Namespaces.current(NamespaceType.NET);
        h.close();
        h.close();
        assertThat(h.isOpen()).isFalse();
    }

    @Test
    void ownerAndParentChainsOfNestedUserNamespaces() throws Exception {
        LeakCheck leaks = LeakCheck.start();
        // outer user ns (root in it) runs unshare -U: an inner user ns nested in it
        try (NsProcess p = Namespaces.spawn().newUser().mapRootUser().newNet()
                .start("sh", "-c", "unshare --user --map-root-user sleep 30; true");
             NsHandle initialUser = Namespaces.current(NamespaceType.USER)) {
            long sleeper = awaitChildIn(p, "sleep");
            try (NsHandle outer = p.namespace(NamespaceType.USER);
                 NsHandle inner = Namespaces.of(sleeper, NamespaceType.USER);
                 NsHandle net = p.namespace(NamespaceType.NET);
                 NsHandle innerParent = inner.parent();
                 NsHandle outerParent = outer.parent();
                 NsHandle netOwner = net.owner()) {
                assertThat(inner).isNotEqualTo(outer);
                assertThat(innerParent).isEqualTo(outer);
                assertThat(outerParent).isEqualTo(initialUser);
                assertThat(netOwner).isEqualTo(outer);
                assertThat(outer.ownerUid()).isEqualTo(Probe.uid()); // made by this JVM's user
                assertThat(Namespaces.members(inner)).containsExactly(sleeper);
                assertThat(Namespaces.members(outer)).contains(p.pid()).doesNotContain(sleeper);
                assertThatThrownBy(net::ownerUid).isInstanceOf(NamespaceException.class).hasMessageContaining("only user namespaces");
                assertThatThrownBy(net::parent).isInstanceOf(NamespaceException.class).hasMessageContaining("only user and pid");
            }
        }
        leaks.assertNoLeaks();
    }

    /** The pid of the process named {@code comm} among the descendants of {@code p} (waits for it to exec). */
    static long awaitChildIn(NsProcess p, String comm) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            String kids = Files.readString(Path.of("/proc", Long.toString(p.pid()), "task", Long.toString(p.pid()), "children")).trim();
            for (String k : kids.isEmpty() ? new String[0] : kids.split(" ")) {
                long pid = Long.parseLong(k);
                String c = Files.readString(Path.of("/proc", Long.toString(pid), "comm")).trim();
                if (c.equals(comm) && !Files.readSymbolicLink(Path.of("/proc", k, "ns", "user"))
                        .equals(Files.readSymbolicLink(Path.of("/proc", Long.toString(p.pid()), "ns", "user")))) {
                    return pid;
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no " + comm + " under " + p);
    }

    @Test
    void ofMissingPidSaysTheProcessIsGone() {
        LeakCheck leaks = LeakCheck.start();
        assertThatThrownBy(() -> Namespaces.of(999_999_999L, NamespaceType.NET))
                .isInstanceOfSatisfying(NamespaceException.class, e -> {
                    assertThat(e.errnoName()).isEqualTo("ESRCH");
                    assertThat(e.getMessage()).contains("no process 999999999");
                });
        leaks.assertNoLeaks();
    }

    @Test
    void openOfANonNamespaceFileSaysSo() {
        LeakCheck leaks = LeakCheck.start();
        assertThatThrownBy(() -> Namespaces.open(Path.of("/etc/passwd")))
                .isInstanceOfSatisfying(NamespaceException.class, e -> {
                    assertThat(e.step()).isEqualTo("ioctl NS_GET_NSTYPE");
                    assertThat(e.getMessage()).contains("/etc/passwd is not a namespace file");
                });
        assertThatThrownBy(() -> Namespaces.open(Path.of("/nonexistent/ns")))
                .isInstanceOfSatisfying(NamespaceException.class, e -> assertThat(e.errnoName()).isEqualTo("ENOENT"));
        assertThatThrownBy(() -> Namespaces.open(Path.of("/proc/self/ns/net"), NamespaceType.UTS))
                .isInstanceOf(NamespaceException.class).hasMessageContaining("is a net namespace, not a uts namespace");
        leaks.assertNoLeaks();
    }
}
