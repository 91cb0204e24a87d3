package dev.jns.linux.sandbox;

import dev.jns.NamespaceException;
import dev.jns.Namespaces;
import dev.jns.Spawn;
import dev.jns.SpawnResult;
import dev.jns.linux.testing.LeakCheck;
import dev.jns.linux.testing.Probe;
import dev.jns.linux.testing.SandboxSupport;
import dev.jns.sandbox.MountPlan;
import dev.jns.sandbox.SeccompFilter;
import dev.jns.sandbox.SeccompFilter.Condition;
import dev.jns.sandbox.Security;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 13, items 2, 4, 5 and 6, as the sandbox's command sees them: a masked /proc, a fresh session keyring,
 * the default seccomp filter (each refused call refused; gcc+make, python3 and a JVM unchanged), its extensions,
 * and an init without privileges. Run by {@link SecureSandboxTest} (root JVM), {@link SecureSandboxRunAsTest}
 * (root JVM, runAs jnsci) and {@link RootlessSecureSandboxTest} (a JVM running as jnsci).
 */
abstract class SecureSandboxContract {
    /** The calls the default filter refuses, and the errno each gets. */
    static final Map<String, String> REFUSED = new LinkedHashMap<>();

    static {
        for (String c : new String[] {"keyctl", "add_key", "request_key", "io_uring_setup", "userfaultfd",
            "perf_event_open", "kexec_load", "kexec_file_load", "bpf", "personality_0x40000", "personality_1",
            "socket_vsock", "open_by_handle_at", "mount", "unshare_user", "clone_user", "pidfd_getfd", "swapon",
            "init_module"}) {
            REFUSED.put(c, "EPERM");
        }
        REFUSED.put("clone3", "ENOSYS");
    }

    /** Allowed by the default filter (as by Docker's). */
    static final String[] ALLOWED = {"personality_0", "personality_8", "personality_query", "socket_inet"};

    private static Path probeDir;
    private LeakCheck leaks;

    /** A spawn in new namespaces, as the subclass's caller runs it (root, runAs, rootless). */
    abstract Spawn base();

    @BeforeAll
    static void compileProbe() throws Exception {
        SandboxSupport.warmUp();
        Assumptions.assumeTrue(Probe.onPath("gcc"), "gcc is needed to build the system call probe");
        probeDir = SandboxSupport.sharedDir("jns-probe-");
        Path src = probeDir.resolve("syscall_probe.c");
        try (InputStream in = SecureSandboxContract.class.getResourceAsStream("syscall_probe.c")) {
            Files.write(src, in.readAllBytes());
        }
        Process gcc = new ProcessBuilder("gcc", "-O1", "-o", probeDir.resolve("probe").toString(), src.toString())
                .redirectErrorStream(true).start();
        String out = new String(gcc.getInputStream().readAllBytes());
        assertThat(gcc.waitFor()).as(out).isZero();
        probeDir.resolve("probe").toFile().setReadable(true, false);
        probeDir.resolve("probe").toFile().setExecutable(true, false);
    }

    @AfterAll
    static void removeProbe() throws IOException {
        if (probeDir != null) {
            SandboxSupport.deleteTree(probeDir);
        }
    }

    @BeforeEach
    void startLeakCheck() {
        leaks = LeakCheck.start();
    }

    @AfterEach
    void checkLeaks() {
        leaks.assertNoLeaks();
    }

    /** The build-step sandbox: {@link SandboxSupport#minimalRoot()} with the probe at /probe. */
    Spawn sandbox() {
        return SandboxSupport.inMinimalRoot(base(), new MountPlan().roBind(probeDir, Path.of("/probe")));
    }

    private static Map<String, String> probe(SpawnResult r) {
        Map<String, String> m = new LinkedHashMap<>();
        r.stdout().lines().map(l -> l.split(" ", 2)).filter(f -> f.length == 2).forEach(f -> m.put(f[0], f[1]));
        return m;
    }

    private static String status(SpawnResult r, String key) {
        return r.stdout().lines().filter(l -> l.startsWith(key + ":")).map(l -> l.substring(key.length() + 1).trim())
                .findFirst().orElseThrow(() -> new AssertionError(key + " not in " + r.stdout() + r.stderr()));
    }

    // item 2 ------------------------------------------------------------------------------------------------

    @Test
    void procIsMaskedInASandbox() {
        SpawnResult r = sandbox().newUts().run("sh", "-c",
                "echo box > /proc/sys/kernel/hostname 2>/dev/null && echo sysctl-written; "
                + "echo $(wc -c < /proc/keys) keys-bytes; echo $(wc -c < /proc/timer_list) timer-bytes; "
                + "echo 1 > /proc/sysrq-trigger 2>/dev/null && echo sysrq-written; "
                + "grep -E ' /proc/(sys|irq|bus) ' /proc/self/mountinfo | grep -c ' ro,'");
        assertThat(r.stdout()).as(r.stderr()).doesNotContain("sysctl-written").doesNotContain("sysrq-written")
                .contains("0 keys-bytes").contains("0 timer-bytes");
        assertThat(r.stdout().lines().reduce((a, b) -> b).orElse("")).isNotEqualTo("0");
    }

