package dev.jns.examples.tour;

import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsProcess;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * PID namespace: the command is PID 1 and {@code ps} sees only the sandbox. The walkthrough's
 * {@code unshare -p --fork} (where {@code ps} still shows the host, because {@code /proc} is the host's),
 * then {@code unshare -p --fork -m} with a fresh {@code /proc}, which is what {@code mountProc()} does.
 */
public final class PidStop implements TourStop {
    @Override
    public String title() {
        return "PID namespace: PID 1, and ps sees only the sandbox";
    }

    @Override
    public String shell() {
        return "unshare --pid --fork --mount-proc --map-root-user sh -c 'echo $$; ps -e'";
    }

    @Override
    public Set<NamespaceType> needs() {
        return Set.of(NamespaceType.USER, NamespaceType.PID, NamespaceType.MOUNT);
    }

    @Override
    public void show(View v) throws Exception {
        long jvm = ProcessHandle.current().pid();
        long hostCount = Host.processes(); // counted once: both rows compare against the same count
        String withoutProc = Host.ok(Namespaces.spawn().mapRootUser().newPid()
                .run("sh", "-c", "echo $$; ls /proc | grep '^[0-9]' | tr '\\n' ' '"));
        String[] a = withoutProc.split("\n");
        List<String> seen = List.of(a[1].strip().split(" "));
        v.note("without mountProc(), the command is already PID 2 (under jns's init, PID 1) but /proc is still the host's:");
        v.row("$$", jvm + " (this JVM)", a[0]);
        v.row("/proc (no remount)", hostCount + " processes", seen.size() + " processes"
                + (seen.contains(Long.toString(jvm)) ? ", this JVM (" + jvm + ") among them" : ""));

        v.note("with mountProc(), /proc shows the new pid namespace (ps lists itself too):");
        try (NsProcess p = Namespaces.spawn().mapRootUser().newPid().mountProc()
                .start("sh", "-c", "echo $$; ps -e -o pid=,comm=; echo end; read x")) {
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String self = r.readLine();
            List<String> ps = new ArrayList<>();
            for (String line = r.readLine(); line != null && !line.equals("end"); line = r.readLine()) {
                ps.add(line.strip().replaceAll("\\s+", " "));
            }
            v.row("pid of init", p.pid(), "1");
            v.row("$$", jvm + " (this JVM)", self);
            v.row("ps -e", hostCount + " processes", ps.size() + " processes: " + String.join("; ", ps));
            v.note("(jns-init: jns's PID 1, which reaps orphans; sh: the command; ps: the listing itself)");
            p.getOutputStream().close();
            p.waitFor();
        }
    }
}
