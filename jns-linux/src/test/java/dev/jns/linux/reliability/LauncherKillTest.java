package dev.jns.linux.reliability;

import dev.jns.NamespaceException;
import dev.jns.Namespaces;
import dev.jns.NsProcess;
import dev.jns.linux.spawn.Step;
import dev.jns.linux.testing.LeakCheck;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The launcher is SIGKILLed at each of its setup steps in turn: the test aid {@code -Djns.testing.stopAtStep=N}
 * makes the JVM send a DEBUG_STOP record, the launcher stops itself just before step N, the test kills it
 * there. The caller must get a NamespaceException that says the launcher died, and nothing may be left: no
 * process (the first process C, when already cloned, dies with the launcher), no zombie, no fd, no mount.
 * Steps (docs/launcher-protocol.md): 3 drop to uid, 21 prctl, 22 close fds, 4 join namespace, 6 clone,
 * 8 write uid_map (after PID), 12 wait for parent (before C is released).
 */
class LauncherKillTest {
    private static final String PROPERTY = "jns.testing.stopAtStep";

    @BeforeAll
    static void warmUp() {
        Namespaces.spawn().newUser().mapRootUser().newPid().run("/bin/true");
    }

    @AfterEach
    void clear() {
        System.clearProperty(PROPERTY);
    }

    @ParameterizedTest(name = "killed before step {0}")
    @EnumSource(value = Step.class, names = {"DROP_TO_UID", "PRCTL", "CLOSE_FDS", "JOIN_NAMESPACE", "CLONE",
            "WRITE_UID_MAP", "WAIT_FOR_PARENT"}) // the launcher's stop points (docs/launcher-protocol.md, DEBUG_STOP)
    void killedLauncherLeavesNothingAndSaysSo(Step step) throws Exception {
        killAt(step);
    }

    /** Stops the launcher before {@code step}, SIGKILLs it there and checks what is left (also used rootless). */
    static void killAt(Step at) throws Exception {
        int step = at.code();
        LeakCheck leaks = LeakCheck.start();
        // a standby supervisor (the fork server's, waiting for the next light spawn) becomes this spawn's launcher
        List<Long> before = descendants(ProcessHandle.current().pid());
        before.removeIf(pid -> "jns-standby".equals(comm(pid)));
        System.setProperty(PROPERTY, Integer.toString(step));
        CompletableFuture<Object> outcome = CompletableFuture.supplyAsync(() -> {
            try (NsProcess p = Namespaces.spawn().newUser().mapRootUser().newPid().newMount().newUts()
                    .start("/bin/sleep", "30")) {
                return p.waitFor(); // reached only if start() returned: then waitFor must fail or report
            } catch (NamespaceException e) {
                return e;
            } catch (InterruptedException e) {
                return e;
            }
        });
        long launcher;
        try {
            launcher = stoppedChild(before);
        } finally {
            System.clearProperty(PROPERTY);
        }
        List<Long> inside = descendants(launcher);
        long t0 = System.nanoTime();
        ProcessHandle.of(launcher).ifPresent(ProcessHandle::destroyForcibly);
        Object result = outcome.get(10, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertThat(result).as("step %d: the caller's result", step).isInstanceOf(NamespaceException.class);
        NamespaceException e = (NamespaceException) result;
        // expected: the test itself killed the launcher; the message (which suspects a jns bug) is what a caller gets
        System.out.printf("expected failure (this test killed the launcher, uid " + System.getProperty("user.name")
                + ", before step %d): after %d ms the caller got: %s (%d processes of the sandbox)%n", step, ms,
                e.getMessage().replace('\n', ' '), inside.size());
        assertThat(e.getMessage()).as("step %d", step).containsIgnoringCase("launcher");
        for (long pid : inside) {
            long deadline = System.nanoTime() + 1_000_000_000L;
            while (Gauges.running(pid) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(Gauges.running(pid)).as("step %d: process %d of the sandbox", step, pid).isFalse();
        }
        leaks.assertNoLeaks();
    }

    /**
     * The JVM's new descendant in state T: the launcher, stopped by DEBUG_STOP (a child of the JVM's fork
     * server, or of the JVM when it spawned the launcher itself).
     */
    private static long stoppedChild(List<Long> before) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (long pid : descendants(ProcessHandle.current().pid())) {
                if (!before.contains(pid) && "T".equals(Gauges.state(pid))) {
                    return pid;
                }
            }
            Thread.sleep(5);
        }
        fail("no stopped launcher appeared among the JVM's descendants");
        return -1;
    }

    private static String comm(long pid) {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/comm")).trim();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    private static List<Long> descendants(long pid) {
        List<Long> out = new ArrayList<>();
        ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> out.add(d.pid())));
        return out;
    }

}
