package dev.jns.linux.spawn;

import dev.jns.linux.ffi.Native;
import dev.jns.linux.ffi.Sys;

import jnr.ffi.Memory;
import jnr.ffi.Pointer;

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

    private static final java.util.function.IntConsumer C_WRITE = fd -> Native.C.write(fd, new byte[] {1}, 1);

    private void loop() {
        List<Watch> watches = new ArrayList<>();
        Pointer pfds = Memory.allocateDirect(Native.RUNTIME, 8L * 64, true);
        int capacity = 64;
        byte[] sink = new byte[256];
        while (true) {
            for (Watch w; (w = added.poll()) != null; ) {
                watches.add(w);
            }
            if (watches.size() + 1 > capacity) {
                capacity = Math.max(capacity * 2, watches.size() + 1);
                pfds = Memory.allocateDirect(Native.RUNTIME, 8L * capacity, true);
            }
            pfds.putInt(0, wake[0]);
            pfds.putShort(4, Native.POLLIN);
            pfds.putShort(6, (short) 0);
            for (int i = 0; i < watches.size(); i++) {
                pfds.putInt(8L * (i + 1), watches.get(i).fd());
                pfds.putShort(8L * (i + 1) + 4, Native.POLLIN);
                pfds.putShort(8L * (i + 1) + 6, (short) 0);
            }
            int ready = Native.C.poll(pfds, watches.size() + 1, -1);
            if (ready <= 0) {
                continue; // EINTR
            }
            if (pfds.getShort(6) != 0) {
                Native.C.read(wake[0], sink, sink.length);
            }
            List<Watch> done = new ArrayList<>();
            for (int i = 0; i < watches.size(); i++) {
                if (pfds.getShort(8L * (i + 1) + 6) == 0) {
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
