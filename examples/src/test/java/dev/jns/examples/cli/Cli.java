package dev.jns.examples.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs {@code jns} in this JVM (picocli, captured) or as a process ({@code bin/jns}), and util-linux's tools. */
final class Cli {
    private Cli() {
    }

    /** What a run printed and returned. {@code out} has picocli's output and then the program's. */
    record Result(int code, String out, String err) {
    }

    /** {@code jns ARGS} in this JVM; the program's stdout and stderr go through files into the result. */
    static Result jns(String... args) {
        return jns(StandardCharsets.UTF_8, args);
    }

    /** {@code jns ARGS} in this JVM, its own output meant for a console in {@code charset}. */
    static Result jns(java.nio.charset.Charset charset, String... args) {
        try {
            Path o = Files.createTempFile("jns-cli-out", "");
            Path e = Files.createTempFile("jns-cli-err", "");
            try {
                StringWriter out = new StringWriter();
                StringWriter err = new StringWriter();
                int code = JnsCli.execute(new JnsCli(Redirect.PIPE, Redirect.to(o.toFile()), Redirect.to(e.toFile()), charset),
                        new PrintWriter(out), new PrintWriter(err), args);
                return new Result(code, out + Files.readString(o), err + Files.readString(e));
            } finally {
                Files.deleteIfExists(o);
                Files.deleteIfExists(e);
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** The repository's {@code bin/jns}. */
    static Path script() {
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isExecutable(d.resolve("bin/jns"))) {
                return d.resolve("bin/jns");
            }
        }
        throw new IllegalStateException("no bin/jns above " + dir);
    }

    /** {@code bin/jns ARGS} as a process, from {@code cwd}, with this JVM's classpath (nothing is built). */
    static Result binJns(Path cwd, String... args) {
        return binJns(java.util.Map.of(), cwd, args);
    }

    /** {@code bin/jns ARGS} as a process with these changes to the environment (an empty value unsets). */
    static Result binJns(java.util.Map<String, String> env, Path cwd, String... args) {
        return process(binJnsBuilder(env, cwd, args));
    }

    /** {@code bin/jns ARGS} from {@code cwd}, with this JVM's classpath (java exec'd: its pid is the script's). */
    static ProcessBuilder binJnsBuilder(java.util.Map<String, String> env, Path cwd, String... args) {
        List<String> cmd = new ArrayList<>(List.of(script().toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
        pb.environment().put("JNS_CLASSPATH", System.getProperty("java.class.path"));
        return environment(pb, env);
    }

    /**
     * {@code pb} with this JVM's java as bin/jns's {@code JAVA}, and these changes to the environment (an empty
     * value unsets).
     */
    static ProcessBuilder environment(ProcessBuilder pb, java.util.Map<String, String> env) {
        pb.environment().put("JAVA", ProcessHandle.current().info().command().orElse("java"));
        env.forEach((k, v) -> {
            if (v.isEmpty()) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        return pb;
    }

    /** A command (util-linux's, say) as a process. */
    static Result exec(String... cmd) {
        return process(new ProcessBuilder(cmd));
    }

    static Result process(ProcessBuilder pb) {
        try {
            Path o = Files.createTempFile("jns-cli-out", "");
            Path e = Files.createTempFile("jns-cli-err", "");
            try {
                Process p = pb.redirectOutput(o.toFile()).redirectError(e.toFile()).redirectInput(Redirect.PIPE).start();
                p.getOutputStream().close();
                if (!p.waitFor(60, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException("timed out: " + pb.command());
                }
                return new Result(p.exitValue(), Files.readString(o, StandardCharsets.UTF_8), Files.readString(e, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(o);
                Files.deleteIfExists(e);
            }
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    static boolean root() {
        return Ids.uid() == 0;
    }
}
