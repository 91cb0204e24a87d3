package dev.jns.examples.tour;

import dev.jns.net.NetNs;
import dev.jns.examples.Tour;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Each tour stop's key claim, as whoever runs the tests (root, or a non-root user). */
abstract class TourContract {
    final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    String printed() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    @Test
    void utsHostnameDiffers() throws Exception {
        View v = new UtsStop().run(out);
        assertThat(v.namespace("hostname")).isEqualTo(UtsStop.HOSTNAME).isNotEqualTo(v.host("hostname"));
        assertThat(v.namespace("/proc/self/ns/uts")).startsWith("uts:[").isNotEqualTo(v.host("/proc/self/ns/uts"));
    }

    @Test
    void networkHasOnlyLoopbackAndAVethCarriesTcp() throws Exception {
        View v = new NetworkStop().run(out);
        assertThat(v.namespace("interfaces")).isEqualTo("lo");
        assertThat(v.host("interfaces")).contains("lo");
        assertThat(v.namespace("after ip link add")).contains("veth0@veth1", "veth1@veth0");
        assertThat(v.host("after ip link add")).doesNotContain("veth0@veth1");
        if (v.has("tcp 10.200.1.2:7007")) {
            assertThat(v.namespace("tcp 10.200.1.2:7007")).startsWith("echo: hello (from /10.200.1.1:");
        } else {
            assertThat(printed()).contains("veth: skipped:");
        }
        if (Host.root()) {
            assertThat(v.host("ip netns")).contains(NetworkStop.NAME);
            assertThat(v.namespace("ip netns exec")).isEqualTo("lo");
            assertThat(NetNs.list()).doesNotContain(NetworkStop.NAME);
        } else {
            assertThat(printed()).contains("named netns: skipped:");
        }
    }

    @Test
    void mountIsInvisibleOutside() throws Exception {
        View v = new MountStop().run(out);
        assertThat(v.namespace("ls DIR")).isEqualTo("inside");
        assertThat(v.host("ls DIR")).isEqualTo("(empty)");
        assertThat(v.namespace("tmpfs mounts")).isEqualTo("1");
        assertThat(v.host("tmpfs mounts")).isEqualTo("0");
    }

    @Test
    void pidNamespaceHasItsOwnInitAndPs() throws Exception {
        View v = new PidStop().run(out);
        assertThat(v.namespace("pid of init")).isEqualTo("1");
        assertThat(v.namespace("$$")).isEqualTo("2");
        int inside = Integer.parseInt(v.namespace("ps -e").split(" ")[0]);
        int host = Integer.parseInt(v.host("ps -e").split(" ")[0]);
        assertThat(inside).isBetween(2, 8).isLessThan(host);
        // the count is of the processes listed, and both host rows show the one count
        String listed = v.namespace("ps -e").substring(v.namespace("ps -e").indexOf(": ") + 2);
        assertThat(listed.split("; ")).hasSize(inside).anyMatch(p -> p.startsWith("1 ")).anyMatch(p -> p.endsWith(" ps"));
        assertThat(v.host("/proc (no remount)")).isEqualTo(v.host("ps -e"));
        assertThat(printed()).contains("ps: the listing itself");
    }

    @Test
    void uidZeroInsideIsTheCallerOutside() throws Exception {
        View v = new UserStop().run(out);
        assertThat(v.namespace("id -u")).isEqualTo("0");
        assertThat(v.host("id -u")).startsWith(Long.toString(Host.uid()));
        assertThat(v.namespace("uid_map")).startsWith("0 " + Host.uid() + " 1");
        assertThat(v.namespace("id -u (no map)")).startsWith("65534");
    }

    @Test
    void ipcQueueIsInvisibleOutside() throws Exception {
        View v = new IpcStop().run(out);
        assertThat(v.namespace("the new queue")).isEqualTo("present");
        assertThat(v.host("the new queue")).isEqualTo("absent");
    }

    @Test
    void cgroupViewIsRootedAtTheNamespace() throws Exception {
        View v = new CgroupStop().run(out);
        assertThat(v.namespace("all roots '/'")).isEqualTo("true");
    }

