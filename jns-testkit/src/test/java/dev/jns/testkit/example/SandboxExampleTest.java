package dev.jns.testkit.example;

import dev.jns.NamespaceType;
import dev.jns.SpawnResult;
import dev.jns.testkit.Isolated;
import dev.jns.testkit.RequiresNamespaces;
import dev.jns.testkit.Sandbox;
import dev.jns.testkit.SandboxConfig;
import dev.jns.testkit.WithSandbox;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The example of jns-testkit/README.md: copy it. */
@WithSandbox
@RequiresNamespaces({NamespaceType.USER, NamespaceType.NET, NamespaceType.PID, NamespaceType.UTS})
class SandboxExampleTest {
    @Test
    void runsCommandsInFreshNamespaces(Sandbox sandbox) throws Exception {
        SpawnResult r = sandbox.run("sh", "-c", "hostname; id -u; echo hello > greeting");
        assertThat(r.stdout()).isEqualTo("sandbox\n0\n");
        assertThat(Files.readString(sandbox.workDir().resolve("greeting"))).isEqualTo("hello\n");
    }

    @Test
    @SandboxConfig(hostname = "web-1")
    void configurePerTest(Sandbox sandbox) {
        assertThat(sandbox.run("hostname").stdout().trim()).isEqualTo("web-1");
        assertThat(sandbox.run("ip", "-o", "link", "show", "lo").stdout()).contains("UP");
    }

    @Test
    @Isolated(hostname = "isolated-example")
    void thisTestRunsInItsOwnJvmAndNamespaces() throws Exception {
        // a fixed port is free here, whatever the host or a parallel test does
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 8080));
        }
        assertThat(Files.readString(Path.of("/proc/sys/kernel/hostname")).trim()).isEqualTo("isolated-example");
    }
}
