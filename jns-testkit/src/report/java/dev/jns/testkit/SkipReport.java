package dev.jns.testkit;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JUnit Platform listener that prints, when a run ends, every test and class that did not run and why: the
 * disabled ones and those whose condition said no (with the condition's reason), and those aborted by a
 * failed assumption (with the assumption's message), so a run's reasons are on the console and not only in
 * the XML reports. Prints nothing when nothing was skipped. Only ASCII is printed.
 *
 * <p>To use it, register it in the test class path: a file
 * {@code src/test/resources/META-INF/services/org.junit.platform.launcher.TestExecutionListener} containing the
 * line {@code dev.jns.testkit.SkipReport}. The system property {@code jns.testkit.skipReport=false} turns it off.
 * Example output:
 * <pre>
 * [jns] 24 tests skipped in this run, and why (dev.jns.testkit.SkipReport):
 * [jns]   EnterTest (6 tests): needs root: Java code enters namespaces that ...
 * [jns]   JoinTest.joinsByHandlePlusANewNamespace(): needs root: joins a network namespace of ...
 * [jns]   SpawnAsRootTest (17 tests): needs root (runs in CI as root)
 * </pre>
 */
public final class SkipReport implements TestExecutionListener {
    /** The system property that turns the report off when {@code false}. */
    public static final String ENABLED = "jns.testkit.skipReport";
    /** Up to this many tests of one class skipped for one reason are named; more are counted. */
    private static final int MAX_NAMED = 3;

    private final PrintStream out;
    private TestPlan plan;
    /** What did not run, in order: one entry per skipped test or container. */
    private final List<Entry> entries = new ArrayList<>();

    private record Entry(String owner, String member, long tests, String reason) {
    }

    /** The listener JUnit's service loader makes: prints to {@code System.out}. */
    public SkipReport() {
        this(System.out);
    }

    /**
     * A listener that prints to the given stream.
     *
     * @param out where the report goes
     */
    public SkipReport(PrintStream out) {
        this.out = out;
    }

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        plan = testPlan;
        entries.clear();
    }

    @Override
    public void executionSkipped(TestIdentifier id, String reason) {
        record(id, reason);
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            String reason = result.getThrowable().map(Throwable::getMessage).orElse(null);
            if (reason != null && reason.startsWith("Assumption failed: ")) {
                reason = reason.substring("Assumption failed: ".length());
            }
            record(id, reason);
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan testPlan) {
        if (entries.isEmpty() || "false".equals(System.getProperty(ENABLED))) {
            return;
        }
        long count = entries.stream().mapToLong(Entry::tests).sum();
        StringBuilder b = new StringBuilder();
        b.append("[jns] ").append(count).append(count == 1 ? " test" : " tests")
                .append(" skipped in this run, and why (").append(getClass().getName()).append("):\n");
        // the tests of one class skipped for one reason: one line (with their names when they are few)
        Map<List<String>, List<Entry>> groups = new LinkedHashMap<>();
        for (Entry e : entries) {
            groups.computeIfAbsent(List.of(e.owner(), e.member() == null ? "\0" + e.tests() : "", e.reason()),
                    k -> new ArrayList<>()).add(e);
        }
        for (List<Entry> group : groups.values()) {
            Entry first = group.get(0);
            b.append("[jns]   ").append(first.owner());
            if (first.member() == null) {
                b.append(" (").append(first.tests() == 1 ? "1 test" : first.tests() + " tests").append(')');
            } else if (group.size() <= MAX_NAMED) {
                b.append('.').append(String.join(", ", group.stream().map(Entry::member).toList()));
            } else {
                b.append(" (").append(group.size()).append(" tests)");
            }
            b.append(": ").append(first.reason()).append('\n');
        }
        out.print(b);
        out.flush();
    }

    private void record(TestIdentifier id, String reason) {
        String why = ascii(reason == null || reason.isBlank() ? "no reason given" : reason.strip());
        TestSource source = id.getSource().orElse(null);
        if (id.isTest()) {
            if (source instanceof MethodSource m) {
                String shown = id.getDisplayName();
                // a parameterized or repeated invocation: say which one
                entries.add(new Entry(simple(m.getClassName()), m.getMethodName() + "()"
                        + (shown.startsWith("[") ? " " + ascii(shown) : ""), 1, why));
            } else {
                entries.add(new Entry(ascii(id.getDisplayName()), "", 1, why));
            }
            return;
        }
        long tests = plan == null ? 0 : plan.getDescendants(id).stream().filter(TestIdentifier::isTest).count();
        if (tests == 0 && !(source instanceof ClassSource)) {
            return; // an engine or a container without tests: nothing a reader misses
        }
        String owner = source instanceof ClassSource c ? simple(c.getClassName())
                : source instanceof MethodSource m ? simple(m.getClassName()) + "." + m.getMethodName() + "()"
                : ascii(id.getDisplayName());
        entries.add(new Entry(owner, null, Math.max(1, tests), why));
    }

    private static String simple(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }

    /** Non-ASCII characters as {@code \\uXXXX}: the console's encoding may not have them. */
    private static String ascii(String s) {
        StringBuilder b = new StringBuilder(s.length());
        s.codePoints().forEach(c -> {
            if (c == '\n' || c == '\r') {
                b.append(' ');
            } else if (c < 0x80) {
                b.appendCodePoint(c);
            } else {
                b.append(String.format("\\u%04x", c));
            }
        });
        return b.toString();
    }
}
