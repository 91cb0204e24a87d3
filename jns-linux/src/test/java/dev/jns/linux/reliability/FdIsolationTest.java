package dev.jns.linux.reliability;

import dev.jns.sandbox.MountPlan;

import dev.jns.Namespaces;
import dev.jns.Spawn;
import dev.jns.SpawnResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A command sees only fds 0, 1 and 2, whatever the namespace set, also while the JVM holds an fd without
 * CLOEXEC (Java opens files without it) and a namespace handle; as root, dropped to another uid, and (in
 * {@link RootlessReliabilityTest}) as an unprivileged JVM. (SpawnLifecycleTest.onlyStdioReachesTheCommand is
 * the quick version.)
 */
class FdIsolationTest {

    @ParameterizedTest(name = "namespace set {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    void onlyStdioReachesTheCommand(int set) throws Exception {
        assertOnlyStdio(set);
    }

    static void assertOnlyStdio(int set) throws Exception {
        Path f = Files.createTempFile("jns-fd", ".txt");
        try (RandomAccessFile held = new RandomAccessFile(f.toFile(), "r");
             var ns = Namespaces.current(dev.jns.NamespaceType.UTS)) {
            Spawn s = Namespaces.spawn();
            switch (set) {
                case 0 -> s.newUser().mapRootUser().newPid().newMount().mountProc();
                case 1 -> s.newNet().newUts();
                case 2 -> s.newUser().mapRootUser().newTime();
                case 3 -> s.newIpc().newCgroup();
                case 4 -> s.newUser().mapRootUser()
                        .mounts(new MountPlan().tmpfs(Path.of("/tmp")).roBind(Path.of("/usr"), Path.of("/usr")));
                default -> { }
            }
            SpawnResult r = s.run("/bin/ls", "/proc/self/fd");
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(r.stdout().lines().toList()).as("fds of ls (3 is the directory it lists)")
                    .isSubsetOf("0", "1", "2", "3");
        } finally {
            Files.delete(f);
        }
    }
}
