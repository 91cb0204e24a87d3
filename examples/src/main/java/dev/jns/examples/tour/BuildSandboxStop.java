package dev.jns.examples.tour;

import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.SpawnResult;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The build-step sandbox: a build tool runs a step (a code generator, a test, a script from a dependency)
 * as the current user, with no network, no view of the host's processes, its own hostname and IPC, and a
 * clean environment; it still reads the project, and its exit code and output come back as usual.
 */
public final class BuildSandboxStop implements TourStop {
    @Override
    public String title() {
        return "a build-step sandbox";
    }

    @Override
    public String shell() {
        return "unshare --user --map-current-user --net --pid --fork --mount-proc --uts --ipc env -i PATH=/usr/bin:/bin sh -c STEP";
    }

    @Override
    public Set<NamespaceType> needs() {
        return Set.of(NamespaceType.USER, NamespaceType.NET, NamespaceType.PID, NamespaceType.MOUNT,
                NamespaceType.UTS, NamespaceType.IPC);
    }

    @Override
    public View run(PrintStream out) {
        View v = new View(out);
        String step = "echo uid=$(id -u); echo links=$(tail -n +3 /proc/net/dev | cut -d: -f1); echo procs=$(ps -e -o pid= | wc -l);"
                + " echo env=$(env | wc -l); echo host=$(uname -n); exit 3";
        SpawnResult r = Namespaces.spawn()
                .mapCurrentUser().newNet().newPid().mountProc().newUts().hostname("build").newIpc()
                .clearEnv().env("PATH", "/usr/bin:/bin")
                .run("sh", "-c", step);
        Map<String, String> facts = new HashMap<>();
        r.stdout().lines().map(l -> l.split("=", 2)).filter(kv -> kv.length == 2).forEach(kv -> facts.put(kv[0], kv[1]));
        v.row("uid", Host.uid(), facts.get("uid"));
        v.row("network links", String.join(" ", Host.read("/proc/net/dev").lines().skip(2)
                .map(l -> l.strip().split(":")[0]).sorted().toList()), facts.get("links"));
        v.row("processes", Host.processes(), facts.get("procs") + " (init and the step)");
        v.row("environment", System.getenv().size() + " variables", facts.get("env") + " variables");
        v.row("hostname", Host.read("/proc/sys/kernel/hostname"), facts.get("host"));
        v.row("exit code", "-", r.exitCode());
        return v;
    }
}
