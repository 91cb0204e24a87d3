package dev.jns.examples.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;

import dev.jns.NamespaceType;
import dev.jns.NsProcess;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * bubblewrap's {@code --info-fd} and {@code --json-status-fd} for {@code jns unshare}: tools that watch a sandbox
 * from outside read, as soon as the program runs, one JSON object with its pid and the inode of each of its
 * namespaces ({@code {"child-pid": 4242, "cgroup-namespace": 4026531835, ...}}); the status fd gets one more
 * line when it ends ({@code {"exit-code": 3}}). Each fd must be open in jns's process (e.g. {@code 3>info.json}).
 */
final class StatusFds {
    private StatusFds() {
    }

    /** Checks, before anything runs, that {@code fd} (given with {@code option}) is open; null stays null. */
    static Integer check(String option, Integer fd) {
        if (fd != null && (fd < 0 || !Files.exists(Path.of("/proc/self/fd/" + fd), java.nio.file.LinkOption.NOFOLLOW_LINKS))) {
            throw new CliException(option + " " + fd + ": not an open file descriptor of jns (open it with e.g. "
                    + fd + ">FILE)");
        }
        return fd;
    }

    /** The info object of a started program, on its own line. */
    static void started(Integer infoFd, Integer statusFd, NsProcess p) {
        for (Integer fd : new Integer[] {infoFd, statusFd}) {
            if (fd != null) {
                write(fd, g -> {
                    g.writeNumberField("child-pid", p.pid());
                    for (Map.Entry<NamespaceType, Long> e : new java.util.TreeMap<>(p.namespaceIds()).entrySet()) {
                        g.writeNumberField(e.getKey().procName() + "-namespace", e.getValue());
                    }
                });
            }
        }
    }

    /** The program's exit code, on the status fd. */
    static void ended(Integer statusFd, int code) {
        if (statusFd != null) {
            write(statusFd, g -> g.writeNumberField("exit-code", code));
        }
    }

    /** Jackson's factory, made when a status fd is first written (loading Jackson costs a run without one ~30 ms). */
    private static final class Json {
        static final JsonFactory FACTORY = new JsonFactory();
    }

    private interface Fields {
        void write(JsonGenerator g) throws IOException;
    }

    private static void write(int fd, Fields fields) {
        // a new open of the fd's file or pipe, appending: the JDK cannot wrap an int fd
        try (OutputStream out = new FileOutputStream("/proc/self/fd/" + fd, true);
             JsonGenerator g = Json.FACTORY.createGenerator(out)) {
            g.writeStartObject();
            fields.write(g);
            g.writeEndObject();
            g.writeRaw('\n');
        } catch (IOException e) {
            throw new UncheckedIOException("write to fd " + fd, e);
        }
    }
}