    @Test
    void uptimeIsOffset() throws Exception {
        View v = new TimeStop().run(out);
        double host = Double.parseDouble(v.host("uptime seconds"));
        double inside = Double.parseDouble(v.namespace("uptime seconds"));
        assertThat(inside - host).isBetween(TimeStop.OFFSET.toSeconds() - 30.0, TimeStop.OFFSET.toSeconds() + 30.0);
    }

    @Test
    void listingShowsTheNewNamespace() throws Exception {
        View v = new ListingStop().run(out);
        // the count of uts namespaces depends on everything else running on the host: shown, not compared
        assertThat(Integer.parseInt(v.namespace("uts namespaces").split(" ")[0])).isPositive();
        assertThat(v.namespace("NPROCS")).isEqualTo("1");
        assertThat(v.namespace("COMMAND")).isEqualTo("sh -c read x");
    }

    @Test
    void aKeptNamespaceIsJoinedLater() throws Exception {
        View v = new PersistenceStop().run(out);
        assertThat(v.namespace("hostname (handle)")).startsWith(PersistenceStop.HOSTNAME + " ");
        if (Host.root()) {
            assertThat(v.namespace("hostname (file)")).startsWith(PersistenceStop.HOSTNAME + " ");
        } else {
            assertThat(printed()).contains("persist to a file: skipped: bind mount");
            assertThat(v.skips()).singleElement().asString().startsWith("persist to a file: bind mount");
        }
    }

    @Test
    void javaCodeRunsInsideAsRoot() throws Exception {
        assumeTrue(Host.root(), "a JVM thread can enter a sandbox's namespaces only with CAP_SYS_ADMIN over them (root)");
        View v = new JavaInsideStop().run(out);
        assertThat(v.namespace("net/dev")).isEqualTo("lo");
        assertThat(v.namespace("NetworkInterface lo")).isEqualTo("up"); // jns brings lo up in a new netns
        assertThat(v.namespace("/proc/sys/.../hostname")).isEqualTo(JavaInsideStop.HOSTNAME);
        assertThat(v.host("/proc/sys/.../hostname")).isNotEqualTo(JavaInsideStop.HOSTNAME);
    }

    @Test
    void buildStepIsSandboxed() throws Exception {
        View v = new BuildSandboxStop().run(out);
        assertThat(v.namespace("uid")).isEqualTo(Long.toString(Host.uid()));
        assertThat(v.namespace("network links")).isEqualTo("lo");
        assertThat(v.namespace("sources")).isEqualTo("read-only");
        // the file's content on both sides, its name on both sides, not one of each
        assertThat(v.host("/out/MAIN.txt")).startsWith("HELLO FROM THE SOURCES");
        assertThat(v.namespace("/out/MAIN.txt")).isEqualTo("HELLO FROM THE SOURCES");
        assertThat(v.host("ls /out")).startsWith("MAIN.txt");
        assertThat(v.namespace("ls /out")).isEqualTo("MAIN.txt");
        // the exit code is the step's own, and the tour says so
        assertThat(v.host("exit code")).startsWith("3 ");
        assertThat(v.namespace("exit code")).startsWith("exit 3");
        assertThat(printed()).contains("ends with 'exit 3'");
        String procs = v.namespace("processes");
        assertThat(procs.substring(procs.indexOf(": ") + 2, procs.indexOf(" (")).split(" "))
                .hasSize(Integer.parseInt(procs.substring(0, procs.indexOf(':'))));
        assertThat(v.namespace("ls /")).doesNotContain("home", "root", "etc");
        assertThat(v.namespace("sleep 30, 0.5 s limit")).startsWith("TIMED_OUT");
    }

    @Test
    void theWholeTourExitsZero() {
        int code = Tour.run(out);
        assertThat(code).as(printed()).isZero();
        assertThat(printed()).contains(Tour.stops().size() + " stops: ").contains(" 0 failed");
        if (!Host.root()) {
            // persistence to a file and the named netns need root: those stops ran in part, and say why
            assertThat(printed()).doesNotContain(" 0 partly skipped")
                    .contains("  partly skipped: 10. persistence and joining: keep a namespace, join it later: persist to a file: ");
        }
    }
}
