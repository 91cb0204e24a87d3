package dev.jns.spi;

import dev.jns.Errno;
import dev.jns.NamespaceException;
import dev.jns.NsProcess;
import dev.jns.SpawnResult;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@link dev.jns.Spawn#run(String...)} on top of {@link NamespaceProvider#start(SpawnSpec)}: start, close stdin,
 * drain stdout here and stderr on a pool thread, wait. For providers that have no faster way.
 */
public final class RunSupport {
    /** The pool that drains stderr, made when a provider first uses it (providers with a run() of their own never do). */
    private static final class Drainers {
        static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "jns-drain");
            t.setDaemon(true);
            return t;
        });
    }

    private RunSupport() {
    }

    /** Starts {@code spec} with {@code provider}, waits for the end, and collects what the command wrote. */
    public static SpawnResult run(NamespaceProvider provider, SpawnSpec spec) {
        long t0 = System.nanoTime();
        NsProcess p = provider.start(spec);
        try (p) {
            p.getOutputStream().close();
            CompletableFuture<String> err = spec.stderr() == Redirect.PIPE && !spec.redirectErrorStream()
                    ? CompletableFuture.supplyAsync(() -> drain(p.getErrorStream()), Drainers.POOL)
                    : CompletableFuture.completedFuture("");
            String out = spec.stdout() == Redirect.PIPE ? drain(p.getInputStream()) : "";
            p.waitFor();
            return new SpawnResult(out, err.join(), Duration.ofNanos(System.nanoTime() - t0), p.outcome());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw interrupted(spec);
        }
    }

    /** The exception for a caller interrupted while it waited for a command (which is then killed). */
    public static NamespaceException interrupted(SpawnSpec spec) {
        return NamespaceException.builder(spec.describe()).step("wait for the command").errno(Errno.EINTR)
                .hint("the waiting thread was interrupted; the sandbox was killed").build();
    }

    private static String drain(InputStream in) {
        try (in) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            in.transferTo(buf);
            return buf.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
