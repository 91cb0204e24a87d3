package dev.jns.linux.sandbox;

import dev.jns.InvalidSpecException;
import dev.jns.NamespaceException;
import dev.jns.Namespaces;
import dev.jns.Spawn;
import dev.jns.sandbox.MountPlan;
import dev.jns.sandbox.Propagation;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run by {@code StagingLeakTest} in a child JVM whose mount namespace has a shared {@code /} (systemd's default):
 * starts sandboxes with a root switch that fail during setup, and prints, per case, how it ended and how many
 * mounts at or below /tmp the JVM's namespace has before and after ({@code case outcome before after}). Without a user namespace:
 * a new one would turn the copied shared mounts into slaves, and the root caller without one is the case that
 * leaked.
 */
public final class StagingLeakMain {
    private StagingLeakMain() {
    }

    /**
     * The mounts at or below /tmp, where the launcher stages a root switch. Not every mount: the namespace's
     * shared mounts also receive what other processes mount (ip netns under a shared /run/netns, for one).
     */
    private static long mounts() throws Exception {
        return Files.readAllLines(Path.of("/proc/self/mountinfo")).stream().map(l -> l.split(" ")[4])
                .filter(p -> p.equals("/tmp") || p.startsWith("/tmp/")).count();
    }

    private static void attempt(String name, Spawn s) throws Exception {
        long before = mounts();
        String outcome;
        try {
            outcome = "ran:" + s.run("true").exitCode();
        } catch (InvalidSpecException e) {
            outcome = "invalid:" + e.field();
        } catch (NamespaceException e) {
            outcome = "failed:" + e.errnoName();
        }
        System.out.println(name + " " + outcome + " " + before + " " + mounts());
    }

    public static void main(String[] args) throws Exception {
        Path missing = Path.of("/no/such/source-jns");
        // the case that left the staging tmpfs in the caller's namespace: propagation unchanged under a shared /
        attempt("unchanged", Namespaces.spawn().newMount()
                .mounts(new MountPlan().emptyRoot().propagation(Propagation.UNCHANGED)));
        // failures after the staging tmpfs is mounted: a plan entry, with slave and with private propagation
        attempt("slave", Namespaces.spawn().newMount()
                .mounts(new MountPlan().emptyRoot().propagation(Propagation.SLAVE).roBind(missing, Path.of("/x"))));
        attempt("private", Namespaces.spawn().newMount()
                .mounts(new MountPlan().root(Path.of("/usr")).roBind(missing, Path.of("/x"))));
        // and a root that is no directory: the staging step itself fails
        attempt("badroot", Namespaces.spawn().newMount()
                .mounts(new MountPlan().root(Path.of("/etc/passwd")).propagation(Propagation.SLAVE)));
    }
}
