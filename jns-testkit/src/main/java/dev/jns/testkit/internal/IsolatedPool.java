package dev.jns.testkit.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Child JVMs of {@link dev.jns.testkit.Isolated} started ahead: for each {@link IsolatedChild.Key}, up to
 * {@code spares} children wait, each in namespaces of its own, ready to take one test. {@link #take} hands out a
 * waiting child (or starts one when none waits) and starts its replacement at once, so the next test of that
 * key finds a warm one. A child is used for one test and then thrown away; waiting children are killed by
 * {@link #close()} (and exit by themselves when the parent JVM goes, their stdin closing). Not API.
 */
public final class IsolatedPool implements AutoCloseable {
    /** The system property (or JUnit configuration parameter) for the number of children waiting per key. */
    public static final String SPARES = "jns.testkit.isolated.spares";

    private final int spares;
    private final Map<IsolatedChild.Key, Deque<IsolatedChild>> waiting = new HashMap<>();
    private final Map<IsolatedChild.Key, Integer> starting = new HashMap<>();
    private final ExecutorService starter = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "jns-isolated-starter");
        t.setDaemon(true);
        return t;
    });
    private boolean closed;

    /** A pool that keeps up to {@code spares} children waiting per key (0: start each child when needed). */
    public IsolatedPool(int spares) {
        if (spares < 0) {
            throw new IllegalArgumentException(SPARES + " must be 0 or more, not " + spares);
        }
        this.spares = spares;
    }

    /**
     * The default number of waiting children per key: one per processor, at least 1 and at most 4 (each costs
     * about 32 MiB and a CPU-second to make; more than a few ahead only burn CPU the tests need).
     */
    public static int defaultSpares() {
        return Math.min(4, Math.max(1, Runtime.getRuntime().availableProcessors()));
    }

    /** How many children wait per key. */
    public int spares() {
        return spares;
    }

    /**
     * A child for one test of {@code key}: a waiting one when there is one (alive), else a new one; then the
     * waiting children of the key are topped up to {@link #spares()}.
     *
     * @param preload the class of the test, for the children started now to load ahead
     */
    public IsolatedChild take(IsolatedChild.Key key, String preload) {
        IsolatedChild child = null;
        List<IsolatedChild> dead = new ArrayList<>();
        int missing;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the pool of isolated JVMs is closed");
            }
            Deque<IsolatedChild> q = waiting.computeIfAbsent(key, k -> new ArrayDeque<>());
            while (child == null && !q.isEmpty()) {
                IsolatedChild c = q.pollFirst();
                if (c.isAlive()) {
                    child = c;
                } else {
                    dead.add(c);
                }
            }
            missing = spares - q.size() - starting.getOrDefault(key, 0);
            if (missing > 0) {
                starting.merge(key, missing, Integer::sum);
            }
        }
        dead.forEach(IsolatedChild::close);
        for (int i = 0; i < missing; i++) {
            starter.execute(() -> startSpare(key, preload)); // in the background: the test goes on now
        }
        return child != null ? child : IsolatedChild.start(key, preload);
    }

    private void startSpare(IsolatedChild.Key key, String preload) {
        IsolatedChild spare = null;
        try {
            spare = IsolatedChild.start(key, preload);
        } catch (RuntimeException e) {
            // the test that takes this key's next child starts its own, and reports what fails
        }
        synchronized (this) {
            starting.merge(key, -1, Integer::sum);
            if (spare == null) {
                return;
            }
            if (!closed) {
                waiting.get(key).addLast(spare);
                return;
            }
        }
        spare.close();
    }

    /** The children waiting now, of every key (for measurements). */
    public synchronized List<IsolatedChild> waitingChildren() {
        List<IsolatedChild> all = new ArrayList<>();
        waiting.values().forEach(all::addAll);
        return all;
    }

    /** Kills every waiting child. */
    @Override
    public void close() {
        List<IsolatedChild> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>();
            waiting.values().forEach(all::addAll);
            waiting.clear();
        }
        starter.shutdownNow(); // spares not started yet never will be
        all.forEach(IsolatedChild::close);
    }
}
