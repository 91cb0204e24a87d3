package dev.jns.linux.spawn;

import dev.jns.linux.ffi.Sys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The reaper's watches: added from many threads while the reaper waits, each handed its fd once per event, watched
 * again while it says so, forgotten when it says it is done. With pipes instead of launchers: the reaper does not
 * know the difference.
 */
class ReaperTest {
    private static final int PIPES = 300;

    /** A watch on a pipe's read end: counts its calls, keeps watching until EOF, then closes the fd. */
    private static final class PipeWatch implements Reaper.Watch {
        final int[] pipe = Sys.pipe("a pipe for ReaperTest");
        final AtomicInteger bytes = new AtomicInteger();
        final CountDownLatch firstByte = new CountDownLatch(1);
        final CountDownLatch done;

        PipeWatch(CountDownLatch done) {
            this.done = done;
        }

        @Override
        public int fd() {
            return pipe[0];
        }

        @Override
        public boolean readable() {
            byte[] b = new byte[16];
            int n = Sys.tryRead(pipe[0], b, b.length);
            if (n > 0) {
                bytes.addAndGet(n);
                firstByte.countDown();
                return true;
            }
            Sys.closeQuietly(pipe[0]);
            done.countDown();
            return false;
        }
    }

    @Test
    void watchesAddedFromManyThreadsAreEachHandedTheirEventsUntilTheySayTheyAreDone() throws Exception {
        long fdsBefore = openFds();
        CountDownLatch done = new CountDownLatch(PIPES);
        List<PipeWatch> all = new ArrayList<>();
        for (int i = 0; i < PIPES; i++) {
            all.add(new PipeWatch(done));
        }
        // added from 4 threads at once, while the reaper waits: nothing wakes it but the fds themselves
        List<Thread> adders = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int first = t;
            Thread th = new Thread(() -> {
                for (int i = first; i < PIPES; i += 4) {
                    Reaper.watch(all.get(i));
                }
            });
            th.start();
            adders.add(th);
        }
        for (Thread th : adders) {
            th.join();
        }
        // one byte each: one call each, and the watch stays (it returned true)
        for (PipeWatch w : all) {
            Sys.writeFully("ReaperTest", w.pipe[1], new byte[] {1});
        }
        for (PipeWatch w : all) {
            assertThat(w.firstByte.await(30, TimeUnit.SECONDS)).as("the reaper handed a watch its first byte").isTrue();
        }
        // a second byte to every other one: the watch was armed again after its first event
        for (int i = 0; i < PIPES; i += 2) {
            Sys.writeFully("ReaperTest", all.get(i).pipe[1], new byte[] {2});
        }
        for (int i = 0; i < PIPES; i += 2) {
            PipeWatch w = all.get(i);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (w.bytes.get() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(1);
            }
            assertThat(w.bytes.get()).as("bytes a re-armed watch was handed").isEqualTo(2);
        }
        // EOF: each watch closes its fd and is forgotten
        for (PipeWatch w : all) {
            Sys.closeQuietly(w.pipe[1]);
        }
        assertThat(done.await(30, TimeUnit.SECONDS)).as("every watch saw its EOF").isTrue();
        for (int i = 0; i < PIPES; i++) {
            assertThat(all.get(i).bytes.get()).as("bytes handed to watch %d", i).isEqualTo(i % 2 == 0 ? 2 : 1);
        }
        assertThat(openFds()).as("the JVM's open fds after every watch closed its pipe").isEqualTo(fdsBefore);
    }

    /**
     * A watch that epoll refuses is polled instead: a regular file, which epoll_ctl refuses (EPERM) and poll(2) finds
     * always readable, stands in for one refused for want of room (ENOMEM, max_user_watches).
     */
    @Test
    void aWatchThatEpollRefusesIsPolledInstead(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("regular"), "x");
        int fd = Sys.open("ReaperTest", file.toString(), dev.jns.linux.ffi.Native.O_RDONLY, 0);
        AtomicInteger calls = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(1);
        Reaper.watch(new Reaper.Watch() {
            @Override
            public int fd() {
                return fd;
            }

            @Override
            public boolean readable() {
                if (calls.incrementAndGet() < 3) {
                    return true; // polled again
                }
                Sys.closeQuietly(fd);
                done.countDown();
                return false;
            }
        });
        assertThat(done.await(30, TimeUnit.SECONDS)).as("the refused watch was polled until it was done").isTrue();
        Thread.sleep(50); // a few slices more: a forgotten watch is not handed anything again
        assertThat(calls.get()).as("calls of the polled watch").isEqualTo(3);
    }

    private static long openFds() throws Exception {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }
}
