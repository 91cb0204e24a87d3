package dev.jns.testkit;

import dev.jns.testkit.fixtures.SkipFixture;
import dev.jns.testkit.fixtures.WholeClassSkipFixture;

import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

class SkipReportTest {
    /** Runs the fixtures through a launcher of its own, with only the listener under test. */
    private static String report(Class<?>... fixtures) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Launcher launcher = LauncherFactory.create(LauncherConfig.builder()
                .enableTestExecutionListenerAutoRegistration(false).build());
        LauncherDiscoveryRequestBuilder request = LauncherDiscoveryRequestBuilder.request()
                .configurationParameter("jns.testkit.fixtures", "true");
        for (Class<?> c : fixtures) {
            request.selectors(selectClass(c));
        }
        launcher.execute(request.build(), new SkipReport(new PrintStream(bytes, true, StandardCharsets.UTF_8)));
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void namesEverySkippedTestWithItsReasonInAscii() {
        String out = report(SkipFixture.class, WholeClassSkipFixture.class);
        assertThat(out.lines().findFirst()).hasValue(
                "[jns] 8 tests skipped in this run, and why (dev.jns.testkit.SkipReport):");
        assertThat(out.lines().skip(1)).containsExactlyInAnyOrder(
                "[jns]   SkipFixture.disabled(): not today",
                "[jns]   SkipFixture.assumed(): needs a unicorn \\u2014 none here",
                "[jns]   SkipFixture (4 tests): four of a kind",
                "[jns]   WholeClassSkipFixture (2 tests): the whole class");
        assertThat(out.chars()).allMatch(c -> c < 0x80);
    }

    @Test
    void printsNothingWhenNothingWasSkipped() {
        assertThat(report(dev.jns.testkit.fixtures.FixtureOnly.class)).isEmpty();
    }
}
