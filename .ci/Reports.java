import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * CI's reading of Surefire's XML reports (run as a single-file program: java .ci/Reports.java ...).
 *
 * <pre>
 * java .ci/Reports.java run LABEL TOTALS_FILE [--fail-on-skipped-class] DIR...
 *     prints one line of totals for the reports under DIR... (every surefire-reports* directory below them),
 *     names each test class that ran no test (all skipped, or aborted before its first test), appends the
 *     counts to TOTALS_FILE, and with --fail-on-skipped-class exits 1 when there is such a class
 * java .ci/Reports.java total TOTALS_FILE
 *     prints the closing line over every run: "ci: N passed, N failed, N skipped"
 * </pre>
 */
public final class Reports {
    private static final Pattern SUITE = Pattern.compile("<testsuite\\b([^>]*)>");

    public static void main(String[] args) throws IOException {
        if (args.length >= 2 && args[0].equals("total")) {
            long[] sum = new long[3];
            for (String line : Files.readAllLines(Path.of(args[1]))) {
                String[] f = line.trim().split("\\s+");
                for (int i = 0; i < 3; i++) {
                    sum[i] += Long.parseLong(f[i]);
                }
            }
            System.out.println("ci: " + sum[0] + " passed, " + sum[1] + " failed, " + sum[2] + " skipped");
            return;
        }
        if (args.length < 4 || !args[0].equals("run")) {
            System.err.println("usage: java .ci/Reports.java run LABEL TOTALS_FILE [--fail-on-skipped-class] DIR... "
                    + "| total TOTALS_FILE");
            System.exit(2);
        }
        String label = args[1];
        Path totals = Path.of(args[2]);
        int first = 3;
        boolean failOnSkippedClass = args[3].equals("--fail-on-skipped-class");
        if (failOnSkippedClass) {
            first++;
        }
        long tests = 0, failures = 0, errors = 0, skipped = 0;
        List<String> emptyClasses = new ArrayList<>();
        for (int i = first; i < args.length; i++) {
            for (Path report : reports(Path.of(args[i]))) {
                Matcher m = SUITE.matcher(Files.readString(report));
                if (!m.find()) {
                    continue;
                }
                String attrs = m.group(1);
                long t = attr(attrs, "tests"), f = attr(attrs, "failures"), e = attr(attrs, "errors"),
                        s = attr(attrs, "skipped");
                tests += t;
                failures += f;
                errors += e;
                skipped += s;
                if (t == s && f == 0 && e == 0) {
                    emptyClasses.add(name(attrs) + (t == 0 ? " (no test started)" : " (all " + t + " skipped)")
                            + " in " + report.getParent().getFileName());
                }
            }
        }
        long passed = tests - failures - errors - skipped;
        System.out.println("== " + label + ": " + tests + " tests, " + passed + " passed, " + failures + " failed, "
                + errors + " errors, " + skipped + " skipped");
        for (String c : emptyClasses) {
            System.out.println("== " + label + ": class that ran no test: " + c);
        }
        Files.writeString(totals, passed + " " + (failures + errors) + " " + skipped + "\n",
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        if (failOnSkippedClass && !emptyClasses.isEmpty()) {
            System.out.println("== " + label + ": FAILED: with jns.testkit.requireSupport=true no test class may be "
                    + "skipped whole (see the classes above and the [jns] skip report in the output)");
            System.exit(1);
        }
    }

    private static List<Path> reports(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir, 4)) {
            return s.filter(p -> p.getFileName().toString().startsWith("TEST-")
                            && p.getFileName().toString().endsWith(".xml")
                            && p.getParent().getFileName().toString().startsWith("surefire-reports"))
                    .sorted().toList();
        }
    }

    private static long attr(String attrs, String name) {
        Matcher m = Pattern.compile("\\b" + name + "=\"(\\d+)\"").matcher(attrs);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    private static String name(String attrs) {
        Matcher m = Pattern.compile("\\bname=\"([^\"]*)\"").matcher(attrs);
        return m.find() ? m.group(1) : "?";
    }
}
