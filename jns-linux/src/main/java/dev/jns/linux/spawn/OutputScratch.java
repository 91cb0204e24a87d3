package dev.jns.linux.spawn;

import dev.jns.linux.ffi.Sys;

import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The memory {@link RunLoop} reads a command's output with: a direct buffer that read(2) fills (no Java array
 * copied in and out by the binding), a Java array the bytes read are copied to, and the poll set. Taken from a
 * small pool and given back, so that a {@code run()} allocates none of it: a fresh 64 KiB buffer per run was
 * most of a run's allocation and of its time in the JVM. The pool holds at most {@value #POOLED} (as many as
 * runs at once on a busy JVM); more runs at once make their own.
 */
final class OutputScratch implements AutoCloseable {
    /** The most one read(2) takes: the default pipe capacity. */
    static final int SIZE = 64 * 1024;
    private static final int POOLED = 16;
    // a queue, not a deque: the reaper's queue has loaded its classes already; a deque's would be two more for a
    // JVM's first run()
    private static final ConcurrentLinkedQueue<OutputScratch> FREE = new ConcurrentLinkedQueue<>();
    private static final AtomicInteger FREE_COUNT = new AtomicInteger();

    final ByteBuffer memory = ByteBuffer.allocateDirect(SIZE);
    final byte[] bytes = new byte[SIZE];
    /** stdout, stderr, the status, the launcher's pidfd and the first process's. */
    final Sys.PollSet polls = new Sys.PollSet(5);

    private boolean pooled;

    private OutputScratch() {
    }

    /** A scratch from the pool, or a new one. */
    static OutputScratch take() {
        OutputScratch s = FREE.poll();
        if (s == null) {
            return new OutputScratch();
        }
        FREE_COUNT.decrementAndGet();
        s.pooled = false;
        return s;
    }

    /** One read(2) of {@code fd} (retried on EINTR): the count, 0 at EOF, or -errno; the bytes are in {@link #bytes}. */
    int read(int fd) {
        int n = Sys.tryRead(fd, memory, SIZE);
        if (n > 0) {
            memory.get(0, bytes, 0, n);
        }
        return n;
    }

    /** Gives this scratch back to the pool (or to the garbage collector when the pool is full). */
    @Override
    public void close() {
        if (pooled) {
            return;
        }
        pooled = true;
        if (FREE_COUNT.incrementAndGet() <= POOLED) {
            FREE.offer(this);
        } else {
            FREE_COUNT.decrementAndGet();
        }
    }
}
