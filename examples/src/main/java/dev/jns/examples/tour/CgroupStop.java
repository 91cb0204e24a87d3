package dev.jns.examples.tour;

import dev.jns.NamespaceType;
import dev.jns.Namespaces;

import java.util.Set;

/**
 * Cgroup namespace: {@code /proc/self/cgroup} is virtualised, the cgroup the command was started in
 * becomes its root ({@code /}), so the paths of the hierarchy above it do not leak in.
 */
public final class CgroupStop implements TourStop {
    @Override
    public String title() {
        return "cgroup namespace: a virtualised /proc/self/cgroup";
    }

    @Override
    public String shell() {
        return "unshare --cgroup --map-root-user cat /proc/self/cgroup";
    }

    @Override
    public Set<NamespaceType> needs() {
        return Set.of(NamespaceType.CGROUP);
    }

    @Override
    public void show(View v) {
        String inside = Host.ok(Namespaces.spawn().newCgroup().run("cat", "/proc/self/cgroup"));
        String host = Host.read("/proc/self/cgroup");
        // Show the lines where the two differ (or the unified one, 0::, when none do).
        boolean any = false;
        String[] h = host.split("\n");
        String[] n = inside.split("\n");
        for (int i = 0; i < Math.min(h.length, n.length); i++) {
            if (!h[i].equals(n[i])) {
                v.row("cgroup line " + i, h[i], n[i]);
                any = true;
            }
        }
        if (!any) {
            v.row("cgroup", host.lines().filter(l -> l.startsWith("0::")).findFirst().orElse(h[0]),
                    inside.lines().filter(l -> l.startsWith("0::")).findFirst().orElse(n[0]));
            v.note("(this JVM already sits at the root of its cgroup view, so both read '/')");
        }
        v.row("all roots '/'", allRoots(host), allRoots(inside));
    }

    /** Whether every line of a cgroup file ends in ":/". */
    static boolean allRoots(String cgroupFile) {
        return cgroupFile.lines().allMatch(l -> l.endsWith(":/"));
    }
}
