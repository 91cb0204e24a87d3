package dev.jns.linux.reliability;

import dev.jns.Namespaces;
import dev.jns.Spawn;
import dev.jns.SpawnResult;
import dev.jns.linux.testing.LeakCheck;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The long soak: {@code jns.soak.spawns} (default 10,000) sequential spawns with mixed namespace sets, and
 * the gauges before and after. Not a default test (its name does not end in Test); run it with the
 * command in RELIABILITY.md:
 * <pre>
 * mvn -q -B -o -pl jns-linux -am verify -Dtest=SoakMain -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Djns.soak.spawns=10000 -DargLine=-XX:NativeMemoryTracking=summary
 * </pre>
 * CI's 2,000-spawn version is {@code dev.jns.linux.spawn.SoakTest}. Growth of fds, threads, children, zombies
 * and mounts must be zero; heap and native memory bounded.
 */
class SoakMain {
    static final int SPAWNS = Integer.getInteger("jns.soak.spawns", 10_000);

    @Test
    void soak() throws InterruptedException {
        for (int i = 0; i < 100; i++) {
            spawn(i);
        }
        Gauges.read(); // the first jcmd attach starts the JVM's attach listener (a thread and a socket)
        LeakCheck leaks = LeakCheck.start(); // before the gauges: its class opens the JDK's lifelong fds
        Gauges before = Gauges.read();
        long t0 = System.nanoTime();
        for (int i = 0; i < SPAWNS; i++) {
            SpawnResult r = spawn(i);
            assertThat(r.exitCode()).as("spawn %d: %s", i, r.stderr()).isEqualTo(i % 7);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        leaks.assertNoLeaks();
        Gauges after = Gauges.read();
        System.out.printf("soak: %d spawns in %d ms (%.2f ms/spawn); %s%n", SPAWNS, ms, (double) ms / SPAWNS,
                after.growthSince(before));
        assertThat(after.fds()).as("fds").isLessThanOrEqualTo(before.fds());
        assertThat(after.children()).as("children").isLessThanOrEqualTo(before.children());
        assertThat(after.zombies()).as("zombies").isZero();
        assertThat(after.mounts()).as("mounts").isLessThanOrEqualTo(before.mounts());
        // run() uses only the caller's thread; pools of the JDK (common pool) idle out: wait, then the growth must be zero
        long idleDeadline = System.nanoTime() + 75_000_000_000L;
        int threads = after.threads();
        while (threads > before.threads() && System.nanoTime() < idleDeadline) {
            Thread.sleep(1000);
            threads = Gauges.read().threads();
        }
        System.out.printf("soak: threads %d before, %d right after, %d after the pools' idle timeout%n",
                before.threads(), after.threads(), threads);
        assertThat(threads).as("threads after the pools' idle timeout").isLessThanOrEqualTo(before.threads());
        assertThat(after.heapKb() - before.heapKb()).as("heap growth after GC (KiB)").isLessThan(32 * 1024);
        assertThat(after.rssKb() - before.rssKb()).as("RSS growth (KiB)").isLessThan(128 * 1024);
        if (before.nmtKb() >= 0) {
            assertThat(after.nmtKb() - before.nmtKb()).as("NMT committed growth (KiB)").isLessThan(64 * 1024);
        }
    }

    static SpawnResult spawn(int i) {
        Spawn s = Namespaces.spawn();
        switch (i % 5) {
            case 0 -> s.newUser().mapRootUser().newPid().newMount().mountProc();
            case 1 -> s.newNet().newUts();
            case 2 -> s.newUser().mapRootUser().newTime();
            case 3 -> s.newIpc().newCgroup();
            default -> { }
        }
        return s.run("/bin/sh", "-c", "exit " + (i % 7));
    }
}
