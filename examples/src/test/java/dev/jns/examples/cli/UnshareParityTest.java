package dev.jns.examples.cli;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code jns unshare} behaves as util-linux's {@code unshare} on the walkthrough's examples: same output and
 * exit status for the same options. Where jns differs by design it is said here: with --pid, jns runs the
 * program under its own init, so the program is PID 2, not 1 (an init that reaps and forwards signals).
 */
class UnshareParityTest {
    private static void same(String... args) {
        String[] u = new String[args.length + 1];
        u[0] = "unshare";
        System.arraycopy(args, 0, u, 1, args.length);
        String[] j = new String[args.length + 1];
        j[0] = "unshare";
        System.arraycopy(args, 0, j, 1, args.length);
        Cli.Result theirs = Cli.exec(u);
        Cli.Result ours = Cli.jns(j);
        assertThat(ours.code()).as("exit status of %s; util-linux said %s, jns said %s", String.join(" ", args),
                theirs.err(), ours.err()).isEqualTo(theirs.code());
        assertThat(ours.out()).as("output of %s", String.join(" ", args)).isEqualTo(theirs.out());
    }

    private static void assumeUnshare() {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/unshare")), "util-linux's unshare is not installed");
    }

    @Test
    void userNamespaceExamples() {
        assumeUnshare();
        same("--user", "id", "-u");                                      // 65534: nothing mapped
        same("--user", "--map-root-user", "id", "-u");                   // 0
        same("--user", "--map-root-user", "sh", "-c", "cat /proc/self/uid_map | tr -s ' '");
        same("--map-user=1234", "--map-group=1234", "id");
        same("-r", "sh", "-c", "exit 7");
        same("-r", "no-such-program-jns");
    }

    @Test
    void namespaceExamplesRootless() {
        assumeUnshare();
        same("-r", "--uts", "sh", "-c", "hostname utsnamespace; uname -n");
        same("-r", "--net", "sh", "-c", "ip -o link | cut -d'>' -f1");          // lo down, as util-linux's
        same("-r", "--ipc", "sh", "-c", "ipcs -q | tail -n +4");
        same("-r", "--cgroup", "cat", "/proc/self/cgroup");
        same("-r", "--mount", "sh", "-c", "mount -t tmpfs none /mnt && echo mounted");
        same("-r", "--pid", "--fork", "--mount-proc", "sh", "-c", "ps -e -o comm= | grep -c '^ps$'");
        same("-r", "--time", "--boottime", "86400", "sh", "-c", "cut -d. -f1 /proc/uptime | awk '{print int($1/86400)}'");
    }

    /** This user's first range in {@code file} ({start, count}), or null: looked up by name, as util-linux does. */
    static long[] subordinateRange(String file) {
        try {
            for (String line : Files.readAllLines(Path.of(file))) {
                String[] f = line.strip().split(":");
                if (f.length == 3 && f[0].equals(System.getProperty("user.name"))) {
                    return new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])};
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            return null;
        }
        return null;
    }

    @Test
    void subordinateRangesAsUtilLinuxMapsThem() {
        assumeUnshare();
        assumeTrue(!Cli.root() && subordinateRange("/etc/subuid") != null && subordinateRange("/etc/subgid") != null,
                "needs a user other than root with /etc/subuid and /etc/subgid ranges (CI: jnsci, from .ci/setup); "
                        + "util-linux 2.38 takes a root without one for the user of the file's first line");
        String maps = "cat /proc/self/uid_map /proc/self/gid_map | tr -s ' '";
        same("--map-auto", "sh", "-c", maps + "; id -u");                         // 0 START COUNT; 65534
        same("--map-auto", "--map-root-user", "sh", "-c", maps + "; id -u; id -g"); // 0 UID 1, 1 START COUNT-1
        same("--map-auto", "--map-current-user", "sh", "-c", maps + "; id -u");     // split around UID
        same("--map-users=auto", "--map-groups=auto", "sh", "-c", maps);
        // --map-subids is util-linux 2.39's (this machine's is older): the range to itself
        long[] r = subordinateRange("/etc/subuid");
        Cli.Result own = Cli.jns("unshare", "--map-subids", "sh", "-c", "cat /proc/self/uid_map | tr -s ' '");
        assertThat(own.code()).as(own.err()).isZero();
        assertThat(own.out().strip()).isEqualTo(r[0] + " " + r[0] + " " + r[1]);
    }

    @Test
    void aUserWithoutRangesIsToldWhatIsMissing() {
        assumeTrue(subordinateRange("/etc/subuid") == null, "this user has an /etc/subuid range");
        Cli.Result r = Cli.jns("unshare", "--map-auto", "true");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("no line for user").contains("/etc/subuid").contains("usermod --add-subuids");
    }

    @Test
    void namespaceExamplesAsRoot() {
        assumeUnshare();
        assumeTrue(Cli.root(), "util-linux's unshare needs root for these (without --user)");
        same("-u", "sh", "-c", "hostname utsnamespace; uname -n");
        same("-n", "sh", "-c", "ip -o link | cut -d'>' -f1");
        same("-m", "sh", "-c", "mount -t tmpfs none /mnt && grep -c ' /mnt tmpfs' /proc/self/mounts");
        same("-p", "--fork", "--mount-proc", "sh", "-c", "ps -e -o comm= | grep -c '^ps$'");
        same("--bogus-option");
    }
}
