package dev.jns.linux.spawn;

import dev.jns.linux.testing.FreshJvm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17 (cold start): what a JVM's first spawn loads, from the JVM's own class-loading log. Each lambda or
 * method reference of jns on that path would have its class spun at its first run (and the JVM's first one starts
 * the lambda machinery); SLF4J, whose start is tens of milliseconds in a JVM that has not used it yet, is first
 * touched only once the run() has its result, on a thread of its own ({@link Slf4jStartTest}).
 */
class FirstSpawnClassesTest {
    @Test
    void aFirstSpawnSpinsNoLambdaOfJnsAndStartsSlf4jOnlyAfterIt(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("classes.txt");
        Process jvm = new ProcessBuilder(FreshJvm.java(), "--enable-native-access=ALL-UNNAMED",
                "-Xlog:class+load=info:file=" + log, "-cp",
                System.getProperty("java.class.path"), FirstRunMain.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(jvm.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(jvm.waitFor()).as(out).isZero();

        List<String> loaded = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            int at = line.indexOf("] ", line.indexOf("[class,load]"));
            if (at > 0) {
                loaded.add(line.substring(at + 2).split(" ")[0]);
            }
        }
        assertThat(loaded).as("the log names the classes of the spawn").contains(Spawner.class.getName());
        assertThat(loaded).filteredOn(c -> c.startsWith("dev.jns.") && c.contains("$$Lambda")).isEmpty();
        int ran = loaded.indexOf("dev.jns.SpawnResult");
        int slf4j = loaded.indexOf("org.slf4j.LoggerFactory");
        assertThat(ran).isPositive();
        assertThat(slf4j).as("SLF4J starts after the run() has its result, not before (Logs)").isGreaterThan(ran);
        // session 15 took these off a first run()'s path (each a class, or a cluster of them, to load and verify):
        // the spawner thread's executor, the parsers of /proc (ids come through ProcFiles), the bridge of
        // SpawnSpec.of, the deque of a pool, the enums a switch map loaded. (ForkServer and LinuxNsProcess are off
        // it too, but not here: from a class directory, as in this test, Hints.preload loads the whole package.)
        assertThat(loaded.subList(0, ran)).as("classes a JVM's first run() needs not").doesNotContain(
                "java.util.concurrent.ThreadPoolExecutor", "dev.jns.linux.proc.ProcParsers",
                "dev.jns.Spawn$SpecBridge", "java.util.concurrent.ConcurrentLinkedDeque",
                "dev.jns.sandbox.BindOwner");
    }
}
