package dev.jns.linux.sandbox;

import dev.jns.NamespaceException;
import dev.jns.Namespaces;
import dev.jns.NsProcess;
import dev.jns.Spawn;
import dev.jns.SpawnResult;
import dev.jns.linux.testing.Probe;
import dev.jns.linux.testing.SandboxSupport;
import dev.jns.sandbox.BindOwner;
import dev.jns.sandbox.MountPlan;
import dev.jns.sandbox.Security;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 13 item 1 and issue 19, from a JVM of an unprivileged user (Maven: -Djns.rootlessUser=jnsci): nothing
 * changes for it. Its sandbox's root is the user itself on the host (no subordinate range is imposed, the system
 * property is ignored), what it writes is its own, and an idmapped bind is refused with the kernel's reason.
 */
@Tag("rootless")
class RootlessSandboxIdsTest {
    private Path out;

    @BeforeAll
    static void notRoot() {
        Assumptions.assumeFalse(Probe.root(), "runs only in a JVM of an unprivileged user "
                + "(mvn -Djns.rootlessUser=jnsci ...); as root see IdmappedBindTest.aRootlessCallerCannotIdmap...");
    }

    @BeforeEach
    void setUp() throws IOException {
        out = Files.createTempDirectory("jns-rootless-ids-");
    }

    @AfterEach
    void tearDown() throws IOException {
        System.clearProperty("jns.sandbox.subids");
        SandboxSupport.deleteTree(out);
    }

    private Spawn sandbox(MountPlan plan) {
        return SandboxSupport.inMinimalRoot(Namespaces.spawn().newUser().mapRootUser().newPid().newMount(), plan);
    }

    @Test
    void theSandboxsRootIsTheUserAndWritesAsTheUser() throws Exception {
        System.setProperty("jns.sandbox.subids", "300000:1000"); // a root caller's setting: no effect here
        NsProcess p = sandbox(new MountPlan().bind(out, Path.of("/out")))
                .start("sh", "-c", "touch /out/mine; id -u; read x");
        try {
            String uid = Files.readAllLines(Path.of("/proc/" + p.pid() + "/status")).stream()
                    .filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();
            assertThat(uid.split("\\s+")[1]).isEqualTo(String.valueOf(Probe.uid()));
        } finally {
            p.getOutputStream().close();
            p.waitFor();
            p.getInputStream().close();
            p.getErrorStream().close();
        }
        long owner = ((Number) Files.getAttribute(out.resolve("mine"), "unix:uid", LinkOption.NOFOLLOW_LINKS))
                .longValue();
        assertThat(owner).isEqualTo(Probe.uid());
    }

    @Test
    void hostRootOptionsChangeNothingForAPlainUser() {
        SpawnResult r = sandbox(new MountPlan()).security(Security.builder().subordinateIds("300000:1000")
                .allowHostRoot(true).build()).run("cat", "/proc/self/uid_map");
        assertThat(r.stdout().trim().split("\\s+")).containsExactly("0", String.valueOf(Probe.uid()), "1");
    }

    @Test
    void theCallerAsOwnerNeedsNoIdmapHere() throws Exception {
        SpawnResult r = sandbox(new MountPlan().bind(out, Path.of("/out"), BindOwner.caller()))
                .run("touch", "/out/mine");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(((Number) Files.getAttribute(out.resolve("mine"), "unix:uid")).longValue()).isEqualTo(Probe.uid());
    }

    @Test
    void anIdmappedBindIsRefusedWithTheKernelsReason() {
        assertThatThrownBy(() -> sandbox(new MountPlan().bind(out, Path.of("/out"), BindOwner.of(65534, 65534)))
                .run("true"))
                .isInstanceOfSatisfying(NamespaceException.class, e -> {
                    assertThat(e.step()).contains("bind " + out + " -> /out").contains("idmap");
                    assertThat(e.errnoName()).isEqualTo("EPERM");
                    assertThat(e.hint()).contains("CAP_SYS_ADMIN").contains("cannot idmap host file systems");
                });
    }
}
