package dev.jns.linux.spawn;

import dev.jns.spi.SpawnSpec;

import java.util.List;

/** Test access to the JVM side of the launcher protocol: the exact bytes {@link LaunchPlan} would send. */
public final class SpecBytes {
    private SpecBytes() {
    }

    /** The spec stream for {@code spec} (no joins) as this JVM would encode it. */
    public static byte[] encode(SpawnSpec spec) {
        return LaunchPlan.of(spec, Privileges.current()).encode(List.of(), false);
    }

    /** The CLONE_FLAGS record's value for {@code spec}. */
    public static long cloneFlags(SpawnSpec spec) {
        return LaunchPlan.of(spec, Privileges.current()).cloneFlags();
    }
}
