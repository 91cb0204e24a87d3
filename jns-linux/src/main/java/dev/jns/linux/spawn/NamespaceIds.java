package dev.jns.linux.spawn;

import dev.jns.NamespaceType;
import dev.jns.linux.ffi.Sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * The inodes of a spawned command's namespaces, for its {@link dev.jns.Outcome}: read from /proc while a pidfd
 * proves the pid is still the command's. Only the types the spawn created or joined are read; the others are
 * the JVM's, read once.
 */
final class NamespaceIds {
    private static final Map<NamespaceType, Long> JVM = readAll(Path.of("/proc/self/ns"));

    private NamespaceIds() {
    }

    static Map<NamespaceType, Long> read(LaunchPlan plan, int childPid, int childPidfd) {
        Map<NamespaceType, Long> ids = new EnumMap<>(JVM);
        Path dir = Path.of("/proc", Integer.toString(childPid), "ns");
        for (NamespaceType t : NamespaceType.values()) {
            if (plan.created.contains(t) || plan.spec.joins().stream().anyMatch(h -> h.type() == t)) {
                ids.remove(t);
                Long id = inode(dir.resolve(t == NamespaceType.TIME && plan.created.contains(t)
                        ? "time_for_children" : t.procName()));
                if (id != null) {
                    ids.put(t, id);
                }
            }
        }
        if (childPidfd < 0 || Sys.pidfdSignal(childPidfd, 0) != 0) {
            return Map.of(); // the command ended while we read: the pid may be someone else's by now
        }
        return Collections.unmodifiableMap(ids);
    }

    private static Map<NamespaceType, Long> readAll(Path dir) {
        Map<NamespaceType, Long> ids = new EnumMap<>(NamespaceType.class);
        for (NamespaceType t : NamespaceType.values()) {
            Long id = inode(dir.resolve(t.procName()));
            if (id != null) {
                ids.put(t, id);
            }
        }
        return ids;
    }

    /** The inode in a {@code type:[inode]} link, or null when the kernel lacks the type or the process is gone. */
    private static Long inode(Path link) {
        try {
            String s = Files.readSymbolicLink(link).toString();
            return Long.parseLong(s.substring(s.indexOf('[') + 1, s.length() - 1));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
