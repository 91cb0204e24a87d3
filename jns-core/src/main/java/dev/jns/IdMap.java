package dev.jns;

import java.util.List;

/**
 * One line of a user namespace's {@code uid_map} or {@code gid_map}: ids {@code inside .. inside+count-1}
 * in the namespace are ids {@code outside .. outside+count-1} in its parent.
 *
 * @param inside  first id in the namespace
 * @param outside first id in the parent namespace
 * @param count   number of ids, at least 1
 */
public record IdMap(long inside, long outside, long count) {
    /** The largest id the kernel accepts (uid_t is 32 bits, and -1 means "none"). */
    public static final long MAX_ID = 0xFFFF_FFFEL;
    /** The most lines a map may have (Linux 4.15 and later). */
    public static final int MAX_LINES = 340;
    /** The most bytes of a map's text, newlines included: the kernel reads a map in one page. */
    public static final int MAX_TEXT_BYTES = 4096;

    /** Checks the range: ids in {@code [0, MAX_ID]}, count at least 1, no range past {@code MAX_ID}. */
    public IdMap {
        if (inside < 0 || inside > MAX_ID) {
            throw new InvalidSpecException("idMap.inside", "id " + inside + " is outside 0.." + MAX_ID, null);
        }
        if (outside < 0 || outside > MAX_ID) {
            throw new InvalidSpecException("idMap.outside", "id " + outside + " is outside 0.." + MAX_ID, null);
        }
        if (count < 1 || count > MAX_ID + 1) {
            throw new InvalidSpecException("idMap.count", "count " + count + " must be 1.." + (MAX_ID + 1), null);
        }
        if (inside + count - 1 > MAX_ID || outside + count - 1 > MAX_ID) {
            throw new InvalidSpecException("idMap.count",
                    "range " + inside + "/" + outside + " + " + count + " runs past " + MAX_ID, null);
        }
    }

    /** {@code count} ids starting at {@code inside} map to ids starting at {@code outside}. */
    public static IdMap of(long inside, long outside, long count) {
        return new IdMap(inside, outside, count);
    }

    /** One id: {@code inside} is {@code outside} in the parent. */
    public static IdMap single(long inside, long outside) {
        return new IdMap(inside, outside, 1);
    }

    /**
     * Parses one line as the kernel prints it ({@code "0 1000 1"}, any run of blanks between the numbers).
     *
     * @throws InvalidSpecException naming the line when it is not three numbers
     */
    public static IdMap parse(String line) {
        String[] f = line == null ? new String[0] : line.trim().split("\\s+");
        if (f.length != 3) {
            throw new InvalidSpecException("idMap", "'" + line + "' is not 'inside outside count'", null);
        }
        try {
            return new IdMap(Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]));
        } catch (NumberFormatException e) {
            throw new InvalidSpecException("idMap", "'" + line + "' has a field that is not a number", null);
        }
    }

    /** The line as the kernel reads it, without newline: {@code "0 1000 1"}. */
    @Override
    public String toString() {
        return inside + " " + outside + " " + count;
    }

    /** Whether the two ranges share an id on the inside or on the outside. */
    public boolean overlaps(IdMap other) {
        return inside < other.inside + other.count && other.inside < inside + count
                || outside < other.outside + other.count && other.outside < outside + count;
    }

    /**
     * Checks a whole map: 1 to {@link #MAX_LINES} lines, at most {@link #MAX_TEXT_BYTES} bytes of text, no two
     * ranges overlapping inside or outside (the kernel refuses all three).
     *
     * @param field the parameter name used in the error ({@code "uidMap"})
     */
    public static void validate(String field, List<IdMap> map) {
        if (map.isEmpty() || map.size() > MAX_LINES) {
            throw new InvalidSpecException(field, "has " + map.size() + " ranges; 1.." + MAX_LINES + " are allowed", null);
        }
        int bytes = format(map).length(); // digits, blanks and newlines: one byte each
        if (bytes > MAX_TEXT_BYTES) {
            throw new InvalidSpecException(field, "is " + bytes + " bytes as text (newlines included); the kernel "
                    + "reads at most " + MAX_TEXT_BYTES + " (one page)", "merge adjacent ranges, or use fewer, larger ones");
        }
        for (int i = 0; i < map.size(); i++) {
            for (int j = i + 1; j < map.size(); j++) {
                if (map.get(i).overlaps(map.get(j))) {
                    throw new InvalidSpecException(field, "ranges '" + map.get(i) + "' and '" + map.get(j) + "' overlap",
                            "each id may appear once inside and once outside");
                }
            }
        }
    }

    /** The text for {@code /proc/PID/uid_map}: one line per range, each ending in a newline. */
    public static String format(List<IdMap> map) {
        StringBuilder sb = new StringBuilder();
        for (IdMap m : map) {
            sb.append(m).append('\n');
        }
        return sb.toString();
    }
}
