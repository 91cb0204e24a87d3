package dev.jns.linux;

import dev.jns.Namespaces;
import dev.jns.NsProcess;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spawns go through the JVM's fork server: the launcher of a sandbox is a child of "jns-forkserver", itself
 * the JVM's child; a server that died is replaced at the next spawn, and a sandbox dies with the server that
 * forked its launcher (nothing would supervise it any more).
 */
class ForkServerTest {
    private static String comm(long pid) throws Exception {
        return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).trim();
    }

    private static long parent(long pid) {
        return ProcessHandle.of(pid).flatMap(ProcessHandle::parent).orElseThrow().pid();
    }

    @Test
    void launchersAreForkedByTheServerWhichIsReplacedWhenItDies() throws Exception {
        long server;
        try (NsProcess p = Namespaces.spawn().newUser().mapRootUser().newPid().start("/bin/sleep", "30")) {
            long launcher = parent(p.pid());
            server = parent(launcher);
            assertThat(comm(launcher)).isEqualTo("jns-launcher");
            assertThat(comm(server)).isEqualTo("jns-forkserver");
            assertThat(parent(server)).isEqualTo(ProcessHandle.current().pid());

            ProcessHandle.of(server).orElseThrow().destroyForcibly();
            assertThat(p.waitFor(5, TimeUnit.SECONDS)).as("the sandbox ends with its server").isTrue();
            assertThat(p.exitValue()).isEqualTo(137);
        }
        assertThat(Namespaces.spawn().newUts().run("/bin/true").exitCode()).isZero();
        try (NsProcess q = Namespaces.spawn().start("/bin/sleep", "30")) {
            long newServer = parent(parent(q.pid()));
            assertThat(newServer).isNotEqualTo(server);
            assertThat(comm(newServer)).isEqualTo("jns-forkserver");
        }
    }
}
