package dev.jns.examples.tour;

import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsHandle;

import java.util.Set;

/**
 * UTS namespace: an own hostname. The walkthrough's {@code unshare -u /bin/bash; hostname utsnamespace},
 * and {@code readlink /proc/$$/ns/uts} to see that the namespace is another one.
 */
public final class UtsStop implements TourStop {
    /** The hostname set inside. */
    public static final String HOSTNAME = "jns-tour";

    @Override
    public String title() {
        return "UTS namespace: an own hostname";
    }

    @Override
    public String shell() {
        return "unshare --uts --map-root-user sh -c 'hostname " + HOSTNAME + "; uname -n; readlink /proc/self/ns/uts'";
    }

    @Override
    public Set<NamespaceType> needs() {
        return Set.of(NamespaceType.UTS);
    }

    @Override
    public void show(View v) {
        String inside = Host.ok(Namespaces.spawn()
                .newUts().hostname(HOSTNAME)
                .run("sh", "-c", "uname -n; readlink /proc/self/ns/uts"));
        String[] lines = inside.split("\n");
        v.row("hostname", Host.read("/proc/sys/kernel/hostname"), lines[0]);
        try (NsHandle mine = Namespaces.current(NamespaceType.UTS)) {
            v.row("/proc/self/ns/uts", mine, lines[1]);
        }
    }
}