    @Test
    void mountProcOfAPlainSpawnIsMaskedAndMaskProcFalseUnmasksIt() {
        String script = "grep -c ' /proc/sys ro,' /proc/self/mountinfo; echo box > /proc/sys/kernel/hostname";
        SpawnResult masked = base().newUts().mountProc().run("sh", "-c", script);
        assertThat(masked.stdout()).isEqualTo("1\n");
        assertThat(masked.stderr()).contains("Read-only file system");
        SpawnResult open = base().newUts().mountProc().security(Security.builder().maskProc(false).build())
                .run("sh", "-c", script);
        assertThat(open.stdout()).isEqualTo("0\n");
        assertThat(open.stderr()).doesNotContain("Read-only file system");
    }

    // item 4 ------------------------------------------------------------------------------------------------

    @Test
    void theCallersSessionKeysAreOutOfReachAndKeysAddedInsideEndWithTheSandbox() {
        Assumptions.assumeTrue(Probe.onPath("keyctl"), "keyutils' keyctl is needed");
        String name = "jns-test-" + UUID.randomUUID();
        SpawnResult added = Namespaces.spawn().run("keyctl", "add", "user", name, "caller-secret", "@s");
        Assumptions.assumeTrue(added.success(), "no session keyring to add to: " + added.stderr());
        String id = added.stdout().trim();
        try {
            // the filter refuses keyctl anyway: lift that, to see the keyring itself
            Security keysAllowed = Security.builder()
                    .seccomp(SeccompFilter.defaults().allow("keyctl").allow("add_key")).build();
            SpawnResult r = sandbox().security(keysAllowed).run("sh", "-c",
                    "keyctl print " + id + " 2>&1; keyctl add user jns-inside inside-secret @s");
            assertThat(r.stdout()).doesNotContain("caller-secret");
            String inside = r.stdout().lines().reduce((a, b) -> b).orElseThrow().trim();
            assertThat(inside).as(r.stderr()).matches("\\d+");
            SpawnResult after = Namespaces.spawn().run("keyctl", "print", inside);
            assertThat(after.success()).isFalse();
            assertThat(after.stdout()).doesNotContain("inside-secret");
        } finally {
            Namespaces.spawn().run("keyctl", "unlink", id, "@s");
        }
    }

    @Test
    void keyctlIsRefusedByTheDefaultFilter() {
        Assumptions.assumeTrue(Probe.onPath("keyctl"), "keyutils' keyctl is needed");
        SpawnResult r = sandbox().run("keyctl", "show", "@s");
        assertThat(r.success()).isFalse();
        assertThat(r.stderr()).contains("Operation not permitted");
    }

    // item 5 ------------------------------------------------------------------------------------------------

    @Test
    void theDefaultFilterRefusesWhatDockersRefuses() {
        String[] calls = java.util.stream.Stream.concat(REFUSED.keySet().stream(), java.util.Arrays.stream(ALLOWED))
                .toArray(String[]::new);
        String[] argv = new String[calls.length + 1];
        argv[0] = "/probe/probe";
        System.arraycopy(calls, 0, argv, 1, calls.length);
        Map<String, String> got = probe(sandbox().run(argv));
        REFUSED.forEach((call, errno) -> assertThat(got.get(call)).as(call).isEqualTo(errno));
        for (String call : ALLOWED) {
            assertThat(got.get(call)).as(call).isEqualTo("ok");
        }
    }

    @Test
    void theOtherAbiIsKilled() {
        SpawnResult outside = Namespaces.spawn().run(probeDir.resolve("probe").toString(), "i386_getpid");
        Assumptions.assumeTrue(outside.success(), "this kernel has no i386 entry (IA32 emulation off): "
                + outside.outcome());
        SpawnResult r = sandbox().run("/probe/probe", "i386_getpid");
        assertThat(r.exitCode()).as(r.outcome().toString()).isEqualTo(128 + 31); // SIGSYS
    }

    @Test
    void aCompileWithGccAndMakeAPythonScriptAndAJvmRunUnchanged() {
        String javaHome = System.getProperty("java.home");
        Assumptions.assumeTrue(Probe.onPath("make") && Probe.onPath("python3"), "needs make and python3");
        MountPlan jdk = javaHome.startsWith("/usr/") ? new MountPlan()
                : new MountPlan().roBind(Path.of(javaHome), Path.of(javaHome));
        String script = "cd /tmp && printf '#include <stdio.h>\\nint main(void){puts(\"built\");return 0;}\\n' > m.c"
                + " && printf 'm: m.c\\n\\tgcc -O2 -o m m.c\\n' > Makefile && make -s && ./m"
                + " && python3 -c 'import subprocess, threading, tempfile, socket; "
                + "t = threading.Thread(target=print, args=(\"python\",)); t.start(); t.join(); "
                + "socket.socket().close(); print(subprocess.run([\"true\"]).returncode)'"
                + " && " + javaHome + "/bin/java -Xshare:auto -version 2>&1 | head -n 1";
        SpawnResult r = SandboxSupport.inMinimalRoot(base(), jdk).run("sh", "-c", script);
        assertThat(r.stdout()).as(r.stderr()).startsWith("built\npython\n0\n").contains("version");
        assertThat(r.exitCode()).isZero();
    }

