package dev.jns.examples.tour;

import dev.jns.NamespaceException;

/** How the tour words a step it could not do here. */
public final class TourSkip {
    private TourSkip() {
    }

    /** One line: the failed step, the errno name and the hint, from a {@link NamespaceException}. */
    public static String reason(NamespaceException e) {
        StringBuilder sb = new StringBuilder(e.step());
        if (e.errno() != 0) {
            sb.append(": ").append(e.errnoName());
        }
        if (e.detail() != null && !e.detail().isBlank()) {
            sb.append(" (").append(e.detail().strip()).append(')');
        }
        if (e.hint() != null && !e.hint().isBlank()) {
            sb.append(" \u2014 ").append(e.hint().strip());
        }
        return sb.toString().replace('\n', ' ');
    }
}
