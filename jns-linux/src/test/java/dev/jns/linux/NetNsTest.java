package dev.jns.linux;

import dev.jns.NamespaceException;
import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsHandle;
import dev.jns.SpawnResult;
import dev.jns.linux.testing.LeakCheck;
import dev.jns.linux.testing.Probe;
import dev.jns.linux.testing.Warm;
import dev.jns.net.NetNs;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Named network namespaces against the real iproute2 {@code ip} (as root). */
class NetNsTest {
    static final String IP = "/usr/sbin/ip";

    @BeforeAll
    static void setUp() {
        assumeTrue(Probe.root(), "needs root: named network namespaces live in /run/netns, root's (as ip netns)");
        assumeTrue(Files.isExecutable(Path.of(IP)) || Files.isExecutable(Path.of("/sbin/ip")), "iproute2's ip is not installed");
        Warm.up();
        // the first add makes /run/netns a mount of its own, once per boot: not a leak of a test
        String name = unique();
        ip("netns", "add", name);
        ip("netns", "delete", name);
    }

    static String unique() {
        return "jns-test-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static SpawnResult ip(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = Files.isExecutable(Path.of(IP)) ? IP : "/sbin/ip";
        System.arraycopy(args, 0, cmd, 1, args.length);
        return Namespaces.spawn().run(cmd);
    }

    @Test
    void whatIpAddsJnsOpensListsAndDeletes() {
        LeakCheck leaks = LeakCheck.start();
        String name = unique();
        SpawnResult add = ip("netns", "add", name);
        assertThat(add.success()).as(add.stderr()).isTrue();
        try {
            assertThat(NetNs.list()).contains(name);
            try (NsHandle h = NetNs.open(name); NsHandle mine = Namespaces.current(NamespaceType.NET)) {
                assertThat(h.type()).isEqualTo(NamespaceType.NET);
                assertThat(h).isNotEqualTo(mine);
                SpawnResult inside = Namespaces.spawn().join(h).run("readlink", "/proc/self/ns/net");
                assertThat(inside.stdout().trim()).isEqualTo(h.toString());
            }
        } finally {
            NetNs.unpersist(name);
        }
        assertThat(NetNs.list()).doesNotContain(name);
        assertThat(ip("netns", "list").stdout()).doesNotContain(name);
        leaks.assertNoLeaks();
    }

    @Test
    void whatJnsAddsIpListsExecsAndDeletes() {
        LeakCheck leaks = LeakCheck.start();
        String name = unique();
        try (NsHandle h = NetNs.create(name)) {
            assertThat(ip("netns", "list").stdout()).contains(name);
            SpawnResult exec = ip("netns", "exec", name, "sh", "-c", "readlink /proc/self/ns/net; ip link");
            assertThat(exec.success()).as(exec.stderr()).isTrue();
            assertThat(exec.stdout()).startsWith(h.toString()).contains("1: lo:").doesNotContain("eth0");
            assertThatThrownBy(() -> NetNs.create(name)).isInstanceOfSatisfying(NamespaceException.class,
                    e -> assertThat(e.errnoName()).isEqualTo("EEXIST"));
        } finally {
            SpawnResult del = ip("netns", "delete", name);
            assertThat(del.success()).as(del.stderr()).isTrue();
        }
        assertThat(NetNs.list()).doesNotContain(name);
        leaks.assertNoLeaks();
    }

    @Test
    void deletingAMissingNamespaceSaysSo() {
        LeakCheck leaks = LeakCheck.start();
        assertThatThrownBy(() -> NetNs.unpersist(unique())).isInstanceOfSatisfying(NamespaceException.class,
                e -> assertThat(e.getMessage()).contains("no network namespace named"));
        leaks.assertNoLeaks();
    }
}
