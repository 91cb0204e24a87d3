package dev.jns.examples.tour;

import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.Outcome;
import dev.jns.Spawn;
import dev.jns.sandbox.BindOwner;
import dev.jns.sandbox.MountPlan;
import dev.jns.SpawnResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The build-step sandbox: a build tool runs a step (a code generator, a test, a script from a dependency) as
 * the current user in an empty root that holds only a read-only {@code /usr}, the project's sources read-only
 * and one writable output directory; with no network, no view of the host's processes, its own hostname and
 * IPC, a clean environment, no new privileges, and a timeout. Its exit code, output and outcome come back.
 */
public final class BuildSandboxStop implements TourStop {
    @Override
    public String title() {
        return "a build-step sandbox";
    }

    @Override
    public String shell() {
        return "bwrap --unshare-all --tmpfs / --ro-bind /usr /usr --symlink usr/bin /bin ... --ro-bind SRC /src"
                + " --bind OUT /out --proc /proc --dev /dev --hostname build --clearenv --new-session sh -c STEP";
    }

    @Override
    public Set<NamespaceType> needs() {
        return Set.of(NamespaceType.USER, NamespaceType.NET, NamespaceType.PID, NamespaceType.MOUNT,
                NamespaceType.UTS, NamespaceType.IPC);
    }

    /** The sandbox of a build step, with the project's {@code src} read-only on /src and {@code out} on /out. */
    static Spawn sandbox(Path src, Path out) {
        MountPlan plan = new MountPlan().emptyRoot().roBind(Path.of("/usr"), Path.of("/usr"));
        for (String top : new String[] {"bin", "sbin", "lib", "lib64", "lib32"}) {
            Path p = Path.of("/", top);
            if (Files.isSymbolicLink(p)) {
                try {
                    plan.symlink(Files.readSymbolicLink(p).toString(), p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            } else {
                plan.roBindTry(p, p);
            }
        }
        plan.proc(Path.of("/proc")).dev(Path.of("/dev")).tmpfs(Path.of("/tmp"))
                .roBind(src, Path.of("/src"))
                // outputs belong to the caller on the host; a root JVM's sandbox runs as unprivileged ids, so
                // this bind is idmapped then (rootless, the sandbox already writes as the caller)
                .bind(out, Path.of("/out"), BindOwner.caller())
                .remountReadOnly(Path.of("/"));
        return Namespaces.spawn()
                .mapCurrentUser().newNet().newPid().newUts().hostname("build").newIpc()
                .mounts(plan)
                .clearEnv().env("PATH", "/usr/bin:/bin")
                .directory(Path.of("/src"))
                .timeout(Duration.ofSeconds(30));
    }

    @Override
    public void show(View v) throws IOException {
        // readable by others: a root JVM's sandbox runs as unprivileged ids, which must reach the sources
        Path project = Files.createTempDirectory("jns-tour-build",
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));
        Path src = Files.createDirectories(project.resolve("src"));
        Path dest = Files.createDirectories(project.resolve("out"));
        Files.writeString(src.resolve("Main.txt"), "hello from the sources\n");
        try {
            String step = "echo root=$(ls / | tr '\\n' ' '); echo uid=$(id -u); echo links=$(tail -n +3 /proc/net/dev | cut -d: -f1);"
                    + " echo procs=$(ps -e -o comm= | tr '\\n' ' '); echo env=$(env | wc -l); echo host=$(uname -n);"
                    + " tr a-z A-Z < Main.txt > /out/MAIN.txt; echo wrote=$(ls /out); echo content=$(cat /out/MAIN.txt);"
                    + " (echo x >> Main.txt) 2>/dev/null && echo src=writable || echo src=read-only; exit 3";
            SpawnResult r = sandbox(src, dest).run("sh", "-c", step);
            Map<String, String> facts = new HashMap<>();
            r.stdout().lines().map(l -> l.split("=", 2)).filter(kv -> kv.length == 2).forEach(kv -> facts.put(kv[0], kv[1]));
            v.row("ls /", list(Path.of("/")).split(" ").length + " entries", facts.get("root"));
            v.row("uid", Host.uid(), facts.get("uid"));
            v.row("network links", String.join(" ", Host.read("/proc/net/dev").lines().skip(2)
                    .map(l -> l.strip().split(":")[0]).sorted().toList()), facts.get("links"));
            List<String> procs = List.of(facts.get("procs").strip().split(" "));
            v.row("processes", Host.processes(), procs.size() + ": " + String.join(" ", procs)
                    + " (jns's init, the step's shell and its ps pipeline)");
            v.row("environment", System.getenv().size() + " variables", facts.get("env") + " variables");
            v.row("hostname", Host.read("/proc/sys/kernel/hostname"), facts.get("host"));
            v.row("sources", Files.isWritable(src.resolve("Main.txt")) ? "writable" : "read-only", facts.get("src"));
            v.row("ls /out", list(dest) + " (in OUT)", facts.get("wrote"));
            v.row("/out/MAIN.txt", Files.readString(dest.resolve("MAIN.txt")).strip() + " (OUT/MAIN.txt)",
                    facts.get("content"));
            v.row("exit code", r.exitCode() + " (SpawnResult.exitCode())", "exit 3 (the step's last command)");
            v.note("(the step ends with 'exit 3' to show that its exit code comes back as is: a failing step is the"
                    + " step's result, not a jns error)");
            Outcome slow = sandbox(src, dest).timeout(Duration.ofMillis(500), Duration.ofMillis(500))
                    .run("sleep", "30").outcome();
            v.row("sleep 30, 0.5 s limit", "timeout(0.5 s, grace 0.5 s)", slow.kind() + " (signal " + slow.signal() + ")");
        } finally {
            try (Stream<Path> all = Files.walk(project)) {
                all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static String list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return String.join(" ", s.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }
}
