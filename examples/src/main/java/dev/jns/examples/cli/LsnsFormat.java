package dev.jns.examples.cli;

import dev.jns.inspect.NamespaceInfo;

import java.io.PrintWriter;
import java.util.List;

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

    /** {@code {"namespaces":[...]}} as lsns -J prints it. */
    static String json(List<NamespaceInfo> rows) {
        StringBuilder sb = new StringBuilder("{\n   \"namespaces\": [");
        for (int i = 0; i < rows.size(); i++) {
            sb.append(i == 0 ? "\n" : ",\n");
            object(sb, rows.get(i), "      ", null);
        }
        return sb.append("\n   ]\n}").toString();
    }

    /** One namespace as a JSON object at {@code indent}; {@code children} (already JSON) when not null. */
    static void object(StringBuilder sb, NamespaceInfo r, String indent, String children) {
        String in = indent + "   ";
        sb.append(indent).append("{\n");
        sb.append(in).append("\"ns\": ").append(r.inode()).append(",\n");
        sb.append(in).append("\"type\": ").append(str(r.type().procName())).append(",\n");
        sb.append(in).append("\"nprocs\": ").append(r.processes()).append(",\n");
        sb.append(in).append("\"pid\": ").append(r.pid() == 0 ? "null" : Long.toString(r.pid())).append(",\n");
        sb.append(in).append("\"user\": ").append(r.pid() == 0 ? "null" : str(r.user())).append(",\n");
        sb.append(in).append("\"command\": ").append(r.pid() == 0 ? "null" : str(r.command()));
        if (children != null) {
            sb.append(",\n").append(in).append("\"children\": [").append(children).append("\n").append(in).append("]");
        }
        sb.append("\n").append(indent).append("}");
    }

    static String str(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
