package dev.jns.testkit.example;

import dev.jns.NamespaceType;
import dev.jns.testkit.RequiresNamespaces;

import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * {@link GreetingServiceTest} as a parallel build runs it: JUnit's parallel execution on, four tests at a time,
 * and the whole class twice at once (as two modules of a build might): eight services on port 8080 with
 * one hostname, all green.
 */
@RequiresNamespaces({NamespaceType.USER, NamespaceType.NET, NamespaceType.PID, NamespaceType.UTS, NamespaceType.MOUNT})
class GreetingServiceParallelTest {
    @Test
    void twiceAtOnceFourTestsAtATime() {
        ExecutorService two = Executors.newFixedThreadPool(2);
        List<EngineExecutionResults> runs;
        try {
            runs = Stream.of(1, 2).map(i -> CompletableFuture.supplyAsync(GreetingServiceParallelTest::runInParallel, two))
                    .toList().stream().map(CompletableFuture::join).toList();
        } finally {
            two.shutdown();
        }
        for (EngineExecutionResults r : runs) {
            r.testEvents().failed().stream().forEach(e -> e.getPayload(TestExecutionResult.class)
                    .flatMap(TestExecutionResult::getThrowable).ifPresent(Throwable::printStackTrace));
            r.testEvents().assertStatistics(s -> s.started(4).succeeded(4));
        }
        // the two runs overlapped: each started a test before the other's last one finished
        for (int i = 0; i < 2; i++) {
            Instant firstStart = first(runs.get(i).testEvents().started().stream());
            Instant lastEnd = last(runs.get(1 - i).testEvents().finished().stream());
            assertThat(firstStart).as("run %d started before run %d ended", i + 1, 2 - i).isBefore(lastEnd);
        }
    }

    private static Instant first(Stream<Event> events) {
        return events.map(Event::getTimestamp).min(Instant::compareTo).orElseThrow();
    }

    private static Instant last(Stream<Event> events) {
        return events.map(Event::getTimestamp).max(Instant::compareTo).orElseThrow();
    }

    private static EngineExecutionResults runInParallel() {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(GreetingServiceTest.class))
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
                .configurationParameter("junit.jupiter.execution.parallel.mode.default", "concurrent")
                .configurationParameter("junit.jupiter.execution.parallel.config.strategy", "fixed")
                .configurationParameter("junit.jupiter.execution.parallel.config.fixed.parallelism", "4")
                .execute();
    }
}
