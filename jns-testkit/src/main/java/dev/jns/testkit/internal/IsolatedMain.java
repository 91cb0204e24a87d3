package dev.jns.testkit.internal;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The child JVM's main for {@link dev.jns.testkit.Isolated}: runs one test method with the JUnit Platform
 * Launcher and writes its outcome to a file. Arguments: the result file, the unique id of the test as the
 * parent's engine knows it, then {@code key=value} configuration parameters. Not API.
 */
public final class IsolatedMain {
    /** The system property that tells the extension it runs in the child. */
    public static final String CHILD = "jns.testkit.isolated.child";

    private IsolatedMain() {
    }

    /** Runs the test; exits 0 when a result was written, 2 when none could be. */
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        String uniqueId = args[1];
        Map<String, String> config = new LinkedHashMap<>();
        for (int i = 2; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            config.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        System.setProperty(CHILD, "true");
        System.setProperty(dev.jns.testkit.SkipReport.ENABLED, "false"); // the parent reports this test's skip
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectUniqueId(uniqueId))
                .configurationParameters(config)
                .build();
        Capture capture = new Capture();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request, capture);
        IsolatedResult result = capture.result();
        if (result == null) {
            result = IsolatedResult.of("FAILED", "", new AssertionError(
                    "the isolated JVM found no test with unique id " + uniqueId + " to run"
                    + (capture.notes.isEmpty() ? "" : ": " + capture.notes)));
        }
        result.write(out);
        System.out.flush();
        System.exit(0);
    }

    /** Keeps the outcome of the test (or the skip of it or of a container above it). */
    private static final class Capture implements TestExecutionListener {
        private IsolatedResult test;
        private IsolatedResult container;
        final List<String> notes = new ArrayList<>();

        @Override
        public void executionSkipped(TestIdentifier id, String reason) {
            IsolatedResult r = IsolatedResult.of("SKIPPED", reason, null);
            if (id.isTest()) {
                test = r;
            } else if (container == null) {
                container = r;
            }
        }

        @Override
        public void executionFinished(TestIdentifier id, TestExecutionResult result) {
            IsolatedResult r = IsolatedResult.of(result.getStatus().name(), "", result.getThrowable().orElse(null));
            if (id.isTest()) {
                test = r;
            } else if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL && container == null) {
                container = r;
                notes.add(id.getDisplayName() + ": " + result);
            }
        }

        IsolatedResult result() {
            return test != null ? test : container;
        }
    }
}
