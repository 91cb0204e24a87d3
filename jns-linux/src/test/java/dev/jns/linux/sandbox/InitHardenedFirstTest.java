package dev.jns.linux.sandbox;

import dev.jns.Namespaces;
import dev.jns.NsProcess;
import dev.jns.Spawn;
import dev.jns.linux.testing.Probe;
import dev.jns.linux.testing.WorkDir;
import dev.jns.sandbox.MountPlan;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command's process (E) shares the init's memory until its exec and runs while the init hardens itself
 * (docs/launcher-protocol.md, step 15): nothing of the command may run before the init has no capabilities, has
 * no_new_privs and is not dumpable, else the command could ptrace a PID 1 that still has them. The test aid
 * {@code jns.testing.stopAtStep=28} stops the init right before it hardens (an init without a new pid namespace: a
 * PID 1 ignores its own SIGSTOP); E must then be found waiting for the init, not exec'd. Then the init goes on, and
 * the command runs as usual. Both ways E starts: in the init's memory, and forked (with a new time namespace).
 */
class InitHardenedFirstTest {

    /** An init without a new pid namespace, for each way E starts. */
    enum Start {
        /** A lock file's init: E shares the init's address space until its exec (CLONE_VM). */
        SHARED_MEMORY,
        /** A new time namespace's init: E is forked. */
        FORKED
    }

    @RegisterExtension
    final WorkDir work = new WorkDir("jns-init-");

    @ParameterizedTest
    @EnumSource(Start.class)
    void theCommandWaitsUntilTheInitIsHardened(Start how) throws Exception {
        Spawn spawn;
        if (how == Start.FORKED) {
            spawn = Namespaces.spawn().newUser().mapRootUser().newTime();
        } else {
            Path locks = work.sharedDir("locks"); // the sandbox's ids need not be the JVM's
            Files.setPosixFilePermissions(Files.writeString(locks.resolve("lock"), ""),
                    PosixFilePermissions.fromString("rw-rw-rw-"));
            spawn = Namespaces.spawn().newUser().mapRootUser().newMount().mounts(new MountPlan()
                    .tmpfs(Path.of("/mnt")).bind(locks, Path.of("/mnt/locks")).lockFile(Path.of("/mnt/locks/lock")));
        }
        CompletableFuture<NsProcess> started;
        long init = -1;
        System.setProperty("jns.testing.stopAtStep", "28");
        try {
            started = CompletableFuture.supplyAsync(() ->
                    spawn.start("sh", "-c", "grep -E '^(Name|CapEff|NoNewPrivs):' /proc/$PPID/status"));
            long[] initAndE = stoppedInitAndItsChild(started);
            init = initAndE[0];
            long e = initAndE[1];
            // E either reaches its wait for the init's byte (a pipe read) or, were that wait missing, execs sh
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (System.nanoTime() < deadline && "jns-launcher".equals(read(e, "comm"))
                    && !read(e, "wchan").contains("pipe_read")) {
                Thread.sleep(5);
            }
            assertThat(read(e, "comm")).as("the command's process while its init is stopped before hardening")
                    .isEqualTo("jns-launcher");
            assertThat(read(e, "wchan")).contains("pipe_read");
        } finally {
            System.clearProperty("jns.testing.stopAtStep");
            if (init > 0) {
                assertThat(new ProcessBuilder("kill", "-CONT", Long.toString(init)).start().waitFor()).isZero();
            }
        }
        try (NsProcess p = started.get(10, TimeUnit.SECONDS)) {
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).contains("Name:\tjns-init").contains("CapEff:\t0000000000000000")
                    .contains("NoNewPrivs:\t1");
        }
    }

    /** The init (the supervisor's child, stopped) and its one child, E; found within 10 s. */
    private static long[] stoppedInitAndItsChild(CompletableFuture<NsProcess> started) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (ProcessHandle s : ProcessHandle.current().children().toList()) {
                for (String c : read(s.pid(), "task/" + s.pid() + "/children").split(" ")) {
                    if (c.isEmpty()) {
                        continue;
                    }
                    long init = Long.parseLong(c);
                    String kids = read(init, "task/" + init + "/children");
                    if (Probe.state(init).equals("T") && !kids.isEmpty()) {
                        return new long[] {init, Long.parseLong(kids.split(" ")[0])};
                    }
                }
            }
            Thread.sleep(5);
        }
        String spawn = started.isCompletedExceptionally() ? "the spawn failed: " + started.handle((p, e) -> e).join()
                : started.isDone() ? "the spawn returned" : "the spawn still runs";
        throw new AssertionError("no init stopped before hardening within 10 s (" + spawn + ")");
    }

    private static String read(long pid, String file) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/" + file)).trim();
        } catch (Exception e) {
            return "";
        }
    }
}
