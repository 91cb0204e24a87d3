package dev.jns.examples.tour;

import dev.jns.NamespaceException;
import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsHandle;
import dev.jns.NsProcess;
import dev.jns.Spawn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Persistence and joining: a namespace outlives every process in it while a handle (an open fd) or a bind
 * mount ({@code unshare --uts=FILE}) holds it, and a later process joins it ({@code nsenter --uts=FILE}).
 */
public final class PersistenceStop implements TourStop {
    /** The hostname of the kept namespace. */
    public static final String HOSTNAME = "kept";

    @Override
    public String title() {
        return "persistence and joining: keep a namespace, join it later";
    }

    @Override
    public String shell() {
        return "touch FILE; unshare --uts=FILE sh -c 'hostname " + HOSTNAME + "'; nsenter --uts=FILE uname -n; umount FILE";
    }

    @Override
    public Set<NamespaceType> needs() {
        return Set.of(NamespaceType.UTS);
    }

    @Override
    public void show(View v) throws Exception {
        NsHandle user;
        NsHandle uts;
        long pid;
        try (NsProcess p = Namespaces.spawn().newUts().hostname(HOSTNAME).start("sh", "-c", "read x")) {
            pid = p.pid();
            user = p.namespace(NamespaceType.USER);
            uts = p.namespace(NamespaceType.UTS);
            p.getOutputStream().close();
            p.waitFor();
        }
        try (user; uts) {
            // Rootless, jns made a user namespace that owns the uts namespace: join it first (as nsenter -U).
            Spawn join = joinUser(Namespaces.spawn(), user).join(uts);
            v.row("process " + pid, ProcessHandle.of(pid).isPresent() ? "running" : "exited", "(none: a handle holds it)");
            v.row("hostname (handle)", Host.read("/proc/sys/kernel/hostname"), Host.ok(join.run("uname", "-n")) + " (" + uts + ")");
            persisted(v, user, uts);
        }
    }

    /** The bind-mount way: needs CAP_SYS_ADMIN over this mount namespace (root). */
    private static void persisted(View v, NsHandle user, NsHandle uts) throws IOException {
        Path file = Files.createTempFile("jns-tour-uts", "");
        try {
            uts.persist(file);
        } catch (NamespaceException e) {
            Files.deleteIfExists(file);
            v.skip("persist to a file", TourSkip.reason(e));
            return;
        }
        try (NsHandle again = Namespaces.open(file, NamespaceType.UTS)) {
            v.row("hostname (file)", Host.read("/proc/sys/kernel/hostname"),
                    Host.ok(joinUser(Namespaces.spawn(), user).join(again).run("uname", "-n")) + " (" + file + ")");
        } finally {
            Namespaces.unpersist(file);
            Files.deleteIfExists(file);
        }
    }

    /** Joins {@code user} unless it is this JVM's own user namespace (joining that is EINVAL). */
    static Spawn joinUser(Spawn s, NsHandle user) {
        try (NsHandle mine = Namespaces.current(NamespaceType.USER)) {
            return mine.equals(user) ? s : s.join(user);
        }
    }
}
