package dev.jns.linux.spawn;

import dev.jns.Namespaces;
import dev.jns.NsProcess;

import org.junit.jupiter.api.Test;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A process's exit is collected on jns's own threads: application code that fills the common ForkJoinPool
 * with blocking tasks (or a JDK whose CompletableFuture queues there) must not stop {@code waitFor()} and
 * {@code close()} from returning. Round 2's CI hung in {@code Net.close()} this way on JDK 25.
 */
class ExitCollectionTest {
    @Test
    void exitIsCollectedWhileTheCommonPoolIsBlocked() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        int workers = Math.max(1, ForkJoinPool.getCommonPoolParallelism());
        CountDownLatch busy = new CountDownLatch(workers);
        for (int i = 0; i < workers; i++) {
            ForkJoinPool.commonPool().execute(() -> {
                busy.countDown();
                try {
                    release.await(); // not a ManagedBlocker: the pool adds no worker for it
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        try {
            assertThat(busy.await(30, TimeUnit.SECONDS)).as("every common-pool worker is blocked").isTrue();
            try (NsProcess p = Namespaces.spawn().start("/bin/sh", "-c", "exit 7")) {
                assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("exit collected with the common pool blocked").isTrue();
                assertThat(p.exitValue()).isEqualTo(7);
            }
        } finally {
            release.countDown();
        }
    }
}
