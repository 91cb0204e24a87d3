package dev.jns.linux.spawn;

import java.util.ArrayList;
import java.util.List;

/**
 * The maps of the user namespace an idmapped bind is mounted with (issue 19), computed from the sandbox's own
 * map and the owner its root should have on the bind.
 *
 * <p>An idmapped mount translates between the host ids of the processes using it and the ids stored on disk:
 * a map line {@code on-disk host count}. Here the sandbox's root (the host id of inside id 0) reads and
 * writes as the chosen owner, and every other host id of the sandbox as itself (what it would be without an
 * idmap). Nothing else is mapped: in particular no other sandbox id can become the owner or host root, files
 * of other owners appear as the overflow id inside, and ids without a mapping cannot create files there.
 */
final class BindIdmap {
    private BindIdmap() {
    }

    /**
     * The idmap for {@code sandboxMap} (a uid_map or gid_map text: "inside outside count" lines) that makes host id
     * {@code actor} (the id the sandbox's processes run as: its root's, usually) read and write as {@code owner}
     * on disk, and every other host id of the map as itself.
     */
    static String of(String sandboxMap, long actor, long owner) {
        List<long[]> ranges = parse(sandboxMap);
        StringBuilder sb = new StringBuilder().append(owner).append(' ').append(actor).append(" 1\n");
        // every other host id of the sandbox as itself, minus the actor's host id and the owner (on disk, the
        // owner is taken by the actor's line: map lines may not overlap)
        for (long[] r : ranges) {
            long start = r[1];
            long end = r[1] + r[2];
            for (long[] piece : minus(start, end, actor, owner)) {
                sb.append(piece[0]).append(' ').append(piece[0]).append(' ').append(piece[1] - piece[0]).append('\n');
            }
        }
        return sb.toString();
    }

    /** The host id of inside id 0 in {@code sandboxMap}, or -1 when it is not mapped. */
    static long rootOf(String sandboxMap) {
        for (long[] r : parse(sandboxMap)) {
            if (r[0] == 0) {
                return r[1];
            }
        }
        return -1;
    }

    /** Whether host id {@code host} is on the outside of {@code sandboxMap}. */
    static boolean maps(String sandboxMap, long host) {
        return parse(sandboxMap).stream().anyMatch(r -> host >= r[1] && host < r[1] + r[2]);
    }

    /** [start, end) without the ids a and b, as [s, e) pieces. */
    private static List<long[]> minus(long start, long end, long a, long b) {
        List<long[]> out = new ArrayList<>();
        long lo = Math.min(a, b);
        long hi = Math.max(a, b);
        long s = start;
        for (long cut : a == b ? new long[] {lo} : new long[] {lo, hi}) {
            if (cut >= s && cut < end) {
                if (cut > s) {
                    out.add(new long[] {s, cut});
                }
                s = cut + 1;
            }
        }
        if (s < end) {
            out.add(new long[] {s, end});
        }
        return out;
    }

    private static List<long[]> parse(String map) {
        List<long[]> out = new ArrayList<>();
        for (String line : map.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 3) {
                out.add(new long[] {Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2])});
            }
        }
        return out;
    }
}
