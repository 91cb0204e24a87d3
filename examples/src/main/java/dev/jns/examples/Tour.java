package dev.jns.examples;

import dev.jns.NamespaceException;
import dev.jns.examples.tour.BuildSandboxStop;
import dev.jns.examples.tour.CgroupStop;
import dev.jns.examples.tour.IpcStop;
import dev.jns.examples.tour.JavaInsideStop;
import dev.jns.examples.tour.ListingStop;
import dev.jns.examples.tour.MountStop;
import dev.jns.examples.tour.NetworkStop;
import dev.jns.examples.tour.PersistenceStop;
import dev.jns.examples.tour.PidStop;
import dev.jns.examples.tour.TimeStop;
import dev.jns.examples.tour.TourSkip;
import dev.jns.examples.tour.TourStop;
import dev.jns.examples.tour.UserStop;
import dev.jns.examples.tour.UtsStop;
import dev.jns.examples.tour.View;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The jns tour: for each part of the namespaces walkthrough (UTS, network, mount, PID, user, IPC, cgroup,
 * time, listing, persistence, Java code inside, a build-step sandbox), what the host sees beside what a namespace
 * sees. It runs as the current user, root or not; what this machine or user cannot do is skipped with the
 * reason. Run it with {@code mvn -q -B -pl examples -am verify -DskipTests -Dtour} (see the README).
 */
public final class Tour {
    private Tour() {
    }

    /**
     * The stops, in the walkthrough's order.
     *
     * @return every stop
     */
    public static List<TourStop> stops() {
        return List.of(new UtsStop(), new NetworkStop(), new MountStop(), new PidStop(), new UserStop(),
                new IpcStop(), new CgroupStop(), new TimeStop(), new ListingStop(), new PersistenceStop(),
                new JavaInsideStop(), new BuildSandboxStop());
    }

    /**
     * Runs every stop; exits 0 when each either ran (whole or in part) or was skipped with a reason, 1 when one
     * failed.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        System.exit(run(System.out));
    }

    /**
     * Runs every stop, printing to {@code out}, then a summary: how many stops ran whole, ran in part (some
     * part skipped), were skipped or failed, with what was skipped and why.
     *
     * @param out where the tour is printed
     * @return the exit code {@link #main} uses
     */
    public static int run(PrintStream out) {
        return run(out, stops());
    }

    /**
     * Runs these stops, printing to {@code out}, then the summary.
     *
     * @param out   where the tour is printed
     * @param stops the stops to run
     * @return the exit code {@link #main} uses
     */
    public static int run(PrintStream out, List<TourStop> stops) {
        out.println("jns tour, as uid " + uid() + ": what the host sees, and what the namespace sees");
        List<String> partly = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<String> failed = new ArrayList<>();
        int n = 0;
        for (TourStop stop : stops) {
            out.println();
            String name = ++n + ". " + stop.title();
            out.println("== " + name + " ==");
            out.println("  $ " + stop.shell());
            View v = new View(out);
            try {
                try {
                    stop.show(v);
                } finally {
                    v.flush();
                }
                v.skips().forEach(why -> partly.add(name + ": " + why));
            } catch (NamespaceException e) {
                skipped.add(name + ": " + TourSkip.reason(e));
                out.println("  skipped: " + TourSkip.reason(e));
                TourSkip.doctor(stop.needs()).ifPresent(why -> out.println("  doctor: " + why));
            } catch (Exception | AssertionError e) {
                failed.add(name + ": " + e);
                out.println("  FAILED: " + e);
            }
        }
        long partlyStops = partly.stream().map(l -> l.substring(0, l.indexOf('.'))).distinct().count();
        out.println();
        out.printf("%d stops: %d ran, %d partly skipped, %d skipped, %d failed%n", n,
                n - partlyStops - skipped.size() - failed.size(), partlyStops, skipped.size(), failed.size());
        partly.forEach(l -> out.println("  partly skipped: " + l));
        skipped.forEach(l -> out.println("  skipped: " + l));
        failed.forEach(l -> out.println("  failed: " + l));
        return failed.isEmpty() ? 0 : 1;
    }

    private static String uid() {
        return new com.sun.security.auth.module.UnixSystem().getUid() + "";
    }
}
