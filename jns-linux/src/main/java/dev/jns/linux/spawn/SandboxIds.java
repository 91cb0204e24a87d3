package dev.jns.linux.spawn;

import dev.jns.InvalidSpecException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The host ids a root caller's sandbox runs as (issue 13, item 1): inside uid and gid 0 are {@link #uid()} and
 * {@link #gid()} on the host, and inside ids 1, 2, ... the ones after them, up to the counts. Never host root.
 *
 * <p>Where they come from, first match wins: the spawn's own setting, the system property
 * {@value #PROPERTY}, else the {@link #FALLBACK}. A setting is either a user name (or uid) whose first
 * {@code /etc/subuid} and {@code /etc/subgid} ranges are taken, as {@code newuidmap} would, or
 * {@code BASE:COUNT} for both uids and gids.
 *
 * @param uid      host uid of inside uid 0
 * @param uidCount how many uids are mapped from there
 * @param gid      host gid of inside gid 0
 * @param gidCount how many gids are mapped from there
 * @param source   where the range came from, for messages ("/etc/subuid of jnsci", "fallback", ...)
 */
public record SandboxIds(long uid, long uidCount, long gid, long gidCount, String source) {
    /** The system property that names the range for every spawn that does not name its own. */
    public static final String PROPERTY = "jns.sandbox.subids";

    /** The overflow id, alone, as root inside: what a sandbox gets without a configured range. */
    public static final SandboxIds FALLBACK = new SandboxIds(65534, 1, 65534, 1, "the fallback (overflow id 65534)");

    /** The largest id plus one: 4294967295 is not an id. */
    private static final long ID_LIMIT = 0xFFFF_FFFFL;

    /** Checks the range. */
    public SandboxIds {
        check(uid, uidCount, "uid", source);
        check(gid, gidCount, "gid", source);
    }

    private static void check(long base, long count, String what, String source) {
        if (base < 1 || count < 1 || base + count > ID_LIMIT) {
            throw new InvalidSpecException(PROPERTY, what + " range " + base + ":" + count + " (" + source
                    + ") is not a range of host ids above 0", "give BASE:COUNT with 1 <= BASE and BASE + COUNT < 2^32");
        }
    }

    /** The uid_map text: inside 0.. is uid.. on the host. */
    String uidMap() {
        return "0 " + uid + " " + uidCount + "\n";
    }

    /** The gid_map text. */
    String gidMap() {
        return "0 " + gid + " " + gidCount + "\n";
    }

    /** The range for {@code setting} (the spawn's), else the system property's, else {@link #FALLBACK}. */
    public static SandboxIds resolve(String setting) {
        if (setting == null || setting.isBlank()) {
            setting = System.getProperty(PROPERTY);
        }
        if (setting == null || setting.isBlank()) {
            return FALLBACK;
        }
        return parse(setting.trim(), Path.of("/etc/subuid"), Path.of("/etc/subgid"), Path.of("/etc/passwd"));
    }

    /** Parses {@code BASE:COUNT} or a user name / uid looked up in the given files. */
    static SandboxIds parse(String setting, Path subuid, Path subgid, Path passwd) {
        int colon = setting.indexOf(':');
        if (colon >= 0) {
            try {
                long base = Long.parseLong(setting.substring(0, colon));
                long count = Long.parseLong(setting.substring(colon + 1));
                return new SandboxIds(base, count, base, count, setting);
            } catch (NumberFormatException e) {
                throw new InvalidSpecException(PROPERTY, "'" + setting + "' is neither BASE:COUNT nor a user name",
                        "e.g. 100000:65536, or a user with /etc/subuid and /etc/subgid entries");
            }
        }
        String uidOfName = lookUpUid(setting, passwd);
        long[] u = firstRange(subuid, setting, uidOfName);
        long[] g = firstRange(subgid, setting, uidOfName);
        if (u == null || g == null) {
            throw new InvalidSpecException(PROPERTY, "user '" + setting + "' has no range in "
                    + (u == null ? subuid : subgid), "add one (usermod --add-subuids 100000-165535 --add-subgids "
                    + "100000-165535 " + setting + "), or give BASE:COUNT");
        }
        return new SandboxIds(u[0], u[1], g[0], g[1], subuid + " and " + subgid + " of " + setting);
    }

    private static String lookUpUid(String name, Path passwd) {
        for (String line : lines(passwd)) {
            String[] f = line.split(":", -1);
            if (f.length > 2 && f[0].equals(name)) {
                return f[2];
            }
        }
        return null;
    }

    /** The first "name:start:count" (or "uid:start:count") line of {@code file} for the user. */
    private static long[] firstRange(Path file, String name, String uid) {
        for (String line : lines(file)) {
            String[] f = line.trim().split(":", -1);
            if (f.length == 3 && (f[0].equals(name) || f[0].equals(uid))) {
                try {
                    return new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])};
                } catch (NumberFormatException e) {
                    // a malformed line: newuidmap skips it too
                }
            }
        }
        return null;
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }
}