    @Test
    void anExtendedFilterAddsRulesWithConditions() {
        SeccompFilter f = SeccompFilter.defaults().errno("mkdir", 13)
                .errno("socket", 97, Condition.eq(0, 10)) // AF_INET6: EAFNOSUPPORT
                .allow("personality");
        SpawnResult r = sandbox().security(Security.builder().seccomp(f).build()).run("sh", "-c",
                "mkdir /tmp/d 2>&1; /probe/probe socket_inet personality_0x40000 keyctl; "
                + "python3 -c 'import socket; socket.socket(socket.AF_INET6)' 2>&1 | tail -n 1");
        assertThat(r.stdout()).contains("Permission denied").contains("socket_inet ok")
                .contains("personality_0x40000 ok").contains("keyctl EPERM").contains("Address family not supported");
    }

    @Test
    void aKillRuleKillsAndNoneLeavesEverything() {
        SpawnResult killed = sandbox().security(Security.builder().seccomp(SeccompFilter.none().kill("uname")).build())
                .run("uname");
        assertThat(killed.exitCode()).isEqualTo(128 + 31);
        SpawnResult none = sandbox().security(Security.builder().seccomp(SeccompFilter.none()).build())
                .run("/probe/probe", "keyctl", "personality_1", "socket_vsock");
        // (without the filter the kernel has its say: socket_vsock may fail with EAFNOSUPPORT, never EPERM)
        assertThat(none.stdout()).contains("keyctl ok").contains("personality_1 ok")
                .doesNotContain("socket_vsock EPERM");
    }

    @Test
    void aNameTheLaunchersLibseccompDoesNotKnowFailsTheSpawnNamingIt() {
        Security s = Security.builder().seccomp(SeccompFilter.defaults().errno("no_such_call", 1)).build();
        var spawn = sandbox().security(s); // outside the lambda: its assumption skips, it does not fail
        assertThatThrownBy(() -> spawn.run("true"))
                .isInstanceOfSatisfying(NamespaceException.class, e -> {
                    assertThat(e.step()).isEqualTo("seccomp filter");
                    assertThat(e.errnoName()).isEqualTo("EINVAL");
                    assertThat(e.getMessage()).contains("no_such_call");
                });
    }

    @Test
    void aCompiledBpfProgramIsLoaded() {
        Assumptions.assumeTrue("amd64".equals(System.getProperty("os.arch")), "the program below is for x86-64");
        // ld [nr]; jeq 63 (uname) ? next : skip; ret ERRNO|95 (EOPNOTSUPP); ret ALLOW
        ByteBuffer b = ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort((short) 0x20).put((byte) 0).put((byte) 0).putInt(0);
        b.putShort((short) 0x15).put((byte) 0).put((byte) 1).putInt(63);
        b.putShort((short) 0x06).put((byte) 0).put((byte) 0).putInt(0x00050000 | 95);
        b.putShort((short) 0x06).put((byte) 0).put((byte) 0).putInt(0x7fff0000);
        SpawnResult r = sandbox().security(Security.builder()
                .seccomp(SeccompFilter.defaults().withBpf(b.array())).build()).run("uname");
        assertThat(r.stderr()).contains("not supported");
        assertThat(r.exitCode()).isNotZero();
    }

    @Test
    void disableNestedUserNamespacesHoldsWithoutTheDefaultFilter() {
        Assumptions.assumeTrue(Probe.onPath("unshare"), "needs unshare");
        Security open = Security.builder().seccomp(SeccompFilter.none()).build();
        assertThat(sandbox().security(open).run("unshare", "-U", "true").exitCode()).isZero();
        Security closed = open.toBuilder().disableNestedUserNamespaces(true).build();
        SpawnResult r = sandbox().security(closed).run("unshare", "-U", "true");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.stderr()).contains("Operation not permitted");
    }

    // item 6 ------------------------------------------------------------------------------------------------

    @Test
    void theInitHasNoCapabilitiesAndNoNewPrivileges() {
        SpawnResult r = sandbox().run("cat", "/proc/1/status");
        assertThat(status(r, "Name")).isEqualTo("jns-init");
        assertThat(status(r, "CapEff")).isEqualTo("0000000000000000");
        assertThat(status(r, "CapPrm")).isEqualTo("0000000000000000");
        assertThat(status(r, "NoNewPrivs")).isEqualTo("1");
    }
}
