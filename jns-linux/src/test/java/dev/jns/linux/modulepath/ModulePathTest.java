package dev.jns.linux.modulepath;

import dev.jns.linux.testing.FreshJvm;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * jns-linux's module descriptor, exercised: the rest of jns-linux's tests run on the class path (they start JVMs
 * of their own from {@code java.class.path}), so this one starts a JVM with jns-core, jns-linux and their
 * run-time dependencies on the module path (as the build resolved them: {@code jns.test.modulePath}, set by the
 * pom) and {@link ModulePathMain} on the class path. {@code ServiceLoader} finds the provider through
 * {@code provides} alone (a named module's {@code META-INF/services} is not read), the module exports and
 * opens nothing, and its JNI library (a resource of one of its own packages) loads, so that system calls and a
 * spawn work from the named module. On JDK 24+ the one flag users need,
 * {@code --enable-native-access=dev.jns.linux}, leaves no warning.
 */
class ModulePathTest {
    @Test
    void theProviderResolvesAndWorksOnTheModulePath(@TempDir Path tmp) throws Exception {
        String modulePath = System.getProperty("jns.test.modulePath", "");
        Assumptions.assumeFalse(modulePath.isBlank() || modulePath.contains("${"),
                "needs jns.test.modulePath, which jns-linux's pom sets for surefire (not set in this run)");
        Path classes = Path.of(ModulePathMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String java = FreshJvm.java();
        Path err = tmp.resolve("stderr");
        Process jvm = new ProcessBuilder(java, "--module-path", modulePath, "--add-modules", "dev.jns.linux",
                "--enable-native-access=dev.jns.linux", "-cp", classes.toString(),
                ModulePathMain.class.getName())
                .redirectError(err.toFile()).start();
        jvm.getOutputStream().close();
        String out = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = jvm.waitFor();
        String stderr = Files.readString(err);
        assertThat(code).as("exit code; stdout:%n%s%nstderr:%n%s", out, stderr).isZero();
        List<String> lines = out.lines().toList();
        assertThat(lines).containsExactly(
                "provider=dev.jns.linux.LinuxNamespaceProvider",
                "module=dev.jns.linux",
                "exports=[]",
                "opens=[]",
                "uts=UTS",
                "spawn=0 on-the-module-path");
        assertThat(stderr).as("the child's stderr").doesNotContain("restricted method").doesNotContain("Exception");
    }
}
