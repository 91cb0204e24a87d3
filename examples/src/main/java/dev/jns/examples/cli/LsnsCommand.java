package dev.jns.examples.cli;

import dev.jns.inspect.NamespaceInfo;
import dev.jns.inspect.NamespaceTree;
import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code jns lsns}: lists namespaces as util-linux's {@code lsns} does (columns NS, TYPE, NPROCS, PID, USER,
 * COMMAND), from {@link Namespaces#list()}; {@code -J} prints the same JSON, {@code --tree} nests them by
 * owner (the default) or parent.
 */
@Command(name = "lsns", mixinStandardHelpOptions = true, versionProvider = JnsCli.Version.class,
        description = "List system namespaces.")
public final class LsnsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    JnsCli parent;

    @Option(names = {"-t", "--type"}, paramLabel = "<name>", description = "namespace type (mnt, net, ipc, user, pid, uts, cgroup, time)")
    List<String> types = new ArrayList<>();

    @Option(names = {"-p", "--task"}, paramLabel = "<pid>", description = "print process namespaces")
    Long task;

    @Option(names = {"-J", "--json"}, description = "use JSON output format")
    boolean json;

    @Option(names = {"-n", "--noheadings"}, description = "don't print headings")
    boolean noHeadings;

    @Option(names = {"-u", "--notruncate"}, description = "don't truncate text in columns (jns never does)")
    boolean noTruncate;

    @Option(names = "-T", description = "use tree format (by owner)")
    boolean tree;

    @Option(names = "--tree", arity = "0..1", paramLabel = "owner|parent", preprocessor = AttachedValue.class,
            description = "use tree format: --tree=owner (default) or --tree=parent")
    String treeOption;

    @Parameters(arity = "0..1", paramLabel = "<namespace>", description = "a namespace's inode number")
    Long namespace;

    @Override
    public Integer call() {
        List<NamespaceInfo> all = Namespaces.list();
        List<NamespaceInfo> rows = task != null ? Namespaces.listOf(task) : all;
        if (!types.isEmpty()) {
            List<NamespaceType> ts = types.stream().map(LsnsCommand::type).toList();
            rows = rows.stream().filter(i -> ts.contains(i.type())).toList();
        }
        if (namespace != null) {
            rows = rows.stream().filter(i -> i.inode() == namespace).toList();
        }
        rows = rows.stream().sorted(Comparator.comparingLong(NamespaceInfo::inode)).toList();
        PrintWriter out = spec.commandLine().getOut();
        if (tree || treeOption != null) {
            String rel = AttachedValue.value(treeOption) == null ? "owner" : treeOption;
            if (!rel.equals("owner") && !rel.equals("parent")) {
                throw new CliException("--tree: unsupported relation '" + rel + "' (owner or parent)");
            }
            new LsnsTree(new NamespaceTree(all), rows, rel.equals("owner"), parent.unicodeLines())
                    .print(out, json, noHeadings);
        } else if (json) {
            out.println(LsnsFormat.json(rows, r -> List.of()));
        } else {
            LsnsFormat.table(out, rows, noHeadings, List.of());
        }
        out.flush();
        // util-linux: exit 1 when the namespace asked for is not there
        return namespace != null && rows.isEmpty() ? JnsCli.EXIT_FAILURE : 0;
    }

    private static NamespaceType type(String name) {
        try {
            return NamespaceType.ofProcName(name.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CliException("unknown namespace type: " + name);
        }
    }
}
