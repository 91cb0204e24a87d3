package dev.jns.linux.sandbox;

import dev.jns.linux.testing.FreshJvm;
import dev.jns.linux.testing.Probe;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, item 10: no staging mount escapes to the caller. A JVM whose mount namespace has a shared {@code /}
 * ({@code unshare --mount --propagation shared}, as under systemd) runs {@link StagingLeakMain}: a root switch
 * with propagation UNCHANGED is refused before any process exists, and setups that fail after the staging tmpfs
 * was mounted leave the JVM's mount count as it was. Root only: a namespace of the test's own with a shared /
 * needs CAP_SYS_ADMIN (the rootless launcher runs the same C code, and the spec rule holds for both).
 */
class StagingLeakTest {
    @Test
    void failedSetupsUnderASharedRootLeaveNothingInTheCallersNamespace() throws Exception {
        Assumptions.assumeTrue(Probe.root(), "needs root: a mount namespace of the test's own with a shared /");
        String java = FreshJvm.java();
        Process jvm = new ProcessBuilder("unshare", "--mount", "--propagation", "shared", "--", java,
                "-cp", System.getProperty("java.class.path"), StagingLeakMain.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        jvm.getInputStream().transferTo(out);
        assertThat(jvm.waitFor()).isZero();
        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("unchanged invalid:mounts propagation ");
        assertThat(lines.get(1)).startsWith("slave failed:ENOENT ");
        assertThat(lines.get(2)).startsWith("private failed:ENOENT ");
        assertThat(lines.get(3)).startsWith("badroot failed:ENOTDIR ");
        for (String l : lines) {
            String[] f = l.split(" ");
            assertThat(f[f.length - 1]).as("mounts of the caller after: %s", l).isEqualTo(f[f.length - 2]);
        }
    }
}
