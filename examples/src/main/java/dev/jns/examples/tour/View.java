package dev.jns.examples.tour;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * What a tour stop saw: rows of "what", the host's value and the namespace's value, notes, and the parts it
 * skipped. They are printed side by side by {@link #flush()}, in columns as wide as their widest entry, and
 * kept for tests.
 */
public final class View {
    private final PrintStream out;
    private final Map<String, String[]> rows = new LinkedHashMap<>();
    /** What flush prints, in order: a row's key (String[] of three) or a note (String). */
    private final List<Object> pending = new ArrayList<>();
    private final List<String> skips = new ArrayList<>();

    /**
     * A view that prints to {@code out}.
     *
     * @param out where rows are printed
     */
    public View(PrintStream out) {
        this.out = out;
    }

    /**
     * Adds one row: {@code what}, then the host's value beside the namespace's.
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
        pending.add(new String[] {what, oneLine(h), oneLine(n)});
        return this;
    }

    /**
     * Adds a line of explanation.
     *
     * @param text the line
     * @return this view
     */
    public View note(String text) {
        pending.add(text);
        return this;
    }

    /**
     * Adds a part of the stop that could not be done here, and why (the stop then counts as partly skipped).
     *
     * @param part   what was skipped, such as {@code "named netns"}
     * @param reason why
     * @return this view
     */
    public View skip(String part, String reason) {
        skips.add(part + ": " + reason);
        return note(part + ": skipped: " + reason);
    }

    /**
     * The parts skipped, each {@code "part: reason"}.
     *
     * @return the skipped parts, empty when the whole stop ran
     */
    public List<String> skips() {
        return List.copyOf(skips);
    }

    /** Prints what was added since the last flush: the rows in columns as wide as their widest entry. */
    public void flush() {
        int what = 1;
        int host = 1;
        for (Object o : pending) {
            if (o instanceof String[] r) {
                what = Math.max(what, r[0].length());
                host = Math.max(host, r[1].length());
            }
        }
        String row = "  %-" + what + "s  host: %-" + host + "s  namespace: %s%n";
        for (Object o : pending) {
            if (o instanceof String[] r) {
                out.printf(row, r[0], r[1], r[2]);
            } else {
                out.println("  " + o);
            }
        }
        pending.clear();
        out.flush();
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
