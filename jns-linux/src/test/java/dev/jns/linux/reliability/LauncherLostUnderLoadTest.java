package dev.jns.linux.reliability;

import dev.jns.NamespaceException;
import dev.jns.Namespaces;
import dev.jns.Outcome;
import dev.jns.Spawn;
import dev.jns.SpawnResult;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Infrastructure faults are reported as themselves, under load (issue 14 item 5): threads run commands that exit
 * with a known code, with and without a pid namespace, while a killer SIGKILLs random supervisors
 * ("jns-launcher", the JVM's children), inits ("jns-init") and, now and then, the fork server. Every result must
 * be the command's own exit code, or {@link Outcome.Kind#LAUNCHER_LOST}, or (a launcher killed before the
 * command started) a NamespaceException: never a SIGKILL the command did not get. Size: {@code jns.lost.threads}
 * (8) x {@code jns.lost.each} (40).
 */
class LauncherLostUnderLoadTest {
    private static final int THREADS = Integer.getInteger("jns.lost.threads", 8);
    private static final int EACH = Integer.getInteger("jns.lost.each", 40);

    private static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).trim();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /** The children of {@code pid}, from /proc/PID/task/TID/children (all its threads). */
    private static List<Long> children(long pid) {
        List<Long> out = new ArrayList<>();
        try (var tasks = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path t : tasks) {
                try {
                    for (String c : Files.readString(t.resolve("children")).trim().split(" ")) {
                        if (!c.isEmpty()) {
                            out.add(Long.parseLong(c));
                        }
                    }
                } catch (java.io.IOException gone) {
                    // the thread ended
                }
            }
        } catch (java.io.IOException gone) {
            // the process ended
        }
        return out;
    }

    @Test
    void killedLaunchersInitsAndServersAreNeverReportedAsTheCommandsEnd() throws Exception {
        boolean root = "root".equals(System.getProperty("user.name"));
        AtomicInteger right = new AtomicInteger();
        AtomicInteger lost = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        AtomicInteger kills = new AtomicInteger();
        AtomicInteger serverKills = new AtomicInteger();
        ConcurrentLinkedQueue<String> misreported = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        long jvm = ProcessHandle.current().pid();
        Thread killer = new Thread(() -> {
            for (int round = 1; !stop.get(); round++) {
                boolean serverRound = round % 15 == 0; // now and then the fork server, else a launcher or an init
                List<Long> targets = new ArrayList<>();
                for (long c : children(jvm)) {
                    String name = comm(c);
                    if (serverRound) {
                        if (name.equals("jns-forkserver")) {
                            targets.add(c);
                        }
                    } else if (name.equals("jns-launcher")) {
                        targets.add(c);
                        for (long g : children(c)) {
                            if (comm(g).equals("jns-init")) {
                                targets.add(g);
                            }
                        }
                    }
                }
                if (!targets.isEmpty()) {
                    long victim = targets.get(ThreadLocalRandom.current().nextInt(targets.size()));
                    boolean server = comm(victim).equals("jns-forkserver");
                    try {
                        if (new ProcessBuilder("kill", "-KILL", Long.toString(victim)).start().waitFor() == 0) {
                            kills.incrementAndGet();
                            if (server) {
                                serverKills.incrementAndGet();
                            }
                        }
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                try {
                    Thread.sleep(ThreadLocalRandom.current().nextInt(2, 20));
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        long t0 = System.nanoTime();
        try {
            killer.start();
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                fs.add(pool.submit(() -> {
                    for (int i = 0; i < EACH; i++) {
                        int code = (thread * EACH + i) % 100;
                        boolean pidns = i % 2 == 0;
                        Spawn s = Namespaces.spawn();
                        if (pidns) {
                            if (!root) {
                                s.newUser().mapRootUser();
                            }
                            s.newPid();
                        }
                        try {
                            SpawnResult r = s.run("/bin/sh", "-c", "sleep 0.3; exit " + code);
                            Outcome o = r.outcome();
                            if (o.kind() == Outcome.Kind.EXITED && o.exitCode() == code) {
                                right.incrementAndGet();
                            } else if (o.kind() == Outcome.Kind.LAUNCHER_LOST && r.exitCode() == -1) {
                                lost.incrementAndGet();
                            } else {
                                misreported.add("exit " + code + " reported as " + o.kind() + " " + o.exitCode()
                                        + " signal " + o.signal());
                            }
                        } catch (NamespaceException e) {
                            refused.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                f.get(300, TimeUnit.SECONDS);
            }
        } finally {
            stop.set(true);
            killer.interrupt();
            killer.join();
            pool.shutdownNow();
        }
        System.out.printf("launchers lost under load: %d spawns in %d ms, %d kills (%d of the fork server): %d right, "
                + "%d LAUNCHER_LOST, %d refused before the command started, %d misreported%n", THREADS * EACH,
                (System.nanoTime() - t0) / 1_000_000, kills.get(), serverKills.get(), right.get(), lost.get(),
                refused.get(), misreported.size());
        assertThat(misreported).isEmpty();
        assertThat(right.get() + lost.get() + refused.get()).isEqualTo(THREADS * EACH);
        assertThat(Namespaces.spawn().run("/bin/true").exitCode()).as("spawns work after the faults").isZero();
    }
}
