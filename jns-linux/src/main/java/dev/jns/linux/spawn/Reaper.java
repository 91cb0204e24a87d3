package dev.jns.linux.spawn;

import dev.jns.linux.ffi.Native;
import dev.jns.linux.ffi.Sys;


import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * One thread, "jns-reaper", for every process started with {@code Spawn.start()}: it polls their launchers'
 * status pipes (one poll(2) over all of them) and, when a launcher is done, reaps it. However many processes
 * run, jns adds this one thread; {@code Spawn.run()} does not use it (the caller's thread does its work).
 */
final class Reaper {
    private static final Logger LOG = LoggerFactory.getLogger(Reaper.class);

    /** What the reaper watches: an fd, and what to do when it is readable. */
    interface Watch {
        int fd();

        /** Called on the reaper thread when {@link #fd()} is readable; must not block. False: done, forget it. */
        boolean readable();
    }

    private static final Reaper INSTANCE = new Reaper();

    private final int[] wake = Sys.pipe("create the jns reaper's wake-up pipe");
    private final ConcurrentLinkedQueue<Watch> added = new ConcurrentLinkedQueue<>();

    private Reaper() {
        Thread t = new Thread(this::loop, "jns-reaper");
        t.setDaemon(true);
        t.start();
    }

    /** Watches {@code w} from now on. */
    static void watch(Watch w) {
        INSTANCE.added.add(w);
        C_WRITE.accept(INSTANCE.wake[1]);
    }

    private static final java.util.function.IntConsumer C_WRITE = fd -> Sys.tryWrite(fd, new byte[] {1}, 1);

    private void loop() {
        List<Watch> watches = new ArrayList<>();
        int capacity = 64;
        Sys.PollSet pfds = new Sys.PollSet(capacity);
        byte[] sink = new byte[256];
        while (true) {
            for (Watch w; (w = added.poll()) != null; ) {
                watches.add(w);
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
            try {
                ready = pfds.poll("jns reaper", "poll", watches.size() + 1, -1);
            } catch (dev.jns.NamespaceException e) {
                LOG.debug("jns reaper: {}", e.getMessage()); // EINVAL/ENOMEM: try again, as before
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
                    LOG.debug("jns reaper: a watch failed", e);
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
