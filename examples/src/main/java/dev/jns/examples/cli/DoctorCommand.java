package dev.jns.examples.cli;

import dev.jns.doctor.DoctorReport;
import dev.jns.Namespaces;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code jns doctor}: for each namespace type, as this user and (when root) as an unprivileged user, whether
 * a real attempt works, and if not the cause and the fix; from {@link Namespaces#doctor()}.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true, versionProvider = JnsCli.Version.class,
        description = "What works here, and for what does not: the cause and the fix.",
        footer = {"", "Exit status: 0 when every namespace type works for this user, 1 otherwise."})
public final class DoctorCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--json", description = "print the report as JSON")
    boolean json;

    @Override
    public Integer call() {
        DoctorReport r = Namespaces.doctor();
        PrintWriter out = spec.commandLine().getOut();
        out.println(json ? r.toJson() : r.toString().stripTrailing());
        out.flush();
        boolean all = r.probes(false).stream().allMatch(p -> p.works());
        return all ? 0 : JnsCli.EXIT_FAILURE;
    }
}
