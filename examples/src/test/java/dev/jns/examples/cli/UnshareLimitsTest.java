package dev.jns.examples.cli;

import dev.jns.Namespaces;
import dev.jns.doctor.CgroupFacts;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@code jns unshare --memory --pids --cpus}: cgroup limits from the command line. */
class UnshareLimitsTest {
    @Test
    void aMemoryHogIsKilledByTheOomKillerAndTheCliSaysSo() {
        CgroupFacts c = Namespaces.doctor().facts().cgroups();
        assumeTrue(c.delegated() && c.available("memory") && c.available("pids") && c.available("cpu"),
                "cgroup limits are not available to this user here: " + c.describe());
        Cli.Result r = Cli.jns("unshare", "--pid", "--fork", "--memory", "64M", "--pids", "100", "--cpus", "1.5",
                "tail", "/dev/zero");
        assertThat(r.code()).isEqualTo(137);
        assertThat(r.err()).contains("jns: tail: killed by the OOM killer (memory limit 64 MiB)");
        Cli.Result ok = Cli.jns("unshare", "--memory", "64M", "echo", "fine");
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out()).endsWith("fine\n");
    }

    @Test
    void aBadSizeNamesTheOption() {
        Cli.Result r = Cli.jns("unshare", "--memory", "lots", "true");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err()).contains("--memory").contains("\"lots\" is not a size");
        Cli.Result zero = Cli.jns("unshare", "--pids", "0", "true");
        assertThat(zero.code()).isEqualTo(1);
        assertThat(zero.err()).contains("limits.pids");
    }
}
