package dev.jns.linux.spawn;

import dev.jns.linux.ffi.Native;
import dev.jns.linux.ffi.Sys;

import java.util.ArrayList;
import java.util.List;

/**
 * One thread, "jns-reaper", for every process started with {@code Spawn.start()}: it polls their launchers'
 * status pipes (one poll(2) over all of them) and, when a launcher is done, reaps it. However many processes
 * run, jns adds this one thread. {@code Spawn.run()} uses it only for a launcher that outlives the run: a run
 * with an init in a new pid namespace ends at the init's end, and the reaper reaps the launcher right after
 * ({@link RunLoop}).
 *
 * <p>Once the JVM begins to shut down its poll(2) no longer blocks: it looks (timeout 0) and, when nothing is
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

        /** Called on the reaper thread when {@link #fd()} is readable; must not block. False: done, forget it. */
        boolean readable();
    }

    /** The pause between two looks once the JVM is shutting down. */
    static final int EXIT_SLICE_MS = 5;

    private static final Reaper INSTANCE = new Reaper();

    private volatile boolean exiting;

    private final int[] wake = Sys.pipe("create the jns reaper's wake-up pipe");
    /**
     * Watches added since the loop last looked. Guarded by itself: a lock, not a concurrent queue, whose first use
     * would start the JDK's VarHandle machinery in a JVM's first spawn (see OutputScratch).
     */
    private final ArrayList<Watch> added = new ArrayList<>();

    private Reaper() {
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
            // a security manager forbids shutdown hooks: the JVM's exit may then wait for the reaper's poll
            Logs.REAPER.debug("jns reaper: no shutdown hook ({})", noHooksAllowed.getMessage());
        }
    }

    /** From now on polls without blocking, and sleeps in Java between looks (the JVM is shutting down). */
    void exiting() {
        exiting(true);
    }

    /** Whether to poll without blocking; wakes the reaper so that its next poll has the new timeout. */
    void exiting(boolean shuttingDown) {
        exiting = shuttingDown;
        poke(wake[1]);
    }

    /** The reaper (for tests). */
    static Reaper instance() {
        return INSTANCE;
    }

    /** Watches {@code w} from now on. */
    static void watch(Watch w) {
        synchronized (INSTANCE.added) {
            INSTANCE.added.add(w);
        }
        poke(INSTANCE.wake[1]);
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

    private void loop() {
        List<Watch> watches = new ArrayList<>();
        int capacity = 64;
        Sys.PollSet pfds = new Sys.PollSet(capacity);
        byte[] sink = new byte[256];
        while (true) {
            synchronized (added) {
                watches.addAll(added);
                added.clear();
            }
            if (watches.size() + 1 > capacity) {
                capacity = Math.max(capacity * 2, watches.size() + 1);
                pfds = new Sys.PollSet(capacity);
            }
            pfds.set(0, wake[0], Native.POLLIN);
            for (int i = 0; i < watches.size(); i++) {
                pfds.set(i + 1, watches.get(i).fd(), Native.POLLIN);
            }
            int ready;
            boolean shuttingDown = exiting;
            try {
                ready = pfds.poll("jns reaper", "poll", watches.size() + 1, shuttingDown ? 0 : -1);
            } catch (dev.jns.NamespaceException e) {
                Logs.REAPER.debug("jns reaper: {}", e.getMessage()); // EINVAL/ENOMEM: try again, as before
                continue;
            }
            if (ready == 0 && shuttingDown) {
                pause(); // in Java, not in poll(2): see the top
                continue;
            }
            if (ready <= 0) {
                continue; // EINTR
            }
            if (pfds.revents(0) != 0) {
                Sys.tryRead(wake[0], sink, sink.length);
            }
            List<Watch> done = new ArrayList<>();
            for (int i = 0; i < watches.size(); i++) {
                if (pfds.revents(i + 1) == 0) {
                    continue;
                }
                Watch w = watches.get(i);
                boolean keep;
                try {
                    keep = w.readable();
                } catch (RuntimeException | Error e) {
                    Logs.REAPER.debug("jns reaper: a watch failed", e);
                    keep = false;
                }
                if (!keep) {
                    done.add(w);
                }
            }
            watches.removeAll(done);
        }
    }
}
