package dev.jns.testkit.internal;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The test an isolated child JVM runs on itself while it waits for its real test, so that the JUnit Platform and
 * the Jupiter engine are loaded and have run once (class loading, not the project's code, is most of a cold
 * test's cost). Enabled only in such a child. Not API.
 */
@EnabledIfSystemProperty(named = IsolatedMain.CHILD, matches = "true")
public class IsolatedWarmUp {
    /** For JUnit. */
    public IsolatedWarmUp() {
    }

    /** Exercises the assertion and lifecycle paths a typical test takes. */
    @Test
    void warmUp() {
        Assertions.assertEquals(2, 1 + 1, "warm-up");
    }
}
