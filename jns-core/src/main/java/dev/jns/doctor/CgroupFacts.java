package dev.jns.doctor;

import java.util.Map;
import java.util.TreeMap;

/**
 * What the host's cgroups offer the JVM for {@link dev.jns.sandbox.Limits cgroup limits}: see
 * {@link DoctorFacts#cgroups()}.
 *
 * @param version     the layout: {@code "v2"} (unified), {@code "v1"}, {@code "hybrid"} (v1 controllers beside a
 *                    v2 hierarchy, as systemd's hybrid mode) or {@code "none"}
 * @param delegated   whether the JVM may create cgroups where jns would make a sandbox's (below its own cgroup, in
 *                    every hierarchy jns uses): always for root, else only with a delegated subtree
 * @param controllers for {@code memory}, {@code pids} and {@code cpu}: where jns would take it from ({@code "v2"},
 *                    {@code "v1"}), or why it cannot ({@code "missing"}; {@code "v2, not enabled for children"} when
 *                    the v2 hierarchy has it but the JVM's cgroup does not pass it on)
 */
public record CgroupFacts(String version, boolean delegated, Map<String, String> controllers) {
    /** Copies the map, in name order. */
    public CgroupFacts {
        controllers = Map.copyOf(controllers);
    }

    /** Facts of a machine where nothing could be read. */
    public static CgroupFacts unknown() {
        return new CgroupFacts("none", false, Map.of());
    }

    /** Whether {@code controller} can be used here ({@code "v2"} or {@code "v1"}). */
    public boolean available(String controller) {
        String where = controllers.get(controller);
        return "v2".equals(where) || "v1".equals(where);
    }

    /** One line: {@code "hybrid, delegated; cpu: v1, memory: v1, pids: v1"}. */
    public String describe() {
        StringBuilder sb = new StringBuilder(version).append(delegated ? ", delegated" : ", not delegated");
        String sep = "; ";
        for (Map.Entry<String, String> e : new TreeMap<>(controllers).entrySet()) {
            sb.append(sep).append(e.getKey()).append(": ").append(e.getValue());
            sep = ", ";
        }
        return sb.toString();
    }

    String toJson() {
        return new Json().open().field("version", version).field("delegated", delegated)
                .field("controllers", new TreeMap<>(controllers)).close().toString();
    }
}
