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
        List<String> loaded = firstRunLoads(dir, System.getProperty("java.class.path"), "-Djns.prepare=true");
        assertThat(loaded).as("the log names the classes of the spawn").contains(Spawner.class.getName());
        assertThat(loaded).filteredOn(c -> c.startsWith("dev.jns.") && c.contains("$$Lambda")).isEmpty();
        int ran = loaded.indexOf("dev.jns.SpawnResult");
        int slf4j = loaded.indexOf("org.slf4j.LoggerFactory");
        assertThat(ran).isPositive();
        assertThat(slf4j).as("SLF4J starts after the run() has its result, not before (Logs)").isGreaterThan(ran);
        // session 15 took these off a first run()'s path (each a class, or a cluster of them, to load and verify):
        // the spawner thread's executor, the parsers of /proc (ids come through ProcFiles), the bridge of
        // SpawnSpec.of, the deque of a pool, the enums a switch map loaded. (ForkServer and LinuxNsProcess are off
        // it too: preloadListsEveryClassOfJnsThatAFirstRunLoads checks them from jars.) Session 16 took the JDK's
        // VarHandle machinery off it (a concurrent queue and an AtomicBoolean started it).
        assertThat(loaded.subList(0, ran)).as("classes a JVM's first run() needs not").doesNotContain(
                "java.util.concurrent.ThreadPoolExecutor", "dev.jns.linux.proc.ProcParsers",
                "dev.jns.Spawn$SpecBridge", "java.util.concurrent.ConcurrentLinkedDeque",
                "dev.jns.sandbox.BindOwner", "java.util.concurrent.ConcurrentLinkedQueue",
                "java.util.concurrent.atomic.AtomicBoolean");
    }

    /**
     * Every class of jns that a first {@code run()} loads once it has found jns-linux, to its return, is in
     * {@link Preload}'s list, which the thread {@code jns-prepare} loads ahead of the spawn: a class added to the
     * spawn's path and not to the list would be loaded by the spawn alone again. From jars, as users have jns (from
     * a class directory the spawn loads its whole package), and without the thread, which would load the list
     * itself.
     */
    @Test
    void preloadListsEveryClassOfJnsThatAFirstRunLoads(@TempDir Path dir) throws Exception {
        List<String> loaded = firstRunLoads(dir, FreshJvm.classPathWithJars(dir), "-Djns.prepare=false");
        int from = loaded.indexOf("dev.jns.linux.LinuxNamespaceProvider");
        int ran = loaded.indexOf("dev.jns.SpawnResult");
        int returned = loaded.indexOf(FirstRunMain.Returned.class.getName());
        assertThat(from).as("the log names the provider").isPositive();
        assertThat(ran).isGreaterThan(from);
        assertThat(returned).as("the log names the class loaded once run() has returned").isGreaterThan(ran);
        assertThat(loaded.subList(from + 1, returned))
                .filteredOn(c -> c.startsWith("dev.jns.") && !c.startsWith(FirstRunMain.class.getName()))
                .as("classes of jns a first run() loads once it has found jns-linux, to its return").isNotEmpty()
                .contains("dev.jns.Outcome").isSubsetOf(Preload.FIRST_RUN);
        assertThat(loaded.subList(0, ran)).as("from a jar, a first run() loads neither (Hints.preload loads the "
                + "whole package only from a class directory)").doesNotContain(
                "dev.jns.linux.spawn.ForkServer", "dev.jns.linux.spawn.LinuxNsProcess");
    }

    /** The classes a fresh JVM of {@code classPath} loads for {@link FirstRunMain}, in order. */
    private static List<String> firstRunLoads(Path dir, String classPath, String option) throws Exception {
        Path log = dir.resolve("classes.txt");
        Process jvm = new ProcessBuilder(FreshJvm.java(), "--enable-native-access=ALL-UNNAMED", option,
                "-Xlog:class+load=info:file=" + log, "-cp", classPath, FirstRunMain.class.getName())
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
        return loaded;
    }
}
