package dev.jns.linux.reliability;

import dev.jns.NamespaceException;
import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsHandle;
import dev.jns.SpawnResult;
import dev.jns.linux.testing.LeakCheck;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Persistent and joined namespaces under concurrent create, persist, reopen, join, call and close: no fd or
 * mount leak, and a handle closed while another thread joins it gives a clean NamespaceException, never a
 * crash and never the wrong namespace (a closed fd number reused by another open must not be joined: other
 * threads open handles of the same type all the time to make such a reuse likely).
 */
class ConcurrentHandlesTest {
    private static final int ROUNDS = Integer.getInteger("jns.handles.rounds", 150);

    @BeforeAll
    static void root() {
        assumeTrue("root".equals(System.getProperty("user.name")), "creating namespaces without a process needs root");
        Namespaces.spawn().newUser().mapRootUser().newPid().run("/bin/true");
    }

    private static String inodeSeenBy(SpawnResult r) {
        String link = r.stdout().trim(); // uts:[4026532xxx]
        return link.substring(link.indexOf('[') + 1, link.length() - 1);
    }

    @Test
    void createPersistReopenJoinCloseFromManyThreads(@TempDir Path dir) throws Exception {
        LeakCheck leaks = LeakCheck.start();
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        AtomicInteger done = new AtomicInteger();
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < ROUNDS / 4; i++) {
                        Path file = dir.resolve("uts-" + thread + "-" + i);
                        List<NsHandle> made = Namespaces.create(NamespaceType.UTS, NamespaceType.IPC);
                        try (NsHandle uts = made.get(0); NsHandle ipc = made.get(1)) {
                            uts.persist(file);
                            try (NsHandle again = Namespaces.open(file, NamespaceType.UTS)) {
                                SpawnResult r = Namespaces.spawn().join(again).join(ipc)
                                        .run("readlink", "/proc/self/ns/uts");
                                if (!inodeSeenBy(r).equals(Long.toString(uts.inode()))) {
                                    wrong.add("joined " + r.stdout() + ", expected " + uts.inode());
                                }
                                String inside = again.call(() -> Files.readSymbolicLink(Path.of("/proc/thread-self/ns/uts"))
                                        .toString());
                                if (!inside.contains(Long.toString(uts.inode()))) {
                                    wrong.add("call ran in " + inside + ", expected " + uts.inode());
                                }
                            }
                        } finally {
                            made.forEach(NsHandle::close);
                        }
                        Namespaces.unpersist(file);
                        Files.delete(file);
                        done.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(10, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
        System.out.printf("handles: %d create/persist/reopen/join/call/close cycles on %d threads%n", done.get(), threads);
        assertThat(wrong).isEmpty();
        leaks.assertNoLeaks();
    }

    @Test
    void closingWhileAnotherThreadJoinsIsCleanAndNeverJoinsTheWrongNamespace() throws Exception {
        LeakCheck leaks = LeakCheck.start();
        ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
        AtomicInteger joined = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        // fd churn: handles of the same type (the JVM's own uts namespace) take the numbers closed handles free
        Thread churn = new Thread(() -> {
            while (!stop.get()) {
                try (NsHandle mine = Namespaces.current(NamespaceType.UTS)) {
                    Thread.onSpinWait();
                }
            }
        });
        churn.start();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < ROUNDS; round++) {
                NsHandle h = Namespaces.create(NamespaceType.UTS).get(0);
                String expected = Long.toString(h.inode());
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> fs = new ArrayList<>();
                for (int j = 0; j < 3; j++) {
                    int kind = j;
                    fs.add(pool.submit(() -> {
                        go.await();
                        try {
                            String seen;
                            if (kind == 0) {
                                seen = inodeSeenBy(Namespaces.spawn().join(h).run("readlink", "/proc/self/ns/uts"));
                            } else if (kind == 1) {
                                seen = h.call(() -> Files.readSymbolicLink(Path.of("/proc/thread-self/ns/uts")).toString());
                            } else {
                                try (NsHandle u = h.owner()) {
                                    seen = expected; // owner() of a closed handle must throw, not use a stale fd
                                }
                            }
                            if (!seen.contains(expected)) {
                                wrong.add("round: saw " + seen + ", expected " + expected);
                            }
                            joined.incrementAndGet();
                        } catch (NamespaceException e) {
                            refused.incrementAndGet();
                        }
                        return null;
                    }));
                }
                go.countDown();
                Thread.sleep(ThreadLocalRandom.current().nextInt(0, 3));
                h.close();
                for (Future<?> f : fs) {
                    f.get(30, TimeUnit.SECONDS);
                }
            }
        } finally {
            stop.set(true);
            churn.join();
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
        System.out.printf("close while joining: %d rounds, %d uses succeeded in the right namespace, %d refused cleanly, "
                + "%d in a wrong namespace%n", ROUNDS, joined.get(), refused.get(), wrong.size());
        assertThat(wrong).as("uses that reached another namespace than the handle's").isEmpty();
        assertThat(joined.get() + refused.get()).isEqualTo(ROUNDS * 3);
        leaks.assertNoLeaks();
    }
}
