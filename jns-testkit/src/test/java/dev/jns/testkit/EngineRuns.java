package dev.jns.testkit;

import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

import java.util.Map;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/** Runs fixture classes through the Jupiter engine, as a user's build would. */
final class EngineRuns {
    private EngineRuns() {
    }

    static EngineExecutionResults run(Class<?> fixture, Map<String, String> config) {
        EngineTestKit.Builder b = EngineTestKit.engine("junit-jupiter").selectors(selectClass(fixture))
                .configurationParameter("jns.testkit.fixtures", "true");
        config.forEach(b::configurationParameter);
        return b.execute();
    }

    static EngineExecutionResults run(Class<?> fixture) {
        return run(fixture, Map.of());
    }
}
