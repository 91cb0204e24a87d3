package dev.jns.linux.reliability;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** {@link LifecycleBoundsTest} in a JVM of an unprivileged user (user + pid namespaces for the pid variant). */
@Tag("rootless")
class RootlessLifecycleBoundsTest extends LifecycleBoundsTest {
    @BeforeAll
    static void notRoot() {
        assumeFalse("root".equals(System.getProperty("user.name")), "runs as an unprivileged user (-Djns.rootlessUser)");
    }
}
