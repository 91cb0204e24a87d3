package dev.jns.linux.testing;

import dev.jns.sandbox.MountPlan;

import dev.jns.Namespaces;
import dev.jns.Spawn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Shared set-up of the sandbox tests: who runs the sandbox, and a minimal read-only system in an empty root. */
public final class SandboxSupport {
    private SandboxSupport() {
    }

    /** How a test's sandbox is started. */
    public enum As {
        /** As the JVM's user (root here), with a user namespace mapping root. */
        ROOT,
        /** The launcher drops to the unprivileged user jnsci first: the rootless path, for real. */
        JNSCI
    }

    /** Loads the launcher and jns's per-JVM descriptors before a LeakCheck counts them. */
    public static void warmUp() {
        Warm.up();
    }


    /** uid (= gid) of jnsci, or -1. */
    public static long jnsci() {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] f = line.split(":");
                if (f[0].equals("jnsci")) {
                    return Long.parseLong(f[2]);
                }
            }
        } catch (IOException e) {
            return -1;
        }
        return -1;
    }

    /** A spawn for {@code as}, in new user, pid, mount, net, ipc and uts namespaces. */
    public static Spawn spawn(As as) {
        Spawn s = Namespaces.spawn().newUser().mapRootUser().newPid().newMount().newNet().newIpc().newUts();
        if (as == As.JNSCI) {
            long id = jnsci();
            org.junit.jupiter.api.Assumptions.assumeTrue(id > 0 && Probe.root(), "needs root and the user jnsci");
            s.runAs(id, id);
        }
        return s;
    }

    /**
     * An empty root with /usr read-only, the merged-/usr links (or read-only binds), /proc, /dev, a /tmp tmpfs
     * and /etc/passwd.
     */
    public static MountPlan minimalRoot() {
        MountPlan s = new MountPlan().emptyRoot().roBind(Path.of("/usr"), Path.of("/usr"));
        for (String top : new String[] {"bin", "sbin", "lib", "lib64", "lib32"}) {
            Path p = Path.of("/", top);
            if (Files.isSymbolicLink(p)) {
                try {
                    s.symlink(Files.readSymbolicLink(p).toString(), p);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            } else {
                s.roBindTry(p, p);
            }
        }
        return s.proc(Path.of("/proc")).dev(Path.of("/dev")).tmpfs(Path.of("/tmp"), 16 << 20, 01777)
                .roBind(Path.of("/etc/passwd"), Path.of("/etc/passwd"));
    }

    /** {@code s} in {@link #minimalRoot()} plus {@code extra}, with a PATH for it. */
    public static Spawn inMinimalRoot(Spawn s, MountPlan extra) {
        return s.mounts(minimalRoot().addAll(extra)).env("PATH", "/usr/bin:/bin:/usr/sbin:/sbin");
    }

    /** A directory under /tmp that jnsci may write too. */
    public static Path sharedDir(String prefix) throws IOException {
        Path d = Files.createTempDirectory(prefix);
        Files.setPosixFilePermissions(d, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        return d;
    }

    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
