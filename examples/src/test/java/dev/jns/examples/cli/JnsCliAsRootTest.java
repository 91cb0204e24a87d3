package dev.jns.examples.cli;

import org.junit.jupiter.api.BeforeEach;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The CLI in-process as root. */
class JnsCliAsRootTest extends JnsCliContract {
    @BeforeEach
    void root() {
        assumeTrue(Cli.root(), "runs as root (the rootless runs are JnsCliRootlessTest's)");
    }

    @Override
    String[] asRootInside() {
        return new String[0];
    }
}
