package dev.jns.examples.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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

    /** The compiled program, once per JVM (null: not yet compiled). */
    private static Optional<Path> program;

    private static synchronized Optional<Path> program() throws IOException, InterruptedException {
        if (program == null) {
            program = CProgram.compile("cfloor");
        }
        return program;
    }

    /** Compiles and starts the C floor; empty (with the reason on stderr) when there is no C compiler. */
    static Optional<CFloor> start() throws IOException, InterruptedException {
        Optional<Path> bin = program();
        if (bin.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(start(bin.get()));
    }

    private static CFloor start(Path bin) throws IOException {
        return new CFloor(new ProcessBuilder(bin.toString()).redirectError(ProcessBuilder.Redirect.INHERIT).start());
    }

    /**
     * One block of the C floor's throughput: {@code processes} C floors at once, each doing its share of
     * {@code total} spawns of the sandbox whose init vforks, with jns's masked /proc (the work of jns's default
     * sandbox), back to back within C; the JVM only starts them and waits for their answers. The block goes into
     * {@code into}; false (nothing measured) without a C compiler.
     */
    static boolean throughput(int processes, int total, Tally into) throws IOException, InterruptedException {
        Optional<Path> bin = program();
        if (bin.isEmpty()) {
            return false;
        }
        List<CFloor> floors = new ArrayList<>();
        try {
            for (int i = 0; i < processes; i++) {
                CFloor f = start(bin.get());
                floors.add(f);
                f.ask('q'); // started, its pages in, before the clock starts
            }
            List<Runnable> shares = new ArrayList<>();
            for (int i = 0; i < processes; i++) {
                CFloor f = floors.get(i);
                int share = total / processes + (i < total % processes ? 1 : 0);
                if (share > 0) {
                    shares.add(() -> f.ask('m', share));
                }
            }
            into.block(total, "cfloor", shares, () -> floors.stream().mapToLong(f -> f.ask('c')).sum());
            return true;
        } finally {
            for (CFloor f : floors) {
                f.close();
            }
        }
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
        return ask(what, 1);
    }

    /** {@code count} spawns of kind {@code what} back to back in C; the nanoseconds of all of them. */
    private long ask(char what, int count) {
        try {
            requests.write((count == 1 ? what + "\n" : what + " " + count + "\n").getBytes(StandardCharsets.US_ASCII));
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
