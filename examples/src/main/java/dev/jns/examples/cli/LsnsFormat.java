package dev.jns.examples.cli;

import dev.jns.inspect.NamespaceInfo;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Function;

/** lsns's table and JSON, for the default columns NS TYPE NPROCS PID USER COMMAND. */
final class LsnsFormat {
    private LsnsFormat() {
    }

    /** The table; {@code prefixes} (one per row, or empty) go before the NS column, for trees. */
    static void table(PrintWriter out, List<NamespaceInfo> rows, boolean noHeadings, List<String> prefixes) {
        int nsWidth = 10;
        for (int i = 0; i < rows.size(); i++) {
            nsWidth = Math.max(nsWidth, prefix(prefixes, i).length() + Long.toString(rows.get(i).inode()).length());
        }
        int procWidth = 6;
        int pidWidth = 3;
        int userWidth = 4;
        for (NamespaceInfo r : rows) {
            procWidth = Math.max(procWidth, Integer.toString(r.processes()).length());
            pidWidth = Math.max(pidWidth, Long.toString(r.pid()).length());
            userWidth = Math.max(userWidth, user(r).length());
        }
        String ns = prefixes.isEmpty() ? "%" + nsWidth + "s" : "%-" + nsWidth + "s";
        String fmt = ns + " %-6s %" + procWidth + "s %" + pidWidth + "s %-" + userWidth + "s %s%n";
        if (!noHeadings) {
            out.printf(fmt, "NS", "TYPE", "NPROCS", "PID", "USER", "COMMAND");
        }
        for (int i = 0; i < rows.size(); i++) {
            NamespaceInfo r = rows.get(i);
            out.printf(fmt, prefix(prefixes, i) + r.inode(), r.type().procName(), r.processes(),
                    r.pid() == 0 ? "" : Long.toString(r.pid()), user(r), command(r));
        }
    }

    private static String prefix(List<String> prefixes, int i) {
        return prefixes.isEmpty() ? "" : prefixes.get(i);
    }

    private static String user(NamespaceInfo r) {
        return r.pid() == 0 || r.user() == null ? "" : r.user();
    }

    private static String command(NamespaceInfo r) {
        if (r.pid() == 0 || r.command() == null) {
            return r.path().map(p -> "(held by " + p + ")").orElse("");
        }
        return r.command();
    }

    /** {@code {"namespaces":[...]}} as lsns -J prints it; {@code children} gives a row's nested rows (a tree). */
    static String json(List<NamespaceInfo> rows, Function<NamespaceInfo, List<NamespaceInfo>> children) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.setPrettyPrinter(LSNS_STYLE.createInstance()); // a pretty printer keeps the nesting: one per generator
            g.writeStartObject();
            g.writeFieldName("namespaces");
            array(g, rows, children, 0);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a StringWriter does not fail
        }
        return w.toString();
    }

    private static final JsonFactory JSON = new JsonFactory();

    /** util-linux's layout: three-space indents, {@code "key": value}, one array element per line. */
    private static final DefaultPrettyPrinter LSNS_STYLE = new DefaultPrettyPrinter(
            Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(new DefaultIndenter("   ", "\n"))
            .withArrayIndenter(new DefaultIndenter("   ", "\n"));

    private static void array(JsonGenerator g, List<NamespaceInfo> rows,
                              Function<NamespaceInfo, List<NamespaceInfo>> children, int depth) throws IOException {
        g.writeStartArray();
        for (NamespaceInfo r : rows) {
            g.writeStartObject();
            g.writeNumberField("ns", r.inode());
            g.writeStringField("type", r.type().procName());
            g.writeNumberField("nprocs", r.processes());
            boolean held = r.pid() == 0; // a namespace only an fd or a bind mount keeps: no process to show
            if (held) {
                g.writeNullField("pid");
            } else {
                g.writeNumberField("pid", r.pid());
            }
            g.writeStringField("user", held ? null : r.user());
            g.writeStringField("command", held ? null : r.command());
            List<NamespaceInfo> kids = depth > 32 ? List.of() : children.apply(r); // user namespaces nest 32 deep
            if (!kids.isEmpty()) {
                g.writeFieldName("children");
                array(g, kids, children, depth + 1);
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }
}
