package dev.jns.testkit.internal;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The child JVM's main for {@link dev.jns.testkit.Isolated}: started ahead of its test in fresh namespaces, it
 * gets the JUnit Platform ready (the launcher made, the Jupiter engine loaded and run once on
 * {@link IsolatedWarmUp}), then reads the unique id of one test from stdin, runs that test with the JUnit
 * Platform Launcher, writes its outcome to a file and exits: one child, one test. Arguments: the result file,
 * optionally {@code --preload=CLASS} (a class to load, not initialize, while waiting), then {@code key=value}
 * configuration parameters. Not API.
 */
public final class IsolatedMain {
    /** The system property that tells the extension it runs in the child. */
    public static final String CHILD = "jns.testkit.isolated.child";
    /** Set to {@code true} in a child that warmed up while it waited (it was started ahead of its test). */
    public static final String WARMED_UP = "jns.testkit.isolated.warmedUp";
    /** The argument prefix naming a class to load ahead. */
    public static final String PRELOAD = "--preload=";

    private IsolatedMain() {
    }

    /** Runs the test; exits 0 when a result was written or no test came (stdin closed), 2 when none could be. */
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args[0]);
        Map<String, String> config = new LinkedHashMap<>();
        String preload = null;
        for (int i = 1; i < args.length; i++) {
            if (args[i].startsWith(PRELOAD)) {
                preload = args[i].substring(PRELOAD.length());
                continue;
            }
            int eq = args[i].indexOf('=');
            config.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        System.setProperty(CHILD, "true");
        System.setProperty(dev.jns.testkit.SkipReport.ENABLED, "false"); // the parent reports this test's skip
        Launcher launcher = LauncherFactory.create();
        if (System.in.available() == 0) {
            warmUp(preload); // no test yet: use the wait
            System.setProperty(WARMED_UP, "true");
        }
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String uniqueId = in.readLine();
        if (uniqueId == null || uniqueId.isEmpty()) {
            System.exit(0); // the pool closed without a test for this child
        }
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectUniqueId(uniqueId))
                .configurationParameters(config)
                .build();
        Capture capture = new Capture();
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

    /**
     * Loads and runs the Jupiter engine once on {@link IsolatedWarmUp} with a launcher of its own that registers
     * none of the classpath's listeners and filters, with extension auto-detection off, so that no code of the
     * project runs; and loads (without initializing) the class the next test is likely to be of.
     */
    private static void warmUp(String preload) {
        try {
            Launcher warm = LauncherFactory.create(LauncherConfig.builder()
                    .enableTestExecutionListenerAutoRegistration(false)
                    .enableLauncherSessionListenerAutoRegistration(false)
                    .enableLauncherDiscoveryListenerAutoRegistration(false)
                    .enablePostDiscoveryFilterAutoRegistration(false)
                    .build());
            warm.execute(LauncherDiscoveryRequestBuilder.request()
                    .selectors(DiscoverySelectors.selectClass(IsolatedWarmUp.class))
                    .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "false")
                    .configurationParameter("junit.jupiter.execution.parallel.enabled", "false")
                    .build(), new TestExecutionListener() {
                    });
            if (preload != null) {
                Class.forName(preload, false, ClassLoader.getSystemClassLoader());
            }
        } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
            // only a head start: the test itself reports whatever is really wrong
        }
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
