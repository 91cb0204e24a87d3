package dev.jns.examples.tour;

import dev.jns.NamespaceType;
import dev.jns.Namespaces;

import java.time.Duration;
import java.util.Set;

/**
 * Time namespace (Linux 5.6+): CLOCK_MONOTONIC and CLOCK_BOOTTIME with an offset; {@code /proc/uptime}
 * reads the boot time clock, so the sandbox sees a machine that has been up a week longer.
 */
public final class TimeStop implements TourStop {
    /** The offset given to both clocks. */
    public static final Duration OFFSET = Duration.ofDays(7);

    @Override
    public String title() {
        return "time namespace: an offset /proc/uptime";
    }

    @Override
    public String shell() {
        return "unshare --time --monotonic " + OFFSET.toSeconds() + " --boottime " + OFFSET.toSeconds()
                + " --map-root-user cat /proc/uptime";
    }

    @Override
    public Set<NamespaceType> needs() {
        return Set.of(NamespaceType.TIME);
    }

    @Override
    public void show(View v) {
        String inside = Host.ok(Namespaces.spawn().timeOffsets(OFFSET, OFFSET).run("cat", "/proc/uptime"));
        String host = Host.read("/proc/uptime");
        v.row("uptime seconds", first(host), first(inside));
        v.row("uptime", human(first(host)), human(first(inside)));
    }

    private static String first(String uptime) {
        return uptime.split("\\s+")[0];
    }

    private static String human(String seconds) {
        Duration d = Duration.ofMillis((long) (Double.parseDouble(seconds) * 1000));
        return String.format("%dd %02dh %02dm", d.toDays(), d.toHoursPart(), d.toMinutesPart());
    }
}
