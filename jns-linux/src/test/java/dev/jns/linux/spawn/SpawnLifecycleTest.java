package dev.jns.linux.spawn;

import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsHandle;
import dev.jns.NsProcess;
import dev.jns.SpawnResult;
import dev.jns.linux.testing.NoLeaks;
import dev.jns.linux.testing.Probe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.ProcessBuilder.Redirect;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Exit statuses, signals, destroy, streams and redirects, fds: what users of Process rely on. */
@org.junit.jupiter.api.extension.ExtendWith(NoLeaks.class)
class SpawnLifecycleTest {

    @Test
    void exitCodesComeBackExactly() {
        for (int code : new int[] {0, 1, 3, 42, 127, 255}) {
            assertThat(Namespaces.spawn().run("/bin/sh", "-c", "exit " + code).exitCode()).isEqualTo(code);
            assertThat(Namespaces.spawn().newPid().newUser().mapRootUser().run("/bin/sh", "-c", "exit " + code).exitCode())
                    .as("under init").isEqualTo(code);
        }
    }

    @Test
    void deathBySignalIs128PlusSignalWithTheSignalKnown() throws Exception {
        for (boolean pidns : new boolean[] {false, true}) {
            var s = Namespaces.spawn();
            if (pidns) {
                s.newUser().mapRootUser().newPid();
            }
            try (NsProcess p = s.start("/bin/sh", "-c", "kill -TERM $$")) {
                assertThat(p.waitFor()).isEqualTo(143);
                assertThat(p.outcome().signal()).isEqualTo(15);
            }
        }
        try (NsProcess p = Namespaces.spawn().start("/bin/true")) {
            p.waitFor();
            assertThat(p.outcome().signal()).isZero();
        }
    }

    @Test
    void destroyReachesTheCommandThroughInitAndItsTrap() throws Exception {
        try (NsProcess p = Namespaces.spawn().newUser().mapRootUser().newPid()
                .start("/bin/sh", "-c", "trap 'echo got-term; exit 7' TERM; echo ready; while :; do sleep 0.05; done")) {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("ready");
            p.destroy();
            assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue();
            assertThat(out.readLine()).isEqualTo("got-term");
            assertThat(p.exitValue()).isEqualTo(7);
        }
    }

    @Test
    void forwardedSignalsReachTheCommand() throws Exception {
        for (String sig : List.of("INT", "HUP", "QUIT", "USR1", "USR2")) {
            try (NsProcess p = Namespaces.spawn().newUser().mapRootUser().newPid()
                    .start("/bin/sh", "-c", "trap 'exit 9' " + sig + "; echo ready; while :; do sleep 0.05; done")) {
                BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                assertThat(out.readLine()).isEqualTo("ready");
                // signal the launcher, as an outside supervisor would: it forwards to init, init to the command
                long launcher = ProcessHandle.of(p.pid()).flatMap(ProcessHandle::parent).orElseThrow().pid();
                new ProcessBuilder("kill", "-" + sig, Long.toString(launcher)).start().waitFor();
                assertThat(p.waitFor(5, TimeUnit.SECONDS)).as(sig).isTrue();
                assertThat(p.exitValue()).as(sig).isEqualTo(9);
            }
        }
    }

