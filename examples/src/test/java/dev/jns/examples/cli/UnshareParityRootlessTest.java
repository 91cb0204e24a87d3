package dev.jns.examples.cli;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;

import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** {@link UnshareParityTest} as a non-root user (mvn -Djns.rootlessUser=jnsci as root runs it as jnsci). */
@Tag("rootless")
class UnshareParityRootlessTest extends UnshareParityTest {
    @BeforeEach
    void notRoot() {
        assumeFalse(Cli.root(), "runs as a non-root user (mvn -Djns.rootlessUser=USER as root does that)");
    }
}
