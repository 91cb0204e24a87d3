package dev.jns.linux.spawn;

import dev.jns.linux.proc.ProcFiles;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Who the JVM is, from {@code /proc/self/status}: effective uid and gid and the effective capabilities that
 * decide how namespaces can be made.
 *
 * @param euid    effective uid
 * @param egid    effective gid
 * @param capEff  effective capability set
 * @param ruid    real uid (the launcher's own test of privilege: {@code getuid() == 0})
 */
public record Privileges(long euid, long egid, long capEff, long ruid) {
    static final int CAP_SETGID = 6;
    static final int CAP_SETUID = 7;
    static final int CAP_SYS_ADMIN = 21;

    /** The JVM's own. */
    public static Privileges current() {
        // ProcFiles (java.io) and no regular expression: this runs at a JVM's first spawn, where NIO's channels and
        // a Pattern cost some 5 ms of class loading
        String status = ProcFiles.read("/proc/self/status");
        if (status == null) {
            throw new UncheckedIOException(new IOException("cannot read /proc/self/status"));
        }
        long ruid = -1;
        long uid = -1;
        long gid = -1;
        long caps = 0;
        for (String line : status.split("\n")) {
            if (line.startsWith("Uid:")) {
                ruid = Long.parseLong(ProcFiles.statusField(line, 1));
                uid = Long.parseLong(ProcFiles.statusField(line, 2));
            } else if (line.startsWith("Gid:")) {
                gid = Long.parseLong(ProcFiles.statusField(line, 2));
            } else if (line.startsWith("CapEff:")) {
                caps = Long.parseUnsignedLong(ProcFiles.statusField(line, 1), 16);
            }
        }
        return new Privileges(uid, gid, caps, ruid);
    }

    /** What a process of {@code uid}/{@code gid} has after a root process switched to it: no capabilities. */
    public static Privileges unprivileged(long uid, long gid) {
        return new Privileges(uid, gid, 0, uid);
    }

    public boolean has(int cap) {
        return (capEff & (1L << cap)) != 0;
    }

    /** Of real uid 0: the launcher it starts writes id maps itself and may run a sandbox's supervisor light. */
    public boolean realRoot() {
        return ruid == 0;
    }

    /** May create any namespace, and write any id map. */
    public boolean privileged() {
        return has(CAP_SYS_ADMIN) && has(CAP_SETUID) && has(CAP_SETGID);
    }
}
