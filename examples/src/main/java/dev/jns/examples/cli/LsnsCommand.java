package dev.jns.examples.cli;

import dev.jns.inspect.NamespaceInfo;
import dev.jns.inspect.NamespaceTree;
import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NamespaceException;
import dev.jns.NsHandle;
import dev.jns.net.Net;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import dev.jns.NamespaceException;
import dev.jns.NsHandle;
import dev.jns.net.Net;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code jns lsns}: lists namespaces as util-linux's {@code lsns} does (columns NS, TYPE, NPROCS, PID, USER,
 * COMMAND, and with {@code -t net} NETNSID and NSFS), from {@link Namespaces#list()}; {@code -J} prints the same JSON, {@code --tree} nests them by
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
        } else {
            // util-linux adds NETNSID and NSFS when -t net is asked for
            LsnsFormat.NetColumns net = types.stream().anyMatch(t -> type(t) == NamespaceType.NET)
                    ? netColumns(rows) : LsnsFormat.NetColumns.NONE;
            if (json) {
                out.println(LsnsFormat.json(rows, r -> List.of(), net));
            } else {
                LsnsFormat.table(out, rows, noHeadings, List.of(), net);
            }
        }
        out.flush();
        // util-linux: exit 1 when the namespace asked for is not there
        return namespace != null && rows.isEmpty() ? JnsCli.EXIT_FAILURE : 0;
    }

    /**
     * NETNSID: the id the caller's network namespace gives each net row's namespace ("unassigned" when none, blank
     * when its namespace cannot be opened, as lsns); NSFS: the nsfs mount points of each namespace, from
     * /proc/self/mountinfo.
     */
    private static LsnsFormat.NetColumns netColumns(List<NamespaceInfo> rows) {
        Map<String, Set<String>> nsfs = nsfsMounts(Path.of("/proc/self/mountinfo"));
        Map<Long, String> ids = new HashMap<>();
        try (Net here = Net.current()) {
            for (NamespaceInfo r : rows) {
                if (r.type() == NamespaceType.NET) {
                    ids.put(r.inode(), netnsid(here, r));
                }
            }
        }
        return r -> new LsnsFormat.Net(r.type() == NamespaceType.NET ? ids.getOrDefault(r.inode(), "") : "",
                List.copyOf(nsfs.getOrDefault(r.type().procName() + ":[" + r.inode() + "]", Set.of())));
    }

    private static String netnsid(Net here, NamespaceInfo r) {
        try (NsHandle h = r.pid() != 0 ? Namespaces.of(r.pid(), NamespaceType.NET)
                : Namespaces.open(r.path().orElseThrow(), NamespaceType.NET)) {
            OptionalInt id = here.idOf(h);
            return id.isPresent() ? Integer.toString(id.getAsInt()) : "unassigned";
        } catch (NamespaceException | java.util.NoSuchElementException e) {
            return ""; // gone, or not open to this user: lsns leaves it blank too
        }
    }

    /**
     * The mount points of nsfs mounts by the namespace they hold ({@code "net:[4026532300]"}, the mount's root),
     * from a mountinfo file, in its order, each once.
     */
    static Map<String, Set<String>> nsfsMounts(Path mountinfo) {
        Map<String, Set<String>> out = new HashMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(mountinfo);
        } catch (IOException e) {
            return out;
        }
        for (String line : lines) {
            int dash = line.indexOf(" - ");
            String[] f = line.split(" ");
            if (dash < 0 || f.length < 5 || !line.substring(dash + 3).startsWith("nsfs ")) {
                continue;
            }
            out.computeIfAbsent(unescape(f[3]), k -> new LinkedHashSet<>()).add(unescape(f[4]));
        }
        return out;
    }

    /** mountinfo's octal escapes (a space is backslash 040). */
    private static String unescape(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length() && s.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                sb.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static NamespaceType type(String name) {
        try {
            return NamespaceType.ofProcName(name.toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CliException("unknown namespace type: " + name);
        }
    }
}
