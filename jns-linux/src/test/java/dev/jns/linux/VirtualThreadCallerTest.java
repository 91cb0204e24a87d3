package dev.jns.linux;

import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsHandle;
import dev.jns.SpawnResult;
import dev.jns.linux.testing.Probe;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A virtual thread may call into a namespace and spawn: the code runs on jns's own platform thread, and the
 * virtual thread (and its carrier) never changes namespace. Needs JDK 21+ (CI runs it on the Temurin 25 JDK);
 * the build targets Java 17, so the virtual thread is made through reflection.
 */
class VirtualThreadCallerTest {
    private static Thread startVirtual(Runnable r) throws Exception {
        Method ofVirtual;
        try {
            ofVirtual = Thread.class.getMethod("ofVirtual");
        } catch (NoSuchMethodException e) {
            Assumptions.abort("virtual threads need JDK 21 or later; this is " + Runtime.version());
            return null;
        }
        Object builder = ofVirtual.invoke(null);
        return (Thread) Class.forName("java.lang.Thread$Builder").getMethod("start", Runnable.class).invoke(builder, r);
    }

    @Test
    void aVirtualThreadCallsIntoANamespaceAndStaysHome() throws Exception {
        Assumptions.assumeTrue(Probe.root(), "entering a net namespace from a JVM thread needs root");
        CompletableFuture<String[]> result = new CompletableFuture<>();
        try (NsHandle net = Namespaces.create(NamespaceType.NET).get(0)) {
            Thread t = startVirtual(() -> {
                try {
                    String home = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
                    String inside = net.call(() -> Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString());
                    String after = Files.readSymbolicLink(Path.of("/proc/thread-self/ns/net")).toString();
                    SpawnResult r = Namespaces.spawn().join(net).run("/bin/cat", "/proc/self/net/dev");
                    result.complete(new String[] {home, inside, after, r.stdout(), Boolean.toString(
                            Thread.currentThread().getClass().getName().contains("Virtual"))});
                } catch (Throwable e) {
                    result.completeExceptionally(e);
                }
            });
            String[] r = result.get(30, TimeUnit.SECONDS);
            t.join();
            assertThat(r[4]).as("ran on a virtual thread").isEqualTo("true");
            assertThat(r[1]).isEqualTo(net.toString());
            assertThat(r[0]).isNotEqualTo(r[1]);
            assertThat(r[2]).as("the virtual thread's carrier is home after the call").isEqualTo(r[0]);
            assertThat(r[3]).contains("lo:").doesNotContain("eth0");
        }
    }
}
