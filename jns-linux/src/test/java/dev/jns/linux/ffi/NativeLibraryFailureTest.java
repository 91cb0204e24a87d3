package dev.jns.linux.ffi;

import dev.jns.linux.testing.FreshJvm;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where jns's native library cannot be loaded (here: {@code -Djns.native.dir=/proc}, where nobody can make a
 * directory), every call of the API says so with a {@link dev.jns.NamespaceException} that names the step and
 * the way out, the later calls too: not an ExceptionInInitializerError once and a NoClassDefFoundError after.
 * Whether the thread jns-prepare met the failure first (it loads the library ahead of the first spawn) or the
 * spawn did.
 */
class NativeLibraryFailureTest {
    @ParameterizedTest(name = "-Djns.prepare={0}")
    @ValueSource(strings = {"true", "false"})
    void everyCallReportsTheFailedLoadAsANamespaceException(String prepare) throws Exception {
        String java = FreshJvm.java();
        Process jvm = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-Djns.native.dir=/proc",
                "-Djns.prepare=" + prepare,
                "-cp", System.getProperty("java.class.path"), NoLibraryMain.class.getName())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        List<String> lines;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8))) {
            lines = r.lines().toList();
        }
        assertThat(jvm.waitFor()).isZero();
        assertThat(lines).hasSize(3).allSatisfy(l -> assertThat(l)
                .startsWith("NamespaceException | write /proc")
                .contains("| EIO |")
                .contains("set -Djns.native.dir=DIR to a writable directory"));
    }
}
