package dev.jns.linux.reliability;

import dev.jns.Namespaces;
import dev.jns.NsProcess;
import dev.jns.linux.spawn.Step;
import dev.jns.SpawnResult;
import dev.jns.linux.testing.LeakCheck;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The reliability checks as a real unprivileged user (the JVM runs as that user: {@code -Djns.rootlessUser=jnsci}):
 * concurrent mixed spawns (a user namespace owns the others), the launcher killed at its setup steps, a
 * TERM-proof command ended by destroyForcibly.
 */
@Tag("rootless")
class RootlessReliabilityTest {
    @BeforeAll
    static void notRoot() {
        assumeFalse("root".equals(System.getProperty("user.name")),
                "runs as an unprivileged user (mvn -Djns.rootlessUser=jnsci ...); as root see ConcurrentLoadTest, "
                        + "LauncherKillTest and IgnoresSigtermTest");
        Namespaces.spawn().newUser().mapRootUser().newPid().run("/bin/true");
    }

    @Test
    void concurrentMixedSpawns() throws Exception {
        int threads = 8;
        int each = 60;
        LeakCheck leaks = LeakCheck.start();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long t0 = System.nanoTime();
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < each; i++) {
                        int n = thread * each + i;
                        try {
                            SpawnResult r = SoakMain.spawn(n);
                            if (r.exitCode() != n % 7) {
                                failures.add("spawn " + n + ": exit " + r.exitCode() + ": " + r.stderr());
                            }
                        } catch (RuntimeException e) {
                            failures.add("spawn " + n + ": " + e);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
        System.out.printf("rootless concurrent load: %d threads x %d spawns, %d failures, %d ms%n", threads, each,
                failures.size(), (System.nanoTime() - t0) / 1_000_000);
        assertThat(failures).isEmpty();
        leaks.assertNoLeaks();
    }

    @ParameterizedTest(name = "killed before step {0}")
    @EnumSource(value = Step.class, names = {"PRCTL", "CLOSE_FDS", "JOIN_NAMESPACE", "CLONE", "WRITE_UID_MAP",
            "WAIT_FOR_PARENT"}) // LauncherKillTest's stop points but DROP_TO_UID (runAs needs root)
    void killedLauncherLeavesNothing(Step step) throws Exception {
        LauncherKillTest.killAt(step);
    }

    @ParameterizedTest(name = "namespace set {0}")
    @ValueSource(ints = {0, 1, 2, 3, 4, 5})
    void onlyStdioReachesTheCommand(int set) throws Exception {
        FdIsolationTest.assertOnlyStdio(set);
    }

    @Test
    void termProofCommandEndsByDestroyForcibly() throws Exception {
        try (NsProcess p = Namespaces.spawn().newUser().mapRootUser().newPid()
                .start("/bin/sh", "-c", "trap '' TERM; echo ready; while :; do sleep 0.05; done")) {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("ready");
            p.destroy();
            assertThat(p.waitFor(500, TimeUnit.MILLISECONDS)).isFalse();
            p.destroyForcibly();
            assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(137);
        }
    }
}