    @Test
    void destroyForciblyEndsTheWholePidNamespace() throws Exception {
        try (NsProcess p = Namespaces.spawn().newUser().mapRootUser().newPid()
                .start("/bin/sh", "-c", "trap '' TERM; (trap '' TERM; sleep 1000) & echo $!; wait")) {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isNotNull();
            List<ProcessHandle> inside = ProcessHandle.of(p.pid()).orElseThrow().descendants().toList();
            assertThat(inside).hasSizeGreaterThanOrEqualTo(2);
            p.destroyForcibly();
            assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).isEqualTo(137);
            for (ProcessHandle h : inside) {
                long deadline = System.nanoTime() + 1_000_000_000L;
                while (Probe.alive(h.pid()) && System.nanoTime() < deadline) {
                    Probe.sleep(10);
                }
                assertThat(Probe.alive(h.pid())).as("process %d of the sandbox", h.pid()).isFalse();
            }
        }
    }

    @Test
    void waitForWithTimeoutOnExitAndIsAlive() throws Exception {
        try (NsProcess p = Namespaces.spawn().start("/bin/sh", "-c", "read x; exit 5")) {
            assertThat(p.isAlive()).isTrue();
            assertThat(p.waitFor(50, TimeUnit.MILLISECONDS)).isFalse();
            assertThat(p.toHandle().pid()).isEqualTo(p.pid());
            var exit = p.onExit();
            p.getOutputStream().write('\n');
            p.getOutputStream().close();
            assertThat(exit.get(5, TimeUnit.SECONDS)).isSameAs(p);
            assertThat(p.exitValue()).isEqualTo(5);
            assertThat(p.isAlive()).isFalse();
        }
    }

    @Test
    void aSliceWrittenToStdinArrivesWhole() throws Exception {
        // more than a pipe holds, from an offset: FdStreams hands the binding the array and the range, no copies
        byte[] data = new byte[300_010];
        new java.util.Random(17).nextBytes(data);
        String expected = java.util.HexFormat.of().formatHex(
                java.security.MessageDigest.getInstance("SHA-256").digest(java.util.Arrays.copyOfRange(data, 7, 300_007)));
        try (NsProcess p = Namespaces.spawn().start("sha256sum")) {
            try (OutputStream in = p.getOutputStream()) {
                in.write(data, 7, 300_000);
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
            assertThat(p.waitFor()).isZero();
            assertThat(out).startsWith(expected + " ");
        }
    }

    @Test
    void stdinStdoutStderrArePipes() throws Exception {
        try (NsProcess p = Namespaces.spawn().start("/bin/sh", "-c", "cat; echo err >&2")) {
            try (OutputStream in = p.getOutputStream()) {
                in.write("hello through the pipe\n".getBytes(StandardCharsets.UTF_8));
            }
            assertThat(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("hello through the pipe\n");
            assertThat(new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("err\n");
            assertThat(p.waitFor()).isZero();
        }
    }

    @Test
    void largeOutputIsCapturedWhole() {
        SpawnResult r = Namespaces.spawn().run("/bin/sh", "-c", "head -c 3000000 /dev/zero | tr '\\0' a; head -c 100000 /dev/zero | tr '\\0' b >&2");
        assertThat(r.stdout()).hasSize(3_000_000);
        assertThat(r.stderr()).hasSize(100_000);
    }

    @Test
    void redirectsToFilesAndFromFiles(@TempDir Path dir) throws Exception {
        Path in = Files.writeString(dir.resolve("in"), "from a file\n");
        Path out = dir.resolve("out");
        Path err = dir.resolve("err");
        SpawnResult r = Namespaces.spawn().redirectInput(Redirect.from(in.toFile())).redirectOutput(Redirect.to(out.toFile()))
                .redirectError(Redirect.appendTo(err.toFile())).run("/bin/sh", "-c", "cat; echo e >&2");
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).isEmpty();
        assertThat(Files.readString(out)).isEqualTo("from a file\n");
        Namespaces.spawn().redirectError(Redirect.appendTo(err.toFile())).run("/bin/sh", "-c", "echo f >&2");
        assertThat(Files.readString(err)).isEqualTo("e\nf\n");
        SpawnResult merged = Namespaces.spawn().redirectErrorStream(true).run("/bin/sh", "-c", "echo a; echo b >&2");
        assertThat(merged.stdout()).isEqualTo("a\nb\n");
        assertThat(Namespaces.spawn().redirectOutput(Redirect.DISCARD).run("/bin/echo", "x").stdout()).isEmpty();
    }

    @Test
    void directoryAndEnvironment(@TempDir Path dir) {
        SpawnResult r = Namespaces.spawn().directory(dir).clearEnv().env("JNS_X", "1 2").env("PATH", "/usr/bin:/bin")
                .run("/bin/sh", "-c", "pwd; env | sort");
        assertThat(r.stdout().lines().toList()).containsExactly(dir.toString(), "JNS_X=1 2", "PATH=/usr/bin:/bin", "PWD=" + dir);
    }

    @Test
    void onlyStdioReachesTheCommand() throws Exception {
        // an fd the JVM holds without CLOEXEC must not leak either
        Path f = Files.createTempFile("jns-leak", ".txt");
        try (var raf = new java.io.RandomAccessFile(f.toFile(), "r")) {
            for (var s : List.of(Namespaces.spawn(), Namespaces.spawn().newUser().mapRootUser().newPid().newNet())) {
                SpawnResult r = s.run("/bin/ls", "/proc/self/fd");
                assertThat(r.stdout().lines().toList()).as("fds of ls (3 is the directory it lists)")
                        .isSubsetOf("0", "1", "2", "3");
            }
        } finally {
            Files.delete(f);
        }
    }

    @Test
    void manyThreadsSpawnAtOnce() throws Exception {
        int threads = 16;
        int each = 50;
        var pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            List<java.util.concurrent.Future<Integer>> results = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    int ok = 0;
                    for (int i = 0; i < each; i++) {
                        int code = (thread * each + i) % 200;
                        var s = Namespaces.spawn();
                        if (i % 2 == 0) {
                            s.newUser().mapRootUser().newPid().newUts().newIpc();
                        }
                        SpawnResult r = s.run("/bin/sh", "-c", "echo " + code + "; exit " + code);
                        if (r.exitCode() == code && r.stdout().equals(code + "\n")) {
                            ok++;
                        }
                    }
                    return ok;
                }));
            }
            int ok = 0;
            for (var f : results) {
                ok += f.get(120, TimeUnit.SECONDS);
            }
            assertThat(ok).isEqualTo(threads * each);
        } finally {
            pool.shutdownNow();
        }
    }

    /** The ids are there right after start(), name the namespaces the process is in, and match the outcome's. */
    @Test
    void namespaceIdsAreKnownWhileTheCommandRuns() throws Exception {
        try (NsProcess p = Namespaces.spawn().newPid().newUts().newIpc().start("/bin/sleep", "30")) {
            java.util.Map<NamespaceType, Long> ids = p.namespaceIds();
            assertThat(ids).containsKeys(NamespaceType.PID, NamespaceType.UTS, NamespaceType.IPC, NamespaceType.NET);
            for (NamespaceType t : new NamespaceType[] {NamespaceType.PID, NamespaceType.UTS, NamespaceType.IPC}) {
                String link = java.nio.file.Files.readSymbolicLink(
                        java.nio.file.Path.of("/proc", Long.toString(p.pid()), "ns", t.procName())).toString();
                assertThat(link).as(t.toString()).isEqualTo(t.procName() + ":[" + ids.get(t) + "]");
            }
            try (NsHandle own = Namespaces.current(NamespaceType.UTS)) {
                assertThat(ids.get(NamespaceType.UTS)).isNotEqualTo(own.inode());
            }
            p.destroyForcibly();
            assertThat(p.outcome().namespaceIds()).isEqualTo(ids);
            assertThatThrownBy(() -> ids.put(NamespaceType.NET, 1L)).isInstanceOf(UnsupportedOperationException.class);
        }
    }
}
