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

/**
 * lsns's table and JSON, for the default columns NS TYPE NPROCS PID USER COMMAND, and NETNSID and NSFS before
 * COMMAND when {@code -t net} asks for them ({@link NetColumns}).
 */
final class LsnsFormat {
    private LsnsFormat() {
    }

    /**
     * The values of lsns's NETNSID and NSFS columns for a row.
     *
     * @param netnsid the id the caller's network namespace gives a net row's namespace, "unassigned", or "" when
     *                unknown (not a net row, or not open to the caller)
     * @param nsfs    the nsfs mount points of the namespace ({@code /run/netns/NAME}), none mostly
     */
    record Net(String netnsid, List<String> nsfs) {
    }

    /** Gives the NETNSID and NSFS values of each row; {@link #NONE} leaves the columns out. */
    interface NetColumns {
        /** No NETNSID and NSFS columns (lsns without {@code -t net}). */
        NetColumns NONE = r -> null;

        /** The row's values, or null when the columns are left out. */
        Net of(NamespaceInfo row);
    }

    /** The table; {@code prefixes} (one per row, or empty) go before the NS column, for trees. */
    static void table(PrintWriter out, List<NamespaceInfo> rows, boolean noHeadings, List<String> prefixes) {
        table(out, rows, noHeadings, prefixes, NetColumns.NONE);
    }

    /**
     * The table, each column as wide as its widest entry (its heading included), as libsmartcols prints it; with
     * {@code net} other than {@link NetColumns#NONE}, NETNSID and NSFS before COMMAND, a namespace's further nsfs
     * mount points on lines of their own under the first.
     */
    static void table(PrintWriter out, List<NamespaceInfo> rows, boolean noHeadings, List<String> prefixes,
                      NetColumns net) {
        boolean withNet = net != NetColumns.NONE;
        List<Net> nets = rows.stream().map(r -> withNet ? net.of(r) : null).toList();
        int nsWidth = 10;
        int typeWidth = 4;
        int procWidth = 6;
        int pidWidth = 3;
        int userWidth = 4;
        int idWidth = 7;
        int nsfsWidth = 4;
        for (int i = 0; i < rows.size(); i++) {
            NamespaceInfo r = rows.get(i);
            nsWidth = Math.max(nsWidth, prefix(prefixes, i).length() + Long.toString(r.inode()).length());
            typeWidth = Math.max(typeWidth, r.type().procName().length());
            procWidth = Math.max(procWidth, Integer.toString(r.processes()).length());
            pidWidth = Math.max(pidWidth, Long.toString(r.pid()).length());
            userWidth = Math.max(userWidth, user(r).length());
            if (withNet) {
                idWidth = Math.max(idWidth, nets.get(i).netnsid().length());
                for (String m : nets.get(i).nsfs()) {
                    nsfsWidth = Math.max(nsfsWidth, m.length());
                }
            }
        }
        String ns = prefixes.isEmpty() ? "%" + nsWidth + "s" : "%-" + nsWidth + "s";
        String netFmt = withNet ? " %" + idWidth + "s %-" + nsfsWidth + "s" : "%s%s";
        String fmt = ns + " %-" + typeWidth + "s %" + procWidth + "s %" + pidWidth + "s %-" + userWidth + "s"
                + netFmt + " %s";
        if (!noHeadings) {
            line(out, String.format(fmt, "NS", "TYPE", "NPROCS", "PID", "USER", withNet ? "NETNSID" : "",
                    withNet ? "NSFS" : "", "COMMAND"));
        }
        for (int i = 0; i < rows.size(); i++) {
            NamespaceInfo r = rows.get(i);
            Net n = nets.get(i);
            List<String> nsfs = n == null ? List.of() : n.nsfs();
            line(out, String.format(fmt, prefix(prefixes, i) + r.inode(), r.type().procName(), r.processes(),
                    r.pid() == 0 ? "" : Long.toString(r.pid()), user(r), n == null ? "" : n.netnsid(),
                    nsfs.isEmpty() ? "" : nsfs.get(0), command(r)));
            for (String more : nsfs.subList(Math.min(1, nsfs.size()), nsfs.size())) {
                line(out, String.format(fmt, "", "", "", "", "", "", more, ""));
            }
        }
    }

    /** A line without the trailing blanks of empty last columns (as libsmartcols). */
    private static void line(PrintWriter out, String s) {
        out.println(s.stripTrailing());
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
        return json(rows, children, NetColumns.NONE);
    }

    /** As {@link #json(List, Function)}, with {@code "netnsid"} and {@code "nsfs"} when {@code net} gives them. */
    static String json(List<NamespaceInfo> rows, Function<NamespaceInfo, List<NamespaceInfo>> children,
                       NetColumns net) {
        StringWriter w = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(w)) {
            g.setPrettyPrinter(LSNS_STYLE.createInstance()); // a pretty printer keeps the nesting: one per generator
            g.writeStartObject();
            g.writeFieldName("namespaces");
            array(g, rows, children, net, 0);
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
                              Function<NamespaceInfo, List<NamespaceInfo>> children, NetColumns net, int depth)
            throws IOException {
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
            Net n = net.of(r);
            if (n != null) {
                // as lsns -J: strings, null for none
                g.writeStringField("netnsid", n.netnsid().isEmpty() ? null : n.netnsid());
                g.writeStringField("nsfs", n.nsfs().isEmpty() ? null : String.join("\n", n.nsfs()));
            }
            g.writeStringField("command", held ? null : r.command());
            List<NamespaceInfo> kids = depth > 32 ? List.of() : children.apply(r); // user namespaces nest 32 deep
            if (!kids.isEmpty()) {
                g.writeFieldName("children");
                array(g, kids, children, net, depth + 1);
            }
            g.writeEndObject();
        }
        g.writeEndArray();
    }
}
