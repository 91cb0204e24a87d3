package dev.jns.linux.spawn;

import dev.jns.linux.testing.FreshJvm;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 17 (cold start): no spawn waits for SLF4J to start (a fresh JVM pays about 33 ms for it here), and the lines
 * logged meanwhile are not lost. The fresh JVM's SLF4J provider holds its start until released; the JVM runs a
 * second spawn while it is held, then releases it and calls {@code System.exit} at once.
 */
class Slf4jStartTest {
    @Test
    void spawnsDoNotWaitForSlf4jAndTheirLinesAreLoggedInOrderEvenAtAnImmediateExit(@TempDir Path dir)
            throws Exception {
        Path services = dir.resolve("META-INF/services/org.slf4j.spi.SLF4JServiceProvider");
        Files.createDirectories(services.getParent());
        Files.writeString(services, BlockingSlf4jProvider.class.getName() + "\n");
        Path output = dir.resolve("out.txt");
        Process jvm = new ProcessBuilder(FreshJvm.java(), "--enable-native-access=ALL-UNNAMED", "-cp",
                dir + File.pathSeparator + System.getProperty("java.class.path"), Slf4jStartMain.class.getName())
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        boolean ended = jvm.waitFor(60, TimeUnit.SECONDS);
        if (!ended) {
            jvm.destroyForcibly().waitFor(); // a spawn that waits for SLF4J's start waits for ever here
        }
        String out = Files.readString(output);
        assertThat(ended).as("the JVM ended: " + out).isTrue();
        assertThat(jvm.exitValue()).as(out).isZero();

        List<String> lines = List.of(out.split("\n"));
        int second = lines.indexOf("second run done while SLF4J starts");
        assertThat(second).as(out).isPositive();
        List<String> logged = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith("LOG ")) {
                assertThat(i).as("no line is logged before SLF4J has started: " + out).isGreaterThan(second);
                logged.add(lines.get(i));
            }
        }
        int lastTrue = -1;
        int firstFalse = -1;
        for (int i = 0; i < logged.size(); i++) {
            String l = logged.get(i);
            assertThat(l).as("logged by the starter thread, through the spawn path's loggers")
                    .startsWith("LOG " + Logs.STARTER_NAME + " dev.jns.linux.spawn.");
            if (l.contains("'/bin/true'")) {
                lastTrue = i;
            } else if (l.contains("'/bin/false'") && firstFalse < 0) {
                firstFalse = i;
            }
        }
        assertThat(logged).as("each run's launcher steps, up to its exec").filteredOn(l -> l.endsWith("(exec) done"))
                .hasSize(2);
        assertThat(logged.get(lastTrue)).endsWith("(exec) done");
        assertThat(firstFalse).as("the first run's lines, then the second's: " + out).isGreaterThan(lastTrue);
    }
}
