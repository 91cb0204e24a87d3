package dev.jns.linux;

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

import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Java code in a namespace (as root). */
class EnterTest {
    @BeforeAll
    static void root() {
        assumeTrue(Probe.root(), "needs root: Java code enters namespaces that Namespaces.create made, and setns "
                + "there needs CAP_SYS_ADMIN over them (rootless, a process joins them: RootlessHandlesTest)");
        Warm.up();
    }

    @Test
    void aServerSocketOpenedInAFreshNetNamespaceServesAJoinedProcess() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "bash (for /dev/tcp) is not installed");
        LeakCheck leaks = LeakCheck.start();
        try (NsHandle net = Namespaces.create(NamespaceType.NET).get(0)) {
            SpawnResult up = Namespaces.spawn().join(net).run("ip", "link", "set", "lo", "up");
            assertThat(up.success()).as(up.stderr()).isTrue();
            // opened on a jns-enter thread; the socket stays in that namespace after the call
            ExecutorService pool = Executors.newSingleThreadExecutor();
            ServerSocket server = CompletableFuture.supplyAsync(() -> net.call(
                    () -> new ServerSocket(0, 1, InetAddress.getLoopbackAddress())), pool).get();
            pool.shutdown();
            try (server) {
                int port = server.getLocalPort();
                try (NsProcess client = Namespaces.spawn().join(net).start("bash", "-c",
                        "exec 3<>/dev/tcp/127.0.0.1/" + port + " && echo hello >&3 && cat <&3")) {
                    try (Socket s = server.accept()) {
                        InputStream in = s.getInputStream();
                        byte[] buf = new byte[6];
                        int n = in.readNBytes(buf, 0, 6);
                        assertThat(new String(buf, 0, n, StandardCharsets.UTF_8)).isEqualTo("hello\n");
                        s.getOutputStream().write("world\n".getBytes(StandardCharsets.UTF_8));
                    }
                    assertThat(client.waitFor()).isZero();
                    assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("world\n");
                }
                // the host's loopback does not see that port: the socket lives in the other namespace
                try (Socket probe = new Socket()) {
                    org.assertj.core.api.Assertions.assertThatThrownBy(() -> probe.connect(
                            new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500))
                            .isInstanceOf(java.io.IOException.class);
                }
            }
        }
        leaks.assertNoLeaks();
    }

    @Test
    void callSeesTheNamespaceAndEnterJoinsSeveral() {
        LeakCheck leaks = LeakCheck.start();
        var hs = Namespaces.create(NamespaceType.NET, NamespaceType.UTS);
        try {
            String inside = hs.get(0).call(() -> Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString());
            assertThat(inside).isEqualTo(hs.get(0).toString());
            String both = Namespaces.enter(hs.get(0), hs.get(1)).call(() ->
                    Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")) + " "
                    + Files.readSymbolicLink(Path.of("/proc/thread-self/ns/uts")));
            assertThat(both).isEqualTo(hs.get(0) + " " + hs.get(1));
            // the caller's thread never moved
            try (NsHandle mine = Namespaces.current(NamespaceType.NET)) {
                assertThat(mine).isNotEqualTo(hs.get(0));
            }
        } finally {
            hs.forEach(NsHandle::close);
        }
        leaks.assertNoLeaks();
    }

    @Test
    void aTaskThatMovesItsThreadRetiresIt() {
        LeakCheck leaks = LeakCheck.start();
        try (NsHandle net = Namespaces.create(NamespaceType.NET).get(0)) {
            // the task leaves the namespace on its own: the thread must not be used again
            String first = net.call(() -> {
                dev.jns.linux.ffi.Sys.unshare("test", "unshare", (int) NamespaceType.NET.cloneFlag(),
                        dev.jns.linux.ffi.Sys.Hint.NONE);
                return Thread.currentThread().getName() + "@" + System.identityHashCode(Thread.currentThread());
            });
            String inside = net.call(() -> Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString());
            assertThat(inside).isEqualTo(net.toString());
            assertThat(first).isNotNull();
        }
        leaks.assertNoLeaks();
    }

    @Test
    void callOnAClosedHandleFails() {
        LeakCheck leaks = LeakCheck.start();
        NsHandle net = Namespaces.create(NamespaceType.NET).get(0);
        net.call(() -> 1);
        net.close();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> net.call(() -> 1))
                .isInstanceOfSatisfying(dev.jns.NamespaceException.class, e -> assertThat(e.errnoName()).isEqualTo("EBADF"));
        leaks.assertNoLeaks();
    }

    @Test
    void aUserNamespaceCannotBeEnteredByAThread() {
        LeakCheck leaks = LeakCheck.start();
        try (NsHandle user = Namespaces.current(NamespaceType.USER)) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> user.call(() -> 1))
                    .isInstanceOf(dev.jns.NamespaceException.class).hasMessageContaining("Namespaces.spawn().join(handle)");
        }
        leaks.assertNoLeaks();
    }

    @Test
    void repeatedCallsCost() {
        try (NsHandle net = Namespaces.create(NamespaceType.NET).get(0)) {
            for (int i = 0; i < 200; i++) {
                net.call(() -> 1);
            }
            int n = 2000;
            long sum = 0;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                sum += net.call(() -> 1);
            }
            long perCall = (System.nanoTime() - t0) / n;
            // a figure for RELIABILITY.md, not an assertion: timing depends on the machine
            System.out.printf("EnterTest: NsHandle.call into the same net namespace: %.1f us per call (mean of %d)%n",
                    perCall / 1000.0, n);
            assertThat(sum).isEqualTo(n);
        }
    }
}
