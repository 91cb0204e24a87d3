package dev.jns.examples.tour;

import dev.jns.NamespaceType;

import java.io.PrintStream;
import java.util.Set;

/**
 * One stop of the tour: one part of the namespaces walkthrough, shown as what the host sees beside what
 * the namespace sees.
 */
public interface TourStop {
    /**
     * A short title.
     *
     * @return the title, such as {@code "UTS namespace: an own hostname"}
     */
    String title();

    /**
     * The shell commands of the walkthrough that this stop does with jns.
     *
     * @return the commands, one line each
     */
    String shell();

    /**
     * The namespace types the stop creates or joins (the doctor is asked about these when it fails).
     *
     * @return the types
     */
    Set<NamespaceType> needs();

    /**
     * Runs the stop and adds its rows, notes and partial skips to {@code v}.
     *
     * @param v where the stop's rows go
     * @throws dev.jns.NamespaceException when this machine or user cannot do it
     * @throws Exception                   on any other failure
     */
    void show(View v) throws Exception;

    /**
     * Runs the stop, prints its rows to {@code out} (also when it fails part way), and returns them.
     *
     * @param out where the rows are printed
     * @return the rows, for tests
     * @throws dev.jns.NamespaceException when this machine or user cannot do it
     * @throws Exception                   on any other failure
     */
    default View run(PrintStream out) throws Exception {
        View v = new View(out);
        try {
            show(v);
        } finally {
            v.flush();
        }
        return v;
    }
}
