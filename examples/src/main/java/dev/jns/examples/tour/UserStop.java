package dev.jns.examples.tour;

import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsProcess;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * User namespace: uid 0 inside is you outside. The walkthrough's {@code unshare -U} (uid 65534, "nobody",
 * until a map is written) and {@code newuidmap PID 0 UID 1}, which {@code mapRootUser()} does.
 */
public final class UserStop implements TourStop {
    @Override
    public String title() {
        return "user namespace: uid 0 inside is you outside";
    }

    @Override
    public String shell() {
        return "unshare --user id -u; unshare --user --map-root-user sh -c 'id -u; cat /proc/self/uid_map'";
    }

    @Override
    public Set<NamespaceType> needs() {
        return Set.of(NamespaceType.USER);
    }

    @Override
    public void show(View v) throws Exception {
        long me = Host.uid();
        String unmapped = Host.ok(Namespaces.spawn().newUser().run("id", "-u"));
        v.row("id -u (no map)", me, unmapped + " (the overflow uid: nothing is mapped yet)");
        try (NsProcess p = Namespaces.spawn().mapRootUser()
                .start("sh", "-c", "id -u; cat /proc/self/uid_map; read x")) {
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String id = r.readLine();
            String map = r.readLine().strip().replaceAll("\\s+", " ");
            // While it runs, the host looks at the same process: its uid is ours.
            String hostUid = Host.status(Long.toString(p.pid()), "Uid");
            v.row("id -u", hostUid + " (/proc/" + p.pid() + "/status)", id);
            v.row("uid_map", Host.read("/proc/self/uid_map").replaceAll("\\s+", " "), map + " (inside outside count)");
            p.getOutputStream().close();
            p.waitFor();
        }
    }
}
