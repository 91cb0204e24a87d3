package dev.jns.linux.reliability;

import dev.jns.NamespaceException;
import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsHandle;
import dev.jns.NsProcess;
import dev.jns.Outcome;
import dev.jns.Spawn;
import dev.jns.SpawnResult;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The race of issue 14 item 1, many rounds: a spawn joins a handle while another thread closes it and a third
 * keeps opening handles of the same type (so that a freed fd number is at once another namespace). Each spawn
 * must run in the handle's namespace or fail with its own clean NamespaceException; meanwhile a bystander
 * sandbox must run on untouched (a failed send once replaced the fork server and killed every sandbox).
 */
final class JoinCloseRace {
    /** Rounds: {@code jns.race.rounds} (default 2000); the run stops early after {@code jns.race.seconds} (90). */
    static final int ROUNDS = Integer.getInteger("jns.race.rounds", 2000);
    static final int SECONDS = Integer.getInteger("jns.race.seconds", 90);

    private JoinCloseRace() {
    }

    /**
     * Runs the race. {@code fresh} gives a new uts handle per round; {@code spawn} a Spawn to which the round's
     * handle is joined (with whatever else it needs); {@code churn} opens and closes a handle of the same type.
     */
    static void run(Supplier<NsHandle> fresh, Supplier<Spawn> spawn, Runnable churn, Spawn bystanderSpawn)
            throws Exception {
        int right = 0;
        int refused = 0;
        List<String> wrong = new ArrayList<>();
        List<String> otherFailures = new ArrayList<>();
        AtomicBoolean stop = new AtomicBoolean();
        Thread churner = new Thread(() -> {
            while (!stop.get()) {
                churn.run();
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(2);
        long t0 = System.nanoTime();
        long deadline = t0 + SECONDS * 1_000_000_000L;
        int rounds = 0;
        try (NsProcess bystander = bystanderSpawn.start("/bin/sleep", "1000")) {
            churner.start();
            for (; rounds < ROUNDS && System.nanoTime() < deadline; rounds++) {
                NsHandle h = fresh.get();
                String expected = "uts:[" + h.inode() + "]";
                CountDownLatch go = new CountDownLatch(1);
                Future<String> use = pool.submit(() -> {
                    go.await();
                    try {
                        SpawnResult r = spawn.get().join(h).run("readlink", "/proc/self/ns/uts");
                        return r.exitCode() == 0 ? r.stdout().trim() : "exit " + r.exitCode() + ": " + r.stderr();
                    } catch (NamespaceException e) {
                        return "refused: " + e.getMessage();
                    }
                });
                go.countDown();
                int spin = ThreadLocalRandom.current().nextInt(0, 20_000);
                for (int i = 0; i < spin; i++) {
                    Thread.onSpinWait();
                }
                h.close();
                String seen = use.get(60, TimeUnit.SECONDS);
                if (seen.equals(expected)) {
                    right++;
                } else if (seen.startsWith("refused: ")) {
                    refused++;
                    if (!seen.contains("closed") && !seen.contains("EBADF") && !seen.contains("ESTALE")) {
                        otherFailures.add(seen);
                    }
                } else {
                    wrong.add("round " + rounds + ": saw " + seen + ", expected " + expected);
                }
            }
            assertThat(bystander.isAlive()).as("the bystander sandbox after the race").isTrue();
            bystander.destroyForcibly();
            assertThat(bystander.outcome().kind()).isEqualTo(Outcome.Kind.SIGNALED);
        } finally {
            stop.set(true);
            churner.join();
            pool.shutdownNow();
            pool.awaitTermination(10, TimeUnit.SECONDS);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("join vs close race: %d rounds in %d ms: %d in the handle's namespace, %d refused cleanly, "
                + "%d in a wrong namespace, %d other failures; the bystander sandbox survived%n",
                rounds, ms, right, refused, wrong.size(), otherFailures.size());
        assertThat(wrong).as("spawns in a wrong namespace").isEmpty();
        assertThat(otherFailures).as("failures that are not the closed handle's").isEmpty();
        assertThat(rounds).as("rounds done in %d s", SECONDS).isGreaterThanOrEqualTo(Math.min(ROUNDS, 500));
    }

    /** The JVM's own uts namespace, opened and closed: takes the fd numbers closed handles free. */
    static void churnUts() {
        try (NsHandle mine = Namespaces.current(NamespaceType.UTS)) {
            Thread.onSpinWait();
        }
    }
}
