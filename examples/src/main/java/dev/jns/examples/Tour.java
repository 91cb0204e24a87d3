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

import java.io.PrintStream;
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
     * Runs every stop; exits 0 when each either ran or was skipped with a reason, 1 when one failed.
     *
     * @param args ignored
     */
    public static void main(String[] args) {
        System.exit(run(System.out));
    }

    /**
     * Runs every stop, printing to {@code out}.
     *
     * @param out where the tour is printed
     * @return the exit code {@link #main} uses
     */
    public static int run(PrintStream out) {
        out.println("jns tour, as uid " + uid() + ": what the host sees, and what the namespace sees");
        int failed = 0;
        int skipped = 0;
        int n = 0;
        for (TourStop stop : stops()) {
            out.println();
            out.println("== " + ++n + ". " + stop.title() + " ==");
            out.println("  $ " + stop.shell());
            try {
                stop.run(out);
            } catch (NamespaceException e) {
                skipped++;
                out.println("  skipped: " + TourSkip.reason(e));
                TourSkip.doctor(stop.needs()).ifPresent(why -> out.println("  doctor: " + why));
            } catch (Exception | AssertionError e) {
                failed++;
                out.println("  FAILED: " + e);
            }
        }
        out.println();
        out.printf("%d stops: %d ran, %d skipped, %d failed%n", n, n - skipped - failed, skipped, failed);
        return failed == 0 ? 0 : 1;
    }

    private static String uid() {
        return new com.sun.security.auth.module.UnixSystem().getUid() + "";
    }
}
