package dev.jns.linux.spawn;

import dev.jns.NamespaceException;
import dev.jns.Namespaces;
import dev.jns.NsProcess;
import dev.jns.SpawnResult;
import dev.jns.linux.testing.FreshJvm;
import dev.jns.linux.testing.NoLeaks;
import dev.jns.linux.testing.Probe;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spawns go through the JVM's fork server ("jns-forkserver", the JVM's child), which clones each launcher as
 * the JVM's own child (CLONE_PARENT): the server's death, or its replacement, harms no running sandbox; a
 * stopped server delays a spawn by a bounded time (jns.forkServer.timeoutMs, 1 s) and is then replaced; an
 * interrupt ends the wait on it.
 */
@org.junit.jupiter.api.extension.ExtendWith(NoLeaks.class)
class ForkServerTest {
    static String comm(long pid) {
        try {
            return Files.readString(Path.of("/proc", Long.toString(pid), "comm")).trim();
        } catch (java.io.IOException e) {
            return "";
        }
    }

    static long parent(long pid) {
        return ProcessHandle.of(pid).flatMap(ProcessHandle::parent).orElseThrow().pid();
    }

    /** The JVM's fork server, found among its children (a spawn starts it if needed; a JVM's first goes without). */
    static long server() throws InterruptedException {
        Namespaces.spawn().run("/bin/true");
        Namespaces.spawn().run("/bin/true");
        ForkServer.awaitStart(); // a spawn that finds no server begins its start and goes on without it
        // A server killed (by a test, or replaced as stuck under load) stays a zombie child until jns reaps it:
        // count the live ones, and give jns a moment to end a replaced one.
        long deadline = System.nanoTime() + 10_000_000_000L;
        List<ProcessHandle> servers;
        do {
            servers = ProcessHandle.current().children()
                    .filter(h -> comm(h.pid()).equals("jns-forkserver") && !zombie(h.pid())).toList();
            // none for a moment while the server clones a standby (it bears the standby's name then: light.c)
        } while (servers.size() != 1 && System.nanoTime() < deadline && sleep());
        assertThat(servers).hasSize(1);
        return servers.get(0).pid();
    }

    private static boolean sleep() throws InterruptedException {
        Thread.sleep(50);
        return true;
    }

