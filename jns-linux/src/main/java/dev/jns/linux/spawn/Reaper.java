package dev.jns.linux.spawn;

import dev.jns.NamespaceException;
import dev.jns.linux.ffi.Native;
import dev.jns.linux.ffi.Sys;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * One thread, "jns-reaper", for every process started with {@code Spawn.start()}: it waits on their launchers'
 * status pipes (one epoll instance for all of them) and, when a launcher is done, reaps it. However many processes
 * run, jns adds this one thread. {@code Spawn.run()} uses it only for a launcher that outlives the run: a run
 * with an init in a new pid namespace ends at the init's end, and the reaper reaps the launcher right after
 * ({@link RunLoop}).
 *
 * <p>A new watch goes into the epoll instance from the thread that adds it, while the reaper waits: the reaper
 * wakes only when a watched fd is ready, and its wake-up costs the same with one watch or thousands. (Until issue
 * 17's nineteenth session it polled(2) a set that it built anew at every wake-up, and each new watch woke it to
 * rebuild the set: two wake-ups per sandbox {@code run()} and, with 1,000 sandboxes alive, a poll(2) of 1,001 fds
 * for each.) Each fd is watched for one event at a time (EPOLLONESHOT): the reaper hands it to its watch, and
 * watches it again only if the watch says so, so that no fd fires again while a watch is closing it. A watch that
 * epoll refuses (ENOMEM; ENOSPC, the user's {@code fs.epoll.max_user_watches}) is polled instead, every
 * {@value #POLLED_SLICE_MS} ms.
 *
 * <p>Once the JVM begins to shut down its epoll_wait(2) no longer blocks: it looks (timeout 0) and, when nothing is
 * ready, the thread sleeps {@value #EXIT_SLICE_MS} ms in Java. At its end HotSpot waits for every thread that is
 * in a native call to leave it, in rounds of 10 ms, up to 300 ms for a thread that is not a compiler's
 * (VM_Exit::wait_for_threads_in_native_to_block): a reaper blocked in poll(2) held every JVM that had used
 * {@code Spawn.start()} that long at exit ({@code jns unshare -r true}: 330 ms of its wall time), and one that
 * polled in slices of 5 ms was still found in poll(2) by a round or two (about 16 ms of every such JVM's exit, from
 * the end of main to exit_group, strace of three runs each against {@code jns --version}). A thread asleep in Java
 * is not waited for. Shutdown hooks that wait for a process still get its end: the reaper keeps reaping, at most
 * {@value #EXIT_SLICE_MS} ms late.
 */
final class Reaper {

    /** What the reaper watches: an fd, and what to do when it is readable. */
    interface Watch {
        int fd();

        /**
         * Called on the reaper thread when {@link #fd()} is readable (or hung up); must not block. False: done,
         * forget it (the watch closes its fd then, or leaves it to somebody who does not need the reaper).
         */
        boolean readable();
    }

    /** The pause between two looks once the JVM is shutting down. */
    static final int EXIT_SLICE_MS = 5;

    /** How often watches that epoll refused are polled. */
    static final int POLLED_SLICE_MS = 10;

    /** The key of the wake-up pipe in the epoll instance; watches get 1, 2, ... */
    private static final long WAKE = 0;

    private static final Reaper INSTANCE = new Reaper();

    private volatile boolean exiting;

    private final int[] wake = Sys.pipe("create the jns reaper's wake-up pipe");
    private final Sys.Epoll epoll = new Sys.Epoll("create the jns reaper's epoll instance");
    /**
     * The watches, by their key in the epoll instance. Guarded by itself: a lock, not a concurrent map, whose first
     * use would start the JDK's VarHandle machinery in a JVM's first spawn (see OutputScratch).
     */
    private final HashMap<Long, Watch> watches = new HashMap<>();
    /** Watches that epoll refused, polled instead. Guarded by {@link #watches}. */
    private final ArrayList<Watch> polled = new ArrayList<>();
    /** The next watch's key. Guarded by {@link #watches}. */
    private long nextKey = WAKE + 1;

    private Reaper() {
        int r = epoll.tryWatch(wake[0], WAKE);
        if (r < 0) {
            throw NamespaceException.builder("start the jns reaper").step("epoll_ctl of its wake-up pipe").errno(-r)
                    .hint(-r == dev.jns.Errno.ENOSPC ? "this user's epoll watches are used up (sysctl fs.epoll.max_user_watches)"
                            : Hints.forErrno(-r)).build();
        }
        // classes, not method references, on the first spawn's path (see Spawner.SpawnThread)
        Thread t = new Thread(new Runnable() {
            @Override
            public void run() {
                loop();
            }
        }, "jns-reaper");
        t.setDaemon(true);
        t.start();
        try {
            Runtime.getRuntime().addShutdownHook(new Thread("jns-reaper-exit") {
                @Override
                public void run() {
                    exiting();
                }
            });
        } catch (IllegalStateException alreadyShuttingDown) {
            exiting();
        } catch (SecurityException noHooksAllowed) {
            // a security manager forbids shutdown hooks: the JVM's exit may then wait for the reaper's epoll_wait
            Logs.REAPER.debug("jns reaper: no shutdown hook ({})", noHooksAllowed.getMessage());
        }
    }

    /** From now on waits without blocking, and sleeps in Java between looks (the JVM is shutting down). */
    void exiting() {
        exiting(true);
    }

    /** Whether to wait without blocking; wakes the reaper so that its next wait has the new timeout. */
    void exiting(boolean shuttingDown) {
        exiting = shuttingDown;
        poke(wake[1]);
    }

    /** The reaper (for tests). */
    static Reaper instance() {
        return INSTANCE;
    }

    /** Watches {@code w} from now on: no wake-up of the reaper, which sees the new fd in the wait it is in. */
    static void watch(Watch w) {
        INSTANCE.add(w);
    }

    private void add(Watch w) {
        long key;
        synchronized (watches) {
            key = nextKey++;
            watches.put(key, w);
        }
        // after the put: the fd may be ready, and the reaper look the key up, before epoll_ctl returns
        arm(w, key);
    }

    /** Watches {@code w}'s fd for its next event, or, where epoll refuses, polls it. */
    private void arm(Watch w, long key) {
        int r = epoll.tryWatchOnce(w.fd(), key);
        if (r < 0) {
            Logs.REAPER.debug("jns reaper: epoll_ctl of fd {} failed (errno {}); polling it every {} ms", w.fd(), -r,
                    POLLED_SLICE_MS);
            synchronized (watches) {
                watches.remove(key);
                polled.add(w);
            }
            poke(wake[1]); // its wait may have no timeout yet
        }
    }

    private static void poke(int wakeFd) {
        Sys.tryWrite(wakeFd, new byte[] {1}, 1);
    }

    /** {@value #EXIT_SLICE_MS} ms asleep in Java. */
    private static void pause() {
        try {
            Thread.sleep(EXIT_SLICE_MS);
        } catch (InterruptedException e) {
            // nobody interrupts the reaper to stop it; the flag is cleared, the loop goes on
        }
    }

    /** Hands {@code w} its readable fd; false when it is done (or failed). */
    private static boolean handOver(Watch w) {
        try {
            return w.readable();
        } catch (RuntimeException | Error e) {
            Logs.REAPER.debug("jns reaper: a watch failed", e);
            return false;
        }
    }

    private void loop() {
        long[] keys = new long[64];
        byte[] sink = new byte[256];
        List<Watch> polledNow = new ArrayList<>();
        while (true) {
            boolean shuttingDown = exiting;
            boolean anyPolled;
            synchronized (watches) {
                anyPolled = !polled.isEmpty();
            }
            int ready;
            try {
                ready = epoll.await("jns reaper", keys, shuttingDown ? 0 : anyPolled ? POLLED_SLICE_MS : -1);
            } catch (NamespaceException e) {
                Logs.REAPER.debug("jns reaper: {}", e.getMessage());
                pause(); // not a busy loop if it keeps failing
                continue;
            }
            boolean handled = false;
            for (int i = 0; i < ready; i++) {
                long key = keys[i];
                if (key == WAKE) {
                    Sys.tryRead(wake[0], sink, sink.length);
                    continue;
                }
                Watch w;
                synchronized (watches) {
                    w = watches.get(key);
                }
                if (w == null) {
                    continue;
                }
                handled = true;
                if (handOver(w)) {
                    arm(w, key);
                } else {
                    synchronized (watches) {
                        watches.remove(key);
                    }
                }
            }
            if (anyPolled) {
                handled |= pollRefused(polledNow);
            }
            if (ready == 0 && !handled && shuttingDown) {
                pause(); // in Java, not in epoll_wait(2): see the top
            }
        }
    }

    /** One look at the watches epoll refused; true when one was ready. */
    private boolean pollRefused(List<Watch> now) {
        now.clear();
        synchronized (watches) {
            now.addAll(polled);
        }
        boolean any = false;
        for (Watch w : now) {
            if ((Sys.pollOne(w.fd(), Native.POLLIN, 0) & (Native.POLLIN | Native.POLLHUP | Native.POLLERR)) == 0) {
                continue;
            }
            any = true;
            if (!handOver(w)) {
                synchronized (watches) {
                    polled.remove(w);
                }
            }
        }
        return any;
    }
}
