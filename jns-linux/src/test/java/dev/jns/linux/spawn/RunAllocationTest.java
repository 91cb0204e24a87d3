package dev.jns.linux.spawn;

import dev.jns.Namespaces;
import dev.jns.SpawnResult;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code Spawn.run} works on the calling thread alone, so what that thread allocates is what a run costs the
 * heap. Not a timing: a count of bytes, with a bound twice the measured figure (about 14 KiB per run of
 * {@code /bin/true} without namespaces, JDK 17, after warm-up; 21 KiB before the NSIDS parser, the spec encoder,
 * the status reader and the spawn's description stopped making garbage) and far below what a per-run copy of the
 * output buffer and the JVM's environment cost before (116 KiB). Issue 17 asks for less than 16 KiB; the
 * benchmark prints the figure.
 */
class RunAllocationTest {
    private static final long BOUND = 32 * 1024;

    @Test
    void aRunAllocatesLessThanItsOutputBufferOnTheCallingThread() {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        org.junit.jupiter.api.Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported()
                && threads.isThreadAllocatedMemoryEnabled(), "this JVM does not count allocation per thread");
        for (int i = 0; i < 50; i++) {
            run();
        }
        int runs = 50;
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < runs; i++) {
            run();
        }
        long perRun = (threads.getCurrentThreadAllocatedBytes() - before) / runs;
        assertThat(perRun).as("bytes allocated per run() on the calling thread").isLessThan(BOUND);
    }

    private static void run() {
        SpawnResult r = Namespaces.spawn().run("/bin/true");
        assertThat(r.exitCode()).isZero();
    }
}
