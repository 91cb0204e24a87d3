package dev.jns.testkit.internal;

import dev.jns.sandbox.MountPlan;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@code /etc/hosts} and {@code /etc/hostname} of a sandbox with its own hostname, as Docker and Podman write
 * them for a container: the hostname resolves to loopback (IPv4 {@code 127.0.1.1} as Debian's installer writes
 * it, and {@code ::1}), and {@code localhost} keeps working. The files live on a small tmpfs the sandbox mounts
 * over a scratch directory of the host, and are bound over the host's files in the sandbox's mount namespace
 * only: the host's files are never written. Not API.
 */
public final class EtcHosts {
    /** The host's resolver file, bound over when it exists. */
    static final Path HOSTS = Path.of("/etc/hosts");
    /** The host's hostname file, bound over when it exists. */
    static final Path HOSTNAME = Path.of("/etc/hostname");

    private EtcHosts() {
    }

    /**
     * The hosts file for {@code hostname}: {@code localhost} on 127.0.0.1 and ::1, the hostname (and, for a
     * dotted name, its first label) on 127.0.1.1 and ::1, and the IPv6 multicast names Debian lists.
     *
     * @throws IllegalArgumentException when the name has characters a hosts file cannot hold
     */
    public static String hosts(String hostname) {
        check(hostname);
        String names = hostname;
        int dot = hostname.indexOf('.');
        if (dot > 0) {
            names = hostname + " " + hostname.substring(0, dot);
        }
        return "# written by jns for this sandbox; the host's /etc/hosts is unchanged\n"
                + "127.0.0.1\tlocalhost\n"
                + "127.0.1.1\t" + names + "\n"
                + "::1\tlocalhost ip6-localhost ip6-loopback " + names + "\n"
                + "ff02::1\tip6-allnodes\n"
                + "ff02::2\tip6-allrouters\n";
    }

    /**
     * The mount plan: a tmpfs on {@code scratch} (an empty host directory; the tmpfs is seen only inside), the
     * two files on it, and read-write binds of them over {@code /etc/hosts} and {@code /etc/hostname} (each
     * only when the host has that file, since a bind needs an existing destination). Root inside may edit
     * them (e.g. add a name for a test); the host never sees it.
     */
    public static MountPlan plan(Path scratch, String hostname) {
        String hosts = hosts(hostname);
        MountPlan plan = new MountPlan().tmpfs(scratch, 64 * 1024, 0755)
                .file(scratch.resolve("hosts"), hosts)
                .file(scratch.resolve("hostname"), hostname + "\n");
        if (Files.isRegularFile(HOSTS)) {
            plan.bind(scratch.resolve("hosts"), HOSTS);
        }
        if (Files.isRegularFile(HOSTNAME)) {
            plan.bind(scratch.resolve("hostname"), HOSTNAME);
        }
        return plan;
    }

    private static void check(String hostname) {
        if (hostname == null || hostname.isEmpty()) {
            throw new IllegalArgumentException("an empty hostname cannot be written to /etc/hosts");
        }
        for (int i = 0; i < hostname.length(); i++) {
            char c = hostname.charAt(i);
            if (c <= ' ' || c == '#' || c == 0x7f) {
                throw new IllegalArgumentException("hostname '" + hostname + "' has a character /etc/hosts cannot "
                        + "hold (whitespace, control or '#'); give a name of letters, digits, '-' and '.'");
            }
        }
    }
}
