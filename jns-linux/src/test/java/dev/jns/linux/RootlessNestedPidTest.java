package dev.jns.linux;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** {@link NestedPidTest} as a plain user: the joined user namespace gives the rights over the joined pid one. */
@Tag("rootless")
class RootlessNestedPidTest extends NestedPidTest {
    @BeforeAll
    static void notRoot() {
        assumeFalse(new com.sun.security.auth.module.UnixSystem().getUid() == 0,
                "runs as an unprivileged user: mvn ... -Djns.rootlessUser=jnsci");
    }
}