    private static boolean zombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
        } catch (java.io.IOException e) {
            return true; // gone
        }
    }

    private static void kill(String sig, long pid) throws Exception {
        assertThat(new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).start().waitFor()).isZero();
    }

    /**
     * A JVM's first spawn goes without a server (a JVM that spawns once never starts one); its second begins one's
     * start, which is up once the start has ended.
     */
    @Test
    void theFirstSpawnOfAJvmStartsNoServerTheSecondDoes() throws Exception {
        String javaCmd = FreshJvm.java();
        Process jvm = new ProcessBuilder(javaCmd, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), FirstSpawnMain.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(jvm.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        assertThat(jvm.waitFor()).isZero();
        assertThat(out).as("live fork servers after the first and the second spawn").isEqualTo("0 1");
    }

    @Test
    void launchersAreTheJvmsChildrenAndOutliveTheServer() throws Exception {
        long server = server();
        for (boolean pidns : new boolean[] {false, true}) {
            var s = Namespaces.spawn();
            if (pidns) {
                s.newUser().mapRootUser().newPid();
            }
            try (NsProcess p = s.start("/bin/sh", "-c", "read x; echo still-here; exit 3")) {
                long launcher = parent(p.pid());
                assertThat(comm(launcher)).isEqualTo("jns-launcher");
                assertThat(parent(launcher)).isEqualTo(ProcessHandle.current().pid());

                ProcessHandle.of(server).orElseThrow().destroyForcibly();
                ProcessHandle.of(server).orElseThrow().onExit().get(5, TimeUnit.SECONDS);
                // a new server for a new spawn, while the first sandbox runs on
                long next = server();
                assertThat(next).isNotEqualTo(server);
                server = next;
                assertThat(p.isAlive()).isTrue();
                p.getOutputStream().write('\n');
                p.getOutputStream().flush();
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                assertThat(out.readLine()).isEqualTo("still-here");
                assertThat(p.waitFor()).isEqualTo(3);
                assertThat(p.outcome().kind()).isEqualTo(dev.jns.Outcome.Kind.EXITED);
            }
        }
    }

    @Test
    void aStoppedServerIsReplacedAfterTheBound() throws Exception {
        long server = server();
        kill("STOP", server);
        try {
            // the first light spawn may go to the standby the server cloned before it was stopped; the second has
            // none, for a stopped server clones no other
            for (int i = 0; i < 2; i++) {
                SpawnResult r = Namespaces.spawn().newUts().run("/bin/sh", "-c", "echo ok");
                assertThat(r.stdout()).isEqualTo("ok\n");
            }
            assertThat(Probe.alive(server)).as("the stopped server was ended by jns").isFalse();
            assertThat(server()).isNotEqualTo(server);
        } finally {
            if (Probe.alive(server)) {
                kill("CONT", server);
            }
        }
    }

    @Test
    void anInterruptEndsTheWaitForAStoppedServer() throws Exception {
        long server = server();
        awaitStandby();
        kill("STOP", server);
        // the standby the server cloned before it was stopped takes this one; the next one waits on the server
        assertThat(Namespaces.spawn().run("/bin/true").exitCode()).isZero();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                Namespaces.spawn().run("/bin/true");
            } catch (Throwable e) {
                failure.set(e);
            } finally {
                done.complete(null);
            }
        });
        try {
            t.start();
            // the spawn waits on the stopped server: wait until it is in that wait, then interrupt it
            while (!waitsOnTheServer(t) && !done.isDone()) {
                Thread.onSpinWait();
            }
            t.interrupt();
            done.get(30, TimeUnit.SECONDS);
            assertThat(failure.get()).isInstanceOf(NamespaceException.class);
            assertThat(((NamespaceException) failure.get()).errnoName()).isEqualTo("EINTR");
        } finally {
            kill("CONT", server);
        }
        // the server answers the abandoned request late: its launcher is reaped, and spawns go on
        assertThat(Namespaces.spawn().run("/bin/true").exitCode()).isZero();
        assertThat(Namespaces.spawn().run("/bin/true").exitCode()).isZero();
    }

    /** The server's standby supervisor (the launcher's light.c), once one waits for a light spawn. */
    private static long awaitStandby() throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            List<ProcessHandle> standbys = ProcessHandle.current().children()
                    .filter(h -> "jns-standby".equals(comm(h.pid()))).toList();
            if (standbys.size() == 1) {
                return standbys.get(0).pid();
            }
            Thread.sleep(5);
        }
        throw new AssertionError("not one standby supervisor among the JVM's children");
    }

    /** The scheduling policy in a /proc/PID/stat line (field 41: 0 SCHED_OTHER, 3 SCHED_BATCH). */
    private static int policy(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
        return Integer.parseInt(f[41 - 3]);
    }

    /**
     * A light spawn is taken by the standby the server cloned before it came (no clone on its way), the server
     * clones the next one, and when jns replaces a server that died, the standby still waiting for it is ended and
     * reaped (it is the JVM's child).
     */
    @Test
    void aStandbyTakesTheNextLightSpawnAndEndsWithItsServer() throws Exception {
        long server = server();
        long standby = awaitStandby();
        assertThat(parent(standby)).isEqualTo(ProcessHandle.current().pid());
        try (NsProcess p = Namespaces.spawn().start("/bin/sleep", "30")) {
            assertThat(parent(p.pid())).as("the launcher of a light spawn").isEqualTo(standby);
            p.destroyForcibly();
            p.waitFor();
        }
        long next = awaitStandby();
        assertThat(next).isNotEqualTo(standby);
        ProcessHandle.of(server).orElseThrow().destroyForcibly();
        ProcessHandle.of(server).orElseThrow().onExit().get(5, TimeUnit.SECONDS);
        // a spawn that is not light goes to the server itself, finds it gone and has it replaced
        assertThat(Namespaces.spawn().newUser().mapRootUser().newTime().run("/bin/true").exitCode()).isZero();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (Files.exists(Path.of("/proc", Long.toString(next))) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(Path.of("/proc", Long.toString(next))).as("the dead server's standby, reaped").doesNotExist();
    }

    /**
     * The server runs as SCHED_BATCH (its wake-ups do not take the CPU of the standby that wakes it), and nothing of a
     * sandbox keeps that policy: the launcher, the init and the command run as SCHED_OTHER.
     */
    @Test
    void nothingOfASpawnRunsWithTheServersBatchPolicy() throws Exception {
        long server = server();
        awaitStandby();
        assertThat(policy(Files.readString(Path.of("/proc", Long.toString(server), "stat")))).isEqualTo(3);
        String out = Namespaces.spawn().run("/bin/sh", "-c", "cat /proc/self/stat /proc/$PPID/stat").stdout();
        assertThat(out.lines().map(ForkServerTest::policy).toList()).as(out).containsExactly(0, 0);
        if (Probe.root()) { // a light sandbox: its init too
            out = Namespaces.spawn().newUser().mapRootUser().newPid().mountProc()
                    .run("/bin/sh", "-c", "cat /proc/self/stat /proc/1/stat").stdout();
            assertThat(out.lines().map(ForkServerTest::policy).toList()).as(out).containsExactly(0, 0);
        }
    }

    private static boolean waitsOnTheServer(Thread t) {
        for (StackTraceElement e : t.getStackTrace()) {
            if (e.getClassName().endsWith("ForkServer") && e.getMethodName().equals("await")) {
                return true;
            }
        }
        return false;
    }
}
