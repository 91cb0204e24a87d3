package dev.jns.examples.cli;

import dev.jns.IdMap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The caller's uid and gid, util-linux's id range syntax, and its automatic ranges (/etc/subuid, /etc/subgid). */
final class Ids {
    private Ids() {
    }

    static long uid() {
        return status("Uid");
    }

    static long gid() {
        return status("Gid");
    }

    private static long status(String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(field + ":")) {
                    return Long.parseLong(line.substring(field.length() + 1).strip().split("\\s+")[1]);
                }
            }
        } catch (IOException e) {
            throw new CliException("cannot read /proc/self/status: " + e.getMessage());
        }
        throw new CliException("no " + field + " in /proc/self/status");
    }

    /**
     * A range as util-linux 2.38 writes it, {@code outer,inner,count}, or as 2.39 and later do,
     * {@code inner:outer:count}.
     */
    static IdMap parseRange(String option, String value) {
        boolean colon = value.indexOf(':') >= 0;
        String[] f = value.split(colon ? ":" : ",");
        if (f.length != 3) {
            throw new CliException(option + ": '" + value + "' is not <outer>,<inner>,<count> or <inner>:<outer>:<count>");
        }
        try {
            long a = Long.parseLong(f[0].strip());
            long b = Long.parseLong(f[1].strip());
            long n = Long.parseLong(f[2].strip());
            return colon ? IdMap.of(a, b, n) : IdMap.of(b, a, n);
        } catch (NumberFormatException e) {
            throw new CliException(option + ": '" + value + "' has a field that is not a number");
        }
    }

    /**
     * What {@code --map-users} or {@code --map-groups} ({@code option}) asks for, as util-linux 2.39 reads it: a
     * range, or {@code auto} (the caller's first range in {@code subidFile} from 0 inside), {@code subids} (that
     * range to itself) or {@code all} (every id of {@code procMap}, this namespace's map, to itself).
     */
    static List<IdMap> ranges(String option, String value, String subidFile, String procMap) {
        return switch (value) {
            case "auto" -> List.of(subordinate(subidFile, false));
            case "subids" -> List.of(subordinate(subidFile, true));
            case "all" -> passThrough(procMap);
            default -> List.of(parseRange(option, value));
        };
    }

    /**
     * The first range of the caller (by name, or by uid) in {@code file} ({@code /etc/subuid} or {@code /etc/subgid},
     * looked up with the caller's user, as util-linux does for both), mapped from 0 inside or, {@code identity},
     * to itself.
     */
    static IdMap subordinate(String file, boolean identity) {
        long uid = uid();
        String name = userName(uid);
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of(file));
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + e.getMessage());
        }
        for (String line : lines) {
            String[] f = line.strip().split(":");
            if (f.length != 3 || !(f[0].equals(name) || f[0].equals(Long.toString(uid)))) {
                continue;
            }
            try {
                long start = Long.parseLong(f[1]);
                long count = Long.parseLong(f[2]);
                return IdMap.of(identity ? start : 0, start, count);
            } catch (NumberFormatException e) {
                throw new CliException(file + ": '" + line + "' is not NAME:START:COUNT");
            }
        }
        throw new CliException("no line for user " + (name != null ? "\"" + name + "\" (uid " + uid + ")" : uid)
                + " in " + file + " (usermod --add-subuids and --add-subgids give a user ranges)");
    }

    /** The name of {@code uid} in /etc/passwd, or null. */
    private static String userName(long uid) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] f = line.split(":");
                if (f.length > 2 && f[2].equals(Long.toString(uid))) {
                    return f[0];
                }
            }
        } catch (IOException e) {
            // then by uid alone
        }
        return null;
    }

    /** Every id of this namespace's map ({@code /proc/self/uid_map} or {@code gid_map}) to itself. */
    private static List<IdMap> passThrough(String procMap) {
        List<IdMap> out = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of(procMap))) {
                String[] f = line.strip().split("\\s+");
                if (f.length == 3) {
                    long inside = Long.parseLong(f[0]);
                    out.add(IdMap.of(inside, inside, Long.parseLong(f[2])));
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new CliException("cannot read " + procMap + ": " + e.getMessage());
        }
        return out;
    }

    /**
     * {@code single} (the id that {@code --map-user}, {@code -r} or {@code -c} maps) first, then {@code ranges}
     * with that id taken out, as util-linux does: a range that holds the single map's inside or outside id maps
     * one id fewer (its topmost), and skips those two ids, the ids after them moving up by one, so that no two
     * entries overlap (with {@code -r}, {@code --map-auto}'s {@code 0 100000 65536} becomes {@code 1 100000 65535}
     * after {@code 0 UID 1}).
     */
    static List<IdMap> withSingle(IdMap single, List<IdMap> ranges) {
        List<IdMap> out = new ArrayList<>();
        out.add(single);
        long in = single.inside();
        long outId = single.outside();
        for (IdMap r : ranges) {
            boolean holdsIn = in >= r.inside() && in <= r.inside() + r.count();
            boolean holdsOut = outId >= r.outside() && outId <= r.outside() + r.count();
            long count = holdsIn || holdsOut ? r.count() - 1 : r.count();
            // the k-th id of the range after the hole: inside() + k, plus one from the skipped id on
            long skipIn = holdsIn ? in - r.inside() : count;
            long skipOut = holdsOut ? outId - r.outside() : count;
            long[] cuts = {0, Math.min(skipIn, skipOut), Math.max(skipIn, skipOut), count};
            for (int c = 0; c < 3; c++) {
                long k = Math.min(cuts[c], count);
                long n = Math.min(cuts[c + 1], count) - k;
                if (n > 0) {
                    out.add(IdMap.of(r.inside() + k + (k >= skipIn ? 1 : 0), r.outside() + k + (k >= skipOut ? 1 : 0), n));
                }
            }
        }
        return out;
    }
}
