package dev.jns.testkit;

import dev.jns.NamespaceType;
import dev.jns.testkit.fixtures.IsolatedFixture;
import dev.jns.testkit.fixtures.PortFixture;

import org.junit.jupiter.api.Test;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.Event;
import org.opentest4j.AssertionFailedError;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedSuccessfully;
import static org.junit.platform.testkit.engine.EventConditions.test;

@RequiresNamespaces({NamespaceType.USER, NamespaceType.NET, NamespaceType.PID, NamespaceType.UTS})
class IsolatedTest {
    @Test
    void passFailAndSkipReportAsIfInPlace() {
        EngineExecutionResults r = EngineRuns.run(IsolatedFixture.class);
        r.testEvents().assertStatistics(s -> s.started(3).succeeded(1).failed(1).aborted(1));
        r.testEvents().assertThatEvents().haveExactly(1, event(test("passesInside"), finishedSuccessfully()));

        Throwable failure = payload(r.testEvents().failed().list().get(0)).getThrowable().orElseThrow();
        // the original exception, message and stack, thrown in the child
        assertThat(failure).isInstanceOf(AssertionFailedError.class)
                .hasMessage("the answer ==> expected: <42> but was: <41>");
        assertThat(failure.getStackTrace()).anySatisfy(f -> assertThat(f.getMethodName()).isEqualTo("failsInside"));

        Throwable skip = payload(r.testEvents().aborted().list().get(0)).getThrowable().orElseThrow();
        assertThat(skip).hasMessageContaining("not today");
    }

    @Test
    void twoIsolatedTestsBindTheSamePortInParallel() {
        EngineExecutionResults r = EngineRuns.run(PortFixture.class, Map.of(
                "junit.jupiter.execution.parallel.enabled", "true",
                "junit.jupiter.execution.parallel.config.strategy", "fixed",
                "junit.jupiter.execution.parallel.config.fixed.parallelism", "2"));
        r.testEvents().failed().stream().forEach(e -> payload(e).getThrowable().ifPresent(Throwable::printStackTrace));
        r.testEvents().assertStatistics(s -> s.started(2).succeeded(2));
        List<Event> started = r.testEvents().started().list();
        List<Event> finished = r.testEvents().finished().list();
        Instant lastStart = started.stream().map(Event::getTimestamp).max(Instant::compareTo).orElseThrow();
        Instant firstEnd = finished.stream().map(Event::getTimestamp).min(Instant::compareTo).orElseThrow();
        // both ran at once: the second started before the first finished (each holds the port 1.5 s)
        assertThat(lastStart).isBefore(firstEnd);
    }

    private static TestExecutionResult payload(Event e) {
        return e.getPayload(TestExecutionResult.class).orElseThrow();
    }
}
