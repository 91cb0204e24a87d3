package dev.jns.linux.spawn;

import dev.jns.linux.testing.FreshJvm;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The thread jns-prepare ({@code Providers.prepare}): a JVM's first {@code Namespaces.spawn()} starts it, to load
 * the spawn's code alongside the caller, and the first {@code run()} has waited for its end before it returns;
 * {@code -Djns.prepare=false} starts none. Its list names only classes there are.
 */
class PrepareTest {
    @Test
    void everyClassNamedLoads() throws Exception {
        for (String name : Preload.FIRST_RUN) {
            assertThat(Class.forName(name, false, getClass().getClassLoader())).as(name).isNotNull();
        }
        Class<?> library = Class.forName(Preload.LIBRARY_CLASS, false, getClass().getClassLoader());
        assertThat(library.getDeclaredMethods()).as("the class of the native calls").anyMatch(
                m -> java.lang.reflect.Modifier.isNative(m.getModifiers()));
    }

    @Test
    void theFirstSpawnStartsItAndTheFirstRunHasWaitedForItsEnd() throws Exception {
        assumeTrue(Runtime.getRuntime().availableProcessors() >= 2,
                "jns-prepare is started only where the JVM has 2 CPUs or more; this one has 1");
        // a preparation of 2 s: alive while the spawn is described, and gone once the run() has returned
        assertThat(firstJvm("-Djns.prepare=true", "-Djns.testing.prepareDelayMs=2000")).isEqualTo("true false 0");
        assertThat(firstJvm("-Djns.prepare=true", "-Djns.testing.prepareDelayMs=0")).endsWith("false 0");
    }

    @Test
    void offItStartsNone() throws Exception {
        assertThat(firstJvm("-Djns.prepare=false", "-Djns.testing.prepareDelayMs=2000")).isEqualTo("false false 0");
    }

    private static String firstJvm(String option, String delay) throws Exception {
        Process jvm = new ProcessBuilder(FreshJvm.java(), "--enable-native-access=ALL-UNNAMED", option, delay, "-cp",
                System.getProperty("java.class.path"), PrepareMain.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(jvm.waitFor()).as(out).isZero();
        return out;
    }
}
