package dev.jns.examples.tour;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;

import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The tour's claims as a non-root user (CI: mvn -Djns.rootlessUser=jnsci as root runs this class as jnsci):
 * every stop but Java-inside runs, and what needs root says so.
 */
@Tag("rootless")
class TourRootlessTest extends TourContract {
    @BeforeEach
    void notRoot() {
        assumeFalse(Host.root(), "runs as a non-root user (mvn -Djns.rootlessUser=USER as root does that)");
    }
}
