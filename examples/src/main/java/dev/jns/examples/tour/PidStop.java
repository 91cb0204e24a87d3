package dev.jns.examples.tour;

import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsProcess;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
    public View run(PrintStream out) throws Exception {
        View v = new View(out);
        String withoutProc = Host.ok(Namespaces.spawn().mapRootUser().newPid()
                .run("sh", "-c", "echo $$; ls /proc | grep -c '^[0-9]'"));
        String[] a = withoutProc.split("\n");
        v.note("without mountProc(), the command is already PID 2 (under jns's init, PID 1) but /proc is still the host's:");
        v.row("$$", ProcessHandle.current().pid() + " (this JVM)", a[0]);
        v.row("/proc (no remount)", Host.processes() + " processes", a[1] + " processes");

        v.note("with mountProc(), /proc shows the new pid namespace:");
        try (NsProcess p = Namespaces.spawn().mapRootUser().newPid().mountProc()
                .start("sh", "-c", "echo $$; ps -e -o pid=,comm= | wc -l; ps -e -o pid=,comm= | tr -s ' ' | tr '\\n' ';'; echo; read x")) {
            BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String self = r.readLine();
            String count = r.readLine();
            String ps = r.readLine();
            long hostCount = Host.processes();
            v.row("pid of init", p.pid(), "1");
            v.row("$$", ProcessHandle.current().pid() + " (this JVM)", self);
            v.row("ps -e", hostCount + " processes", count.strip() + " processes: " + ps.strip());
            p.getOutputStream().close();
            p.waitFor();
        }
        return v;
    }
}
