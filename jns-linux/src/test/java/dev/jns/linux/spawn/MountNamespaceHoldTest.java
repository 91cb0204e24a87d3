package dev.jns.linux.spawn;

import dev.jns.Namespaces;
import dev.jns.NsProcess;
import dev.jns.Spawn;
import dev.jns.linux.testing.NoLeaks;
import dev.jns.sandbox.MountPlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The supervisor holds its sandbox's mount namespace (an fd of it) where the namespace holds nothing but copies of
 * the caller's mounts and the sandbox's /proc, so that the init's exit does not tear it down before its end is
 * signalled (docs/launcher-protocol.md, NSIDS); with a mount plan it holds nothing, and the namespace ends with the
 * sandbox's last process as before. Root and rootless alike (the rootless supervisor reads the init's /proc while
 * the init is still dumpable).
 */
@ExtendWith(NoLeaks.class)
class MountNamespaceHoldTest {

    @Test
    void theSupervisorHoldsAMountNamespaceOfCopiesOnly() throws Exception {
        assertThat(heldBySupervisor(Namespaces.spawn().newUser().mapRootUser().newPid().mountProc())).isTrue();
    }

    @Test
    void notOneWithAMountPlan() throws Exception {
        Path dir = Files.createTempDirectory("jns-hold");
        try {
            assertThat(heldBySupervisor(Namespaces.spawn().newUser().mapRootUser().newPid().mountProc()
                    .mounts(new MountPlan().tmpfs(dir)))).isFalse();
        } finally {
            Files.delete(dir);
        }
    }

    /** Whether the supervisor of a sandbox of {@code s} has an fd of the command's mount namespace. */
    private static boolean heldBySupervisor(Spawn s) throws Exception {
        try (NsProcess p = s.start("/bin/sleep", "30")) {
            String mnt = Files.readSymbolicLink(Path.of("/proc", Long.toString(p.pid()), "ns", "mnt")).toString();
            long supervisor = parent(p.pid()); // p.pid(): the sandbox's first process, the init
            assertThat(ForkServerTest.comm(supervisor)).isEqualTo("jns-launcher");
            boolean held = fdTargets(supervisor).contains(mnt);
            p.destroyForcibly();
            p.waitFor();
            return held;
        }
    }

    private static long parent(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
    }

    private static List<String> fdTargets(long pid) throws IOException {
        List<String> out = new ArrayList<>();
        try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    out.add(Files.readSymbolicLink(fd).toString());
                } catch (IOException gone) {
                    // closed meanwhile
                }
            }
        }
        return out;
    }
}
