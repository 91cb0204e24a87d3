package dev.jns.examples.tour;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * What a tour stop saw: rows of "what", the host's value and the namespace's value, printed side by side as
 * they are added, and kept for tests.
 */
public final class View {
    private final PrintStream out;
    private final Map<String, String[]> rows = new LinkedHashMap<>();

    /**
     * A view that prints to {@code out}.
     *
     * @param out where rows are printed
     */
    public View(PrintStream out) {
        this.out = out;
    }

    /**
     * Adds and prints one row: {@code what}, then the host's value beside the namespace's.
     *
     * @param what      what the row shows
     * @param host      what the host sees
     * @param namespace what the namespace sees
     * @return this view
     */
    public View row(String what, Object host, Object namespace) {
        String h = String.valueOf(host).strip();
        String n = String.valueOf(namespace).strip();
        rows.put(what, new String[] {h, n});
        out.printf("  %-20s host: %-30s namespace: %s%n", what, oneLine(h), oneLine(n));
        return this;
    }

    /**
     * Prints a line of explanation.
     *
     * @param text the line
     * @return this view
     */
    public View note(String text) {
        out.println("  " + text);
        return this;
    }

    /**
     * The host's value of a row.
     *
     * @param what the row
     * @return what the host saw
     */
    public String host(String what) {
        return get(what)[0];
    }

    /**
     * The namespace's value of a row.
     *
     * @param what the row
     * @return what the namespace saw
     */
    public String namespace(String what) {
        return get(what)[1];
    }

    /**
     * Whether there is a row.
     *
     * @param what the row
     * @return whether the stop printed it
     */
    public boolean has(String what) {
        return rows.containsKey(what);
    }

    private String[] get(String what) {
        String[] r = rows.get(what);
        if (r == null) {
            throw new NoSuchElementException("no row '" + what + "'; rows: " + rows.keySet());
        }
        return r;
    }

    private static String oneLine(String s) {
        String l = s.replace("\n", " | ");
        return l.length() <= 100 ? l : l.substring(0, 97) + "...";
    }
}
