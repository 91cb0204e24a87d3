package dev.jns.linux.spawn;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * jns's own threads for background work that may block: collecting a process's exit, draining a helper's
 * stderr. Never the common {@link java.util.concurrent.ForkJoinPool}: on a 2-CPU machine it has one worker,
 * and one blocking task there stalls every task queued behind it. (Seen: a netlink helper's stderr drain,
 * started with {@code CompletableFuture.runAsync} on JDK 25, held the worker, so the exit of a second helper
 * was never collected and {@code Net.close()} waited forever.) Threads are daemons and end after 60 s idle.
 */
public final class Background {
    private static final AtomicInteger COUNT = new AtomicInteger();
    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "jns-background-" + COUNT.incrementAndGet());
        t.setDaemon(true);
        return t;
    });

    private Background() {
    }

    /** Runs {@code task} on a jns background thread. */
    public static void run(Runnable task) {
        POOL.execute(task);
    }
}
