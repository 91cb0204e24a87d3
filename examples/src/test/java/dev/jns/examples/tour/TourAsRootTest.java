package dev.jns.examples.tour;

import org.junit.jupiter.api.BeforeEach;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The tour's claims as root: every stop runs, the named netns and persisted file included. */
class TourAsRootTest extends TourContract {
    @BeforeEach
    void root() {
        assumeTrue(Host.root(), "runs as root (the rootless claims are TourRootlessTest's)");
    }
}
