package dev.jns.linux.spawn;

import dev.jns.linux.ffi.Sys;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;

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
    // a lock and the JDK's ArrayDeque, not a concurrent queue: the concurrent ones (and atomic booleans) start the
    // JDK's VarHandle machinery at their first use, about 1.5 ms of a fresh JVM's first run(); the lock is held
    // for a push or a pop
    /** The pooled scratches. Guarded by itself. */
    private static final ArrayDeque<OutputScratch> FREE = new ArrayDeque<>(POOLED);

    final ByteBuffer memory = ByteBuffer.allocateDirect(SIZE);
    final byte[] bytes = new byte[SIZE];
    /** stdout, stderr, the status, the launcher's pidfd and the first process's. */
    final Sys.PollSet polls = new Sys.PollSet(5);

    private boolean pooled;

    private OutputScratch() {
    }

    /** A scratch from the pool, or a new one. */
    static OutputScratch take() {
        OutputScratch s;
        synchronized (FREE) {
            s = FREE.pollFirst();
        }
        if (s == null) {
            return new OutputScratch();
        }
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
        synchronized (FREE) {
            if (FREE.size() < POOLED) {
                FREE.addFirst(this);
            }
        }
    }
}
