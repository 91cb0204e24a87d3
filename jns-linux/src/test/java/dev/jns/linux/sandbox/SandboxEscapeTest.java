package dev.jns.linux.sandbox;

import dev.jns.linux.testing.SandboxSupport;
import dev.jns.linux.testing.WorkDir;
import dev.jns.sandbox.MountPlan;

import dev.jns.Spawn;
import dev.jns.SpawnResult;
import dev.jns.linux.testing.SandboxSupport.As;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each test is an escape attempt from a build-step sandbox (empty root, /usr read-only, one writable output,
 * new pid/net/ipc/uts namespaces, default hardening), as root and rootless. A test fails when the escape
 * succeeds: the shell prints ESCAPED then.
 */
class SandboxEscapeTest {
    @RegisterExtension
    final WorkDir work = new WorkDir("jns-escape-");
    private Path out;

    @BeforeEach
    void setUp() throws Exception {
        out = Files.createDirectories(work.resolve("out"));
        out.toFile().setWritable(true, false);
    }

    private Spawn step(As as) {
        // the empty root itself is the sandbox's own tmpfs: read-only too, so only /out and /tmp take writes
        return SandboxSupport.inMinimalRoot(SandboxSupport.spawn(as),
                new MountPlan().bind(out, Path.of("/out")).remountReadOnly(Path.of("/")));
    }

    /** Runs the script; it must print "contained" last and never "ESCAPED". */
    private SpawnResult attempt(As as, String script) {
        SpawnResult r = step(as).run("sh", "-c", script + "; echo contained");
        assertThat(r.stdout()).as("stderr: %s", r.stderr()).doesNotContain("ESCAPED").endsWith("contained\n");
        return r;
    }

    @ParameterizedTest
    @EnumSource(As.class)
    void cannotWriteOutsideItsOutput(As as) {
        SpawnResult r = attempt(as, "echo ok > /out/ok || echo ESCAPED-no-output; "
                + "echo ok > /tmp/ok || echo ESCAPED-no-tmp; "
                + "for f in /usr/jns-x /etc/jns-x /jns-x /bin/jns-x /etc/passwd /proc/jns-x; do "
                + "  if echo x > $f 2>/dev/null; then echo ESCAPED $f; fi; done");
        assertThat(out.resolve("ok")).exists();
        assertThat(Path.of("/usr/jns-x")).doesNotExist();
    }

    @ParameterizedTest
    @EnumSource(As.class)
    void writingTheReadOnlyBindGivesErofs(As as) {
        SpawnResult r = attempt(as, "touch /usr/jns-x 2>&1 | grep -q 'Read-only file system' || echo ESCAPED");
        assertThat(Path.of("/usr/jns-x")).doesNotExist();
        assertThat(r.exitCode()).isZero();
    }

    @ParameterizedTest
    @EnumSource(As.class)
    void cannotSeeHostProcesses(As as) {
        long jvm = ProcessHandle.current().pid();
        SpawnResult r = attempt(as, "ls /proc | grep -E '^[0-9]+$' | sort -n | tr '\\n' ' '; echo; "
                + "cat /proc/[0-9]*/comm | grep -qx java && echo ESCAPED-java-visible; "
                + "kill -0 " + jvm + " 2>/dev/null && echo ESCAPED-can-signal-" + jvm);
        // the init, the shell, and ls/grep/sort/tr of the pipeline: all small pids of the new namespace
        assertThat(r.stdout().lines().findFirst().orElse("")).startsWith("1 2 ");
    }

    @ParameterizedTest
    @EnumSource(As.class)
    void cannotReachAnythingButLoopback(As as) {
        SpawnResult r = attempt(as, "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' ; "
                + "ip route 2>/dev/null | grep -q . && echo ESCAPED-has-routes; "
                + "(exec 3<>/dev/tcp/1.1.1.1/53) 2>/dev/null && echo ESCAPED-tcp");
        assertThat(r.stdout()).startsWith("lo\n");
    }

    @ParameterizedTest
    @EnumSource(As.class)
    void cannotRemountTheReadOnlyBindWritable(As as) {
        attempt(as, "mount -o remount,bind,rw /usr 2>/dev/null && echo ESCAPED-remount; "
                + "mount -o remount,rw /usr 2>/dev/null && echo ESCAPED-remount2; "
                + "touch /usr/jns-x 2>/dev/null && echo ESCAPED-write");
        assertThat(Path.of("/usr/jns-x")).doesNotExist();
    }

    @ParameterizedTest
    @EnumSource(As.class)
    void cannotUndoTheBindsToSeeTheHostTree(As as) {
        attempt(as, "umount /usr 2>/dev/null && echo ESCAPED-umount; umount -l /out 2>/dev/null && echo ESCAPED-umount-l; "
                + "ls -d /oldroot /newroot /root /home /var 2>/dev/null && echo ESCAPED-host-tree; "
                + "test -e /proc/1/root/var && echo ESCAPED-proc-root; "
                + "chroot / true 2>/dev/null && echo ESCAPED-chroot; "
                + "unshare -m true 2>/dev/null; test -d /home && echo ESCAPED-after-unshare");
    }

    @ParameterizedTest
    @EnumSource(As.class)
    void cannotRegainCapabilitiesAfterNoNewPrivileges(As as) {
        SpawnResult r = attempt(as, "grep -E '^(CapEff|CapPrm|CapBnd|CapAmb|NoNewPrivs)' /proc/self/status; "
                + "setpriv --inh-caps +sys_admin --ambient-caps +sys_admin true 2>/dev/null && echo ESCAPED-setpriv; "
                + "su -c true root </dev/null 2>/dev/null && echo ESCAPED-su; "
                + "mount -t tmpfs none /tmp 2>/dev/null && echo ESCAPED-mount");
        assertThat(r.stdout()).contains("CapEff:\t0000000000000000", "CapPrm:\t0000000000000000",
                "CapBnd:\t0000000000000000", "CapAmb:\t0000000000000000", "NoNewPrivs:\t1");
    }

    @ParameterizedTest
    @EnumSource(As.class)
    void cannotOutliveItsTimeout(As as) throws Exception {
        // the background child holds an flock on /out/lock for as long as it lives: once run() has returned,
        // the lock must be free (no sleep, no timing: the lock is held exactly while a survivor exists)
        Path lock = out.resolve("lock");
        Files.writeString(lock, "");
        lock.toFile().setWritable(true, false);
        SpawnResult r = step(as).timeout(Duration.ofMillis(300), Duration.ofMillis(300))
                .run("sh", "-c", "trap '' TERM; (trap '' TERM; exec flock /out/lock sleep 1000) & "
                        + "while flock -n /out/lock true; do :; done; sleep 30");
        assertThat(r.outcome().timedOut()).isTrue();
        assertThat(r.outcome().signal()).isEqualTo(9);
        Process probe = new ProcessBuilder("flock", "-n", lock.toString(), "true").start();
        assertThat(probe.waitFor()).as("a background process outlived the sandbox (it still holds the lock)")
                .isZero();
    }
}
