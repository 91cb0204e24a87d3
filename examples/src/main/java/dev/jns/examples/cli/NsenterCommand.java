package dev.jns.examples.cli;

import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsHandle;
import dev.jns.NsProcess;
import dev.jns.Spawn;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code jns nsenter}: runs a program in the namespaces of another process or of namespace files, as
 * util-linux's {@code nsenter}, through {@link dev.jns.Spawn#join(NsHandle)}. jns always forks, and never
 * changes the uid or gid (as {@code --preserve-credentials}).
 */
@Command(name = "nsenter", mixinStandardHelpOptions = true, versionProvider = JnsCli.Version.class,
        description = "Run a program with namespaces of other processes.",
        footer = {"", "Exit status: the program's (128+N when signal N ended it); 1 for errors of jns itself."})
public final class NsenterCommand implements Callable<Integer> {
    @ParentCommand
    JnsCli cli;

    @Mixin
    NamespaceOptions types;

    @Option(names = {"-t", "--target"}, paramLabel = "<pid>", description = "target process to get namespaces from")
    Long target;

    @Option(names = {"-a", "--all"}, description = "enter all namespaces of the target that differ from ours")
    boolean all;

    @Option(names = {"-w", "--wd"}, paramLabel = "<dir>", description = "set the working directory")
    Path wd;

    @Option(names = "--preserve-credentials", description = "do not touch uids or gids (what jns always does)")
    boolean preserveCredentials;

    @Option(names = "--explain", description = "print the equivalent nsenter command instead of running")
    boolean explain;

    @Parameters(paramLabel = "<program> [<argument>...]", description = "default: $SHELL, or /bin/sh")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
        Map<NamespaceType, Optional<Path>> sel = types.selected();
        if (all) {
            if (target == null) {
                throw new CliException("no target PID specified for --all");
            }
            for (NamespaceType t : NamespaceType.values()) {
                if (!sel.containsKey(t) && differs(t)) {
                    sel.put(t, Optional.empty());
                }
            }
        }
        // --all of a process whose namespaces are all ours enters none and runs the program here, as util-linux
        if (sel.isEmpty() && !all) {
            throw new CliException("no namespace specified (give a type such as --net, or --all with --target)");
        }
        for (Map.Entry<NamespaceType, Optional<Path>> e : sel.entrySet()) {
            if (e.getValue().isEmpty() && target == null) {
                throw new CliException("neither filename nor target pid supplied for ns/" + e.getKey().procName());
            }
        }
        List<String> cmd = UnshareCommand.program(command);
        if (explain) {
            PrintExplanation.nsenter(cli.spec.commandLine().getOut(), target, all, sel, wd, cmd);
            return 0;
        }
        Map<NamespaceType, NsHandle> handles = new EnumMap<>(NamespaceType.class);
        try {
            for (Map.Entry<NamespaceType, Optional<Path>> e : sel.entrySet()) {
                handles.put(e.getKey(), e.getValue().isPresent()
                        ? Namespaces.open(e.getValue().get(), e.getKey())
                        : Namespaces.of(target, e.getKey()));
            }
            Spawn s = Namespaces.spawn();
            handles.values().forEach(s::join);
            if (wd != null) {
                s.directory(wd);
            }
            s.redirectInput(cli.in()).redirectOutput(cli.out()).redirectError(cli.err());
            try (NsProcess p = s.start(cmd.toArray(String[]::new))) {
                p.getOutputStream().close();
                return p.waitFor();
            }
        } finally {
            handles.values().forEach(NsHandle::close);
        }
    }

    /** Whether the target's namespace of {@code t} is not ours (util-linux's --all skips those that are). */
    private boolean differs(NamespaceType t) {
        try (NsHandle theirs = Namespaces.of(target, t); NsHandle ours = Namespaces.current(t)) {
            return !theirs.equals(ours);
        } catch (dev.jns.NamespaceException e) {
            if (e.errno() == dev.jns.Errno.ENOENT) {
                return false; // a type this kernel does not have (time before 5.6)
            }
            throw e;
        }
    }
}
