package dev.jns.examples.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The benchmark's C floor: {@code cfloor.c} (next to this class) compiled with the system's {@code cc} and run
 * as a small server that, per request, does the same kernel work as jns's default sandbox (or a plain fork +
 * exec) and reports how long that took, measured in C. Requests interleave with the JVM's variants, so
 * machine noise hits all alike.
 */
final class CFloor implements AutoCloseable {
    private final Process process;
    private final OutputStream requests;
    private final BufferedReader replies;

    private CFloor(Process process) {
        this.process = process;
        this.requests = process.getOutputStream();
        this.replies = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
    }

    /** Compiles and starts the C floor; empty (with the reason on stderr) when there is no C compiler. */
    static Optional<CFloor> start() throws IOException, InterruptedException {
        Optional<Path> bin = CProgram.compile("cfloor");
        if (bin.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new CFloor(new ProcessBuilder(bin.get().toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start()));
    }

    /** One spawn of /bin/true in the sandbox's namespaces, timed in C (nanoseconds). */
    long sandbox() {
        return ask('s');
    }

    /** One plain fork + exec + wait of /bin/true, timed in C (nanoseconds). */
    long plain() {
        return ask('p');
    }

    /** As {@link #sandbox()}, but the init starts /bin/true with vfork, as jns's launcher does (nanoseconds). */
    long sandboxVfork() {
        return ask('v');
    }

    /**
     * As {@link #sandboxVfork()}, with the new /proc masked as jns masks it by default: runc's masked and
     * read-only paths under /proc, where the kernel has them (nanoseconds).
     */
    long sandboxMasked() {
        return ask('m');
    }

    /** One plain vfork + exec + wait of /bin/true (nanoseconds). */
    long plainVfork() {
        return ask('q');
    }

    private long ask(char what) {
        try {
            requests.write(new byte[] {(byte) what, '\n'});
            requests.flush();
            String line = replies.readLine();
            if (line == null) {
                throw new IllegalStateException("the C floor ended (see its message above)");
            }
            return Long.parseLong(line.trim());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        requests.close();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
