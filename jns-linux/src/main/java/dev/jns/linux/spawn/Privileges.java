package dev.jns.linux.spawn;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Who the JVM is, from {@code /proc/self/status}: effective uid and gid and the effective capabilities that
 * decide how namespaces can be made.
 *
 * @param euid    effective uid
 * @param egid    effective gid
 * @param capEff  effective capability set
 */
public record Privileges(long euid, long egid, long capEff) {
    static final int CAP_SETGID = 6;
    static final int CAP_SETUID = 7;
    static final int CAP_SYS_ADMIN = 21;

    /** The JVM's own. */
    public static Privileges current() {
        try {
            long uid = -1;
            long gid = -1;
            long caps = 0;
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    uid = Long.parseLong(line.split("\\s+")[2]);
                } else if (line.startsWith("Gid:")) {
                    gid = Long.parseLong(line.split("\\s+")[2]);
                } else if (line.startsWith("CapEff:")) {
                    caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                }
            }
            return new Privileges(uid, gid, caps);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What a process of {@code uid}/{@code gid} has after a root process switched to it: no capabilities. */
    public static Privileges unprivileged(long uid, long gid) {
        return new Privileges(uid, gid, 0);
    }

    public boolean has(int cap) {
        return (capEff & (1L << cap)) != 0;
    }

    /** May create any namespace, and write any id map. */
    public boolean privileged() {
        return has(CAP_SYS_ADMIN) && has(CAP_SETUID) && has(CAP_SETGID);
    }
}
