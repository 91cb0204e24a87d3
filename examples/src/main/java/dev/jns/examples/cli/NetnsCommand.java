package dev.jns.examples.cli;

import dev.jns.net.NetNs;
import dev.jns.Namespaces;
import dev.jns.NsHandle;
import dev.jns.NsProcess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code jns netns add|list|exec|delete}: named network namespaces in {@code /run/netns}, as
 * {@code ip netns}, through {@link NetNs}; each works with iproute2's on the same names.
 */
@Command(name = "netns", mixinStandardHelpOptions = true, versionProvider = JnsCli.Version.class,
        description = "Named network namespaces, as ip netns (in /run/netns).",
        subcommands = {NetnsCommand.Add.class, NetnsCommand.ListNames.class, NetnsCommand.Exec.class,
                NetnsCommand.Delete.class})
public final class NetnsCommand implements Callable<Integer> {
    @ParentCommand
    JnsCli cli;

    @Spec
    CommandSpec spec;

    /** Without a subcommand: list, as {@code ip netns}. */
    @Override
    public Integer call() {
        NetNs.list().forEach(spec.commandLine().getOut()::println);
        spec.commandLine().getOut().flush();
        return 0;
    }

    /** {@code jns netns add NAME}. */
    @Command(name = "add", mixinStandardHelpOptions = true, description = "Create a named network namespace (root).")
    static final class Add implements Callable<Integer> {
        @Parameters(paramLabel = "<name>")
        String name;

        @Override
        public Integer call() {
            NetNs.create(name).close();
            return 0;
        }
    }

    /** {@code jns netns list}. */
    @Command(name = "list", aliases = "ls", mixinStandardHelpOptions = true, description = "List the named network namespaces.")
    static final class ListNames implements Callable<Integer> {
        @ParentCommand
        NetnsCommand parent;

        @Override
        public Integer call() {
            return parent.call();
        }
    }

    /** {@code jns netns exec NAME PROGRAM...}: the program's exit status. */
    @Command(name = "exec", mixinStandardHelpOptions = true, description = "Run a program in a named network namespace.")
    static final class Exec implements Callable<Integer> {
        @ParentCommand
        NetnsCommand parent;

        @Parameters(index = "0", paramLabel = "<name>")
        String name;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "<program> [<argument>...]")
        List<String> command = new ArrayList<>();

        @Override
        public Integer call() throws Exception {
            JnsCli cli = parent.cli;
            try (NsHandle net = NetNs.open(name);
                 NsProcess p = Namespaces.spawn().join(net)
                         .redirectInput(cli.in()).redirectOutput(cli.out()).redirectError(cli.err())
                         .start(command.toArray(String[]::new))) {
                p.getOutputStream().close();
                return p.waitFor();
            }
        }
    }

    /** {@code jns netns delete NAME}. */
    @Command(name = "delete", aliases = "del", mixinStandardHelpOptions = true, description = "Delete a named network namespace.")
    static final class Delete implements Callable<Integer> {
        @Parameters(paramLabel = "<name>")
        String name;

        @Override
        public Integer call() {
            NetNs.unpersist(name);
            return 0;
        }
    }
}
