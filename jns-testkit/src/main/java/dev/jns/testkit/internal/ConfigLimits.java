package dev.jns.testkit.internal;

import dev.jns.InvalidSpecException;
import dev.jns.sandbox.Limits;

/**
 * Turns the limit attributes of {@code @SandboxConfig} ({@code memory}, {@code pids}, {@code cpus}) into
 * {@link Limits}; a bad value is an {@link InvalidSpecException} whose field names the attribute
 * ({@code "@SandboxConfig.memory"}).
 */
public final class ConfigLimits {
    private ConfigLimits() {
    }

    /** The limits, or null when every attribute has its default (none). */
    public static Limits of(String memory, long pids, double cpus) {
        if (memory.isEmpty() && pids == 0 && cpus == 0) {
            return null;
        }
        Limits.Builder b = Limits.builder();
        if (!memory.isEmpty()) {
            long bytes = Limits.parseBytes("@SandboxConfig.memory", memory);
            attribute("memory", memory, () -> b.memory(bytes));
        }
        if (pids != 0) {
            attribute("pids", Long.toString(pids), () -> b.pids(pids));
        }
        if (cpus != 0) {
            attribute("cpus", Double.toString(cpus), () -> b.cpus(cpus));
        }
        return b.build();
    }

    private static void attribute(String name, String value, Runnable set) {
        try {
            set.run();
        } catch (InvalidSpecException e) {
            throw new InvalidSpecException("@SandboxConfig." + name, "'" + value + "': " + e.detail(), e.hint());
        }
    }
}
