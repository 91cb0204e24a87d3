package dev.jns.examples.tour;

import dev.jns.NamespaceException;
import dev.jns.NamespaceType;
import dev.jns.examples.Tour;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The tour's summary and its columns, with stops that need no namespace. */
class TourSummaryTest {
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    private String printed() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    /** A stop that does {@code body}. */
    private static TourStop stop(String title, Body body) {
        return new TourStop() {
            @Override
            public String title() {
                return title;
            }

            @Override
            public String shell() {
                return "true";
            }

            @Override
            public Set<NamespaceType> needs() {
                return Set.of();
            }

            @Override
            public void show(View v) throws Exception {
                body.show(v);
            }
        };
    }

    interface Body {
        void show(View v) throws Exception;
    }

    @Test
    void partlySkippedStopsAreCountedApartWithTheirReasons() {
        int code = Tour.run(out, List.of(
                stop("whole", v -> v.row("a", 1, 2)),
                stop("in part", v -> v.row("a", 1, 2).skip("the file part", "needs root")),
                stop("not at all", v -> {
                    throw NamespaceException.builder("spawn").step("unshare").errno(1).hint("ask root").build();
                }),
                stop("broken", v -> {
                    throw new IllegalStateException("bug");
                })));
        assertThat(code).isEqualTo(1);
        assertThat(printed())
                .contains("4 stops: 1 ran, 1 partly skipped, 1 skipped, 1 failed\n")
                .contains("  partly skipped: 2. in part: the file part: needs root\n")
                .contains("  skipped: 3. not at all: unshare: EPERM -- ask root\n")
                .contains("  failed: 4. broken: java.lang.IllegalStateException: bug\n")
                .contains("  the file part: skipped: needs root\n");
    }

    @Test
    void rowsPrintedBeforeAFailureAreShown() {
        Tour.run(out, List.of(stop("half", v -> {
            v.row("first", "host value", "ns value");
            throw new IllegalStateException("then it broke");
        })));
        assertThat(printed()).contains("  first  host: host value  namespace: ns value\n");
    }

    @Test
    void columnsAreAsWideAsTheirWidestEntry() {
        View v = new View(out);
        v.row("a", "h", "n");
        v.row("a label longer than twenty characters", "a host value longer than thirty characters", "n2");
        v.note("a note");
        v.row("b", "", "n3");
        v.flush();
        List<String> rows = printed().lines().filter(l -> l.contains("host:")).toList();
        assertThat(rows).hasSize(3);
        assertThat(rows).extracting(l -> l.indexOf("host:")).containsOnly(rows.get(0).indexOf("host:"));
        assertThat(rows).extracting(l -> l.indexOf("namespace:")).containsOnly(rows.get(0).indexOf("namespace:"));
        assertThat(rows.get(1)).contains("characters  host: a host value longer than thirty characters  namespace: n2");
        assertThat(printed()).contains("\n  a note\n");
    }
}
