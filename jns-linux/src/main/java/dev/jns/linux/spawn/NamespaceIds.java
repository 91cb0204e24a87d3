package dev.jns.linux.spawn;

import dev.jns.NamespaceType;

import java.util.Map;

/**
 * The launcher's NSIDS records ({@code "net=4026532008 uts=4026532009 ..."}): the inodes of the namespaces
 * the command runs in, read by the launcher while its child could not have ended, for the command's
 * {@link dev.jns.Outcome}.
 */
final class NamespaceIds {
    private NamespaceIds() {
    }

    /** Adds the {@code name=inode} pairs of {@code detail} to {@code ids}; unknown names are skipped. */
    static void parse(String detail, Map<NamespaceType, Long> ids) {
        for (String pair : detail.trim().split(" ")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            try {
                ids.put(NamespaceType.ofProcName(pair.substring(0, eq)), Long.parseLong(pair.substring(eq + 1)));
            } catch (IllegalArgumentException e) {
                // a name or number this JVM does not know: nothing to record
            }
        }
    }
}
