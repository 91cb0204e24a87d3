package dev.jns.examples.tour;

import dev.jns.NamespaceType;
import dev.jns.Namespaces;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Mount namespace: a private mount, invisible outside. The walkthrough's {@code unshare -m} and its
 * {@code lsns -t mnt}: here a tmpfs is mounted on an empty directory inside, a file is written to it, and
 * the host still sees an empty directory and no such mount.
 */
public final class MountStop implements TourStop {
    @Override
    public String title() {
        return "mount namespace: a private mount, invisible outside";
    }

    @Override
    public String shell() {
        return "unshare --mount --map-root-user sh -c 'mount -t tmpfs jns-tour DIR && touch DIR/inside && ls DIR'";
    }

    @Override
    public Set<NamespaceType> needs() {
        return Set.of(NamespaceType.USER, NamespaceType.MOUNT);
    }

    @Override
    public void show(View v) throws IOException {
        Path dir = Files.createTempDirectory("jns-tour-mnt");
        try {
            String inside = Host.ok(Namespaces.spawn()
                    .mapRootUser().newMount()
                    .run("sh", "-c", "mount -t tmpfs jns-tour \"$1\" && touch \"$1/inside\" && ls \"$1\""
                            + " && grep -c '^jns-tour ' /proc/self/mounts", "sh", dir.toString()));
            String[] lines = inside.split("\n");
            v.note("DIR = " + dir);
            v.row("ls DIR", list(dir), lines[0]);
            v.row("tmpfs mounts", count(), lines[1]);
            v.note("(the mount went away with the namespace: no umount was needed)");
        } finally {
            Files.deleteIfExists(dir);
        }
    }

    private static String list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            String names = String.join(" ", s.map(p -> p.getFileName().toString()).toList());
            return names.isEmpty() ? "(empty)" : names;
        }
    }

    private static long count() {
        return Host.read("/proc/self/mounts").lines().filter(l -> l.startsWith("jns-tour ")).count();
    }
}
