package dev.jns.examples.tour;

import dev.jns.doctor.DoctorReport;
import dev.jns.NamespaceException;
import dev.jns.NamespaceType;
import dev.jns.Namespaces;

import java.util.Optional;
import java.util.Set;

/** How the tour words a step it could not do here. */
public final class TourSkip {
    private TourSkip() {
    }

    private static DoctorReport report;

    /**
     * What the doctor says about these namespace types for this user, when it finds a cause (a step that
     * does not work here); empty when, to the doctor, they all work (the failure then was the stop's own).
     *
     * @param types the types a stop needs
     * @return the doctor's reason, if it has one
     */
    public static synchronized Optional<String> doctor(Set<NamespaceType> types) {
        if (report == null) {
            report = Namespaces.doctor();
        }
        return report.whyNot(types, !report.facts().root());
    }

    /**
     * One line: the failed step, the errno name and the hint, from a {@link NamespaceException}.
     *
     * @param e the failure
     * @return the line
     */
    public static String reason(NamespaceException e) {
        StringBuilder sb = new StringBuilder(e.step());
        if (e.errno() != 0) {
            sb.append(": ").append(e.errnoName());
        }
        if (e.detail() != null && !e.detail().isBlank()) {
            sb.append(" (").append(e.detail().strip()).append(')');
        }
        if (e.hint() != null && !e.hint().isBlank()) {
            sb.append(" -- ").append(e.hint().strip());
        }
        return sb.toString().replace('\n', ' ');
    }
}
