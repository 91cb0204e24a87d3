package dev.jns.testkit;

import dev.jns.NamespaceType;
import dev.jns.testkit.fixtures.PoolFixture;
import dev.jns.testkit.internal.IsolatedPool;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Children started ahead: each test still gets a JVM and namespaces of its own, and the later ones wait less. */
@RequiresNamespaces({NamespaceType.USER, NamespaceType.NET, NamespaceType.PID, NamespaceType.UTS, NamespaceType.MOUNT})
class IsolatedPoolTest {
    @Test
    void withSparesEachTestStillHasItsOwnJvmAndNamespacesAndLaterOnesFindAWarmChild() throws Exception {
        List<String[]> lines = run("2");
        assertThat(lines.stream().map(l -> l[0]).distinct()).as("JVMs").hasSize(3);
        assertThat(lines.stream().map(l -> l[1]).distinct()).as("net namespaces").hasSize(3);
        assertThat(lines.get(0)[2]).as("the first test's child was started for it").isEqualTo("false");
        assertThat(lines.subList(1, 3)).as("a later test found a child that had warmed up while it waited")
                .anyMatch(l -> l[2].equals("true"));
    }

    @Test
    void withoutSparesEachChildIsStartedForItsTest() throws Exception {
        List<String[]> lines = run("0");
        assertThat(lines.stream().map(l -> l[0]).distinct()).hasSize(3);
        assertThat(lines).allMatch(l -> l[2].equals("false"));
    }

    private static List<String[]> run(String spares) throws Exception {
        Path log = Files.createTempFile("jns-pool-", ".log");
        String before = System.getProperty(PoolFixture.LOG);
        System.setProperty(PoolFixture.LOG, log.toString());
        try {
            EngineRuns.run(PoolFixture.class, Map.of(IsolatedPool.SPARES, spares)).testEvents()
                    .assertStatistics(s -> s.started(3).succeeded(3));
            return Files.readAllLines(log).stream().map(l -> l.split(" ")).toList();
        } finally {
            if (before == null) {
                System.clearProperty(PoolFixture.LOG);
            } else {
                System.setProperty(PoolFixture.LOG, before);
            }
            Files.deleteIfExists(log);
        }
    }
}
