package dev.jns.linux.spawn;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Once the JVM shuts down, the reaper's epoll_wait(2) no longer blocks and it waits asleep in Java instead: HotSpot's
 * exit waits, in rounds of 10 ms and up to 300 ms, for every thread that is in a native call, and a reaper blocked
 * in poll(2) without a timeout kept every JVM that used {@code Spawn.start()} that long (one that polled in slices of
 * 5 ms, a round or two). Read from the kernel: the system call the reaper thread is in, with epoll_wait(2)'s timeout
 * argument ({@code /proc/self/task/TID/syscall}), before and after the shutdown hook's switch.
 */
class ReaperExitTest {
    /** epoll_wait(2) on x86-64, and the field of /proc/TID/syscall with its timeout (the number, then the arguments). */
    private static final String EPOLL_WAIT_X86_64 = "232";
    private static final int TIMEOUT_FIELD = 4;

    @Test
    void afterTheShutdownHookTheReaperNeverBlocksInPoll() throws Exception {
        assumeTrue("amd64".equals(System.getProperty("os.arch")),
                "reads the x86-64 epoll_wait(2) arguments from /proc/self/task/TID/syscall (arm64 has only epoll_pwait)");
        Reaper reaper = Reaper.instance();
        Path task = reaperTask();
        assertThat(awaitPollTimeout(task, -1)).as("the reaper's poll timeout while the JVM runs").isEqualTo(-1);
        try {
            reaper.exiting(true);
            // the switch is seen once the reaper is no longer in epoll_wait(2) with no timeout ...
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (pollTimeout(task) == -1 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            // ... and from then on, over 500 looks, it is never in an epoll_wait(2) that blocks, and mostly elsewhere
            int inPoll = 0;
            int elsewhere = 0;
            for (int i = 0; i < 500; i++) {
                long timeout = pollTimeout(task);
                if (timeout == Long.MIN_VALUE) {
                    elsewhere++;
                } else {
                    assertThat(timeout).as("the timeout of an epoll_wait(2) of the reaper once the JVM shuts down").isZero();
                    inPoll++;
                }
                Thread.sleep(0, 200_000);
            }
            assertThat(elsewhere).as("looks that found the reaper not in epoll_wait(2) (asleep in Java), of %d",
                    inPoll + elsewhere).isGreaterThan(inPoll);
        } finally {
            reaper.exiting(false);
        }
        assertThat(awaitPollTimeout(task, -1)).as("back without a timeout").isEqualTo(-1);
    }

    /** The timeout argument of the epoll_wait(2) the thread is in, or Long.MIN_VALUE when it is in another call. */
    private static long pollTimeout(Path task) throws IOException {
        String[] f = Files.readString(task.resolve("syscall")).strip().split(" ");
        if (f.length > TIMEOUT_FIELD && f[0].equals(EPOLL_WAIT_X86_64)) {
            return (int) Long.parseUnsignedLong(f[TIMEOUT_FIELD].substring(2), 16); // int timeout: -1 is 0xffffffff...
        }
        return Long.MIN_VALUE;
    }

    /**
     * The task directory of the thread named jns-reaper, waiting up to 10 s for it: a reaper this test made has named
     * its thread (a new thread sets its own name in the kernel) a moment after Reaper.instance() returned.
     */
    private static Path reaperTask() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                java.util.Optional<Path> reaper = tasks.filter(t -> {
                    try {
                        return Files.readString(t.resolve("comm")).strip().equals("jns-reaper");
                    } catch (IOException gone) {
                        return false;
                    }
                }).findFirst();
                if (reaper.isPresent()) {
                    return reaper.get();
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no jns-reaper thread");
            }
            Thread.sleep(1);
        }
    }

    /**
     * The timeout argument of the epoll_wait(2) the thread is blocked in, read until it is {@code expected} (or 10 s
     * have passed: then the last one seen, or Long.MIN_VALUE when the thread was never seen in epoll_wait(2)).
     */
    private static long awaitPollTimeout(Path task, long expected) throws Exception {
        long deadline = System.nanoTime() + 10_000_000_000L;
        long last = Long.MIN_VALUE;
        while (System.nanoTime() < deadline) {
            String[] f = Files.readString(task.resolve("syscall")).strip().split(" ");
            if (f.length > TIMEOUT_FIELD && f[0].equals(EPOLL_WAIT_X86_64)) {
                last = (int) Long.parseUnsignedLong(f[TIMEOUT_FIELD].substring(2), 16); // int timeout: -1 is 0xffffffff...
                if (last == expected) {
                    return last;
                }
            }
            Thread.sleep(1);
        }
        return last;
    }
}
