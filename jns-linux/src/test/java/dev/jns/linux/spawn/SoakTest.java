package dev.jns.linux.spawn;

import dev.jns.Namespaces;
import dev.jns.SpawnResult;
import dev.jns.linux.testing.LeakCheck;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 2,000 sequential spawns with mixed namespace sets (CI's version of the 10,000-spawn soak
 * {@code dev.jns.linux.reliability.SoakMain}, see RELIABILITY.md): no fd, thread, child or mount may remain, and memory stays
 * bounded.
 */
class SoakTest {
    private static final int SPAWNS = Integer.getInteger("jns.soak.spawns", 2000);

    @Test
    void twoThousandSpawnsLeakNothing() throws Exception {
        // warm up, so that the one-time launcher memfd, lifeline and thread pools are not counted
        for (int i = 0; i < 50; i++) {
            spawn(i);
        }
        System.gc();
        long heapBefore = usedHeap();
        long rssBefore = rssKb();
        int threadsBefore = Thread.activeCount();
        LeakCheck leaks = LeakCheck.start();
        for (int i = 0; i < SPAWNS; i++) {
            SpawnResult r = spawn(i);
            assertThat(r.exitCode()).as("spawn %d: %s", i, r.stderr()).isEqualTo(i % 7);
        }
        leaks.assertNoLeaks();
        System.gc();
        long heapGrowth = usedHeap() - heapBefore;
        long rssGrowthKb = rssKb() - rssBefore;
        System.out.printf("soak: %d spawns, heap growth %d KiB, RSS growth %d KiB, threads %d -> %d%n", SPAWNS,
                heapGrowth / 1024, rssGrowthKb, threadsBefore, Thread.activeCount());
        assertThat(heapGrowth).as("heap growth after GC").isLessThan(32L << 20);
        assertThat(rssGrowthKb).as("RSS growth (KiB)").isLessThan(128 * 1024);
        // pool threads idle out after 60 s; what matters is that they do not grow with the number of spawns
        assertThat(Thread.activeCount()).isLessThan(threadsBefore + 8);
    }

    private static SpawnResult spawn(int i) {
        var s = Namespaces.spawn();
        switch (i % 4) {
            case 0 -> s.newUser().mapRootUser().newPid().mountProc().newUts().newIpc();
            case 1 -> s.newNet().newUts();
            case 2 -> s.newUser().mapRootUser().newTime();
            default -> { }
        }
        return s.run("/bin/sh", "-c", "exit " + (i % 7));
    }

    private static long usedHeap() {
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return heap.getUsed();
    }

    private static long rssKb() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }
}
