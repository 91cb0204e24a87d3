package dev.jns.examples.tour;

import dev.jns.NamespaceType;
import dev.jns.Namespaces;

import java.util.Set;

/**
 * IPC namespace: a System V message queue made inside is invisible outside. {@code /proc/sysvipc/msg}
 * lists the queues of the reader's IPC namespace.
 */
public final class IpcStop implements TourStop {
    @Override
    public String title() {
        return "IPC namespace: a message queue invisible outside";
    }

    @Override
    public String shell() {
        return "unshare --ipc --map-root-user sh -c 'ipcmk -Q; ipcs -q'";
    }

    @Override
    public Set<NamespaceType> needs() {
        return Set.of(NamespaceType.IPC);
    }

    @Override
    public void show(View v) {
        // ipcmk prints "Message queue id: N"; the key is in the second column of /proc/sysvipc/msg.
        String inside = Host.ok(Namespaces.spawn().newIpc()
                .run("sh", "-c", "ipcmk -Q >/dev/null && tail -n +2 /proc/sysvipc/msg | awk '{print $1}'"));
        String key = inside.lines().findFirst().orElse("");
        v.row("queue keys", keys(), key.isEmpty() ? "(none)" : key);
        v.row("the new queue", keys().contains(key) ? "present" : "absent", "present");
    }

    /** The keys of the queues this JVM's IPC namespace has. */
    private static String keys() {
        String k = String.join(" ", Host.read("/proc/sysvipc/msg").lines().skip(1)
                .map(l -> l.strip().split("\\s+")[0]).toList());
        return k.isEmpty() ? "(none)" : k;
    }
}
