package dev.jns.testkit.example;

import dev.jns.NamespaceType;
import dev.jns.testkit.Isolated;
import dev.jns.testkit.RequiresNamespaces;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The tests of {@link GreetingService} as its authors wrote them — port 8080, the hostname in URLs, a service per
 * test in {@code @BeforeEach} — made safe to run in parallel (and beside anything else on port 8080) by one
 * annotation. {@link GreetingServiceParallelTest} runs this class twice at once, four tests at a time.
 */
@Isolated(hostname = "greeting-1")
@RequiresNamespaces({NamespaceType.USER, NamespaceType.NET, NamespaceType.PID, NamespaceType.UTS, NamespaceType.MOUNT})
class GreetingServiceTest {
    private GreetingService service;

    @BeforeEach
    void start() throws IOException {
        service = GreetingService.start();
    }

    @AfterEach
    void stop() {
        service.close();
    }

    @Test
    void greetsByItsHostname() throws IOException {
        assertThat(get("http://greeting-1:8080/hello")).isEqualTo("hello from greeting-1\n");
        assertThat(service.host()).isEqualTo("greeting-1");
    }

    @Test
    void answersOnLocalhost() throws IOException {
        assertThat(get("http://localhost:8080/hello")).isEqualTo("hello from greeting-1\n");
    }

    @Test
    void theHostnameIsThisMachineItself() throws IOException {
        assertThat(InetAddress.getByName("greeting-1").isLoopbackAddress()).isTrue();
        assertThat(get("http://" + InetAddress.getLocalHost().getHostAddress() + ":8080/hello"))
                .isEqualTo("hello from greeting-1\n");
    }

    @Test
    void thePortIsOursAlone() {
        // taken by this test's own service, and by nothing else: parallel twins have ports 8080 of their own
        assertThatThrownBy(() -> new ServerSocket(GreetingService.PORT).close()).isInstanceOf(BindException.class);
    }

    static String get(String url) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
        c.setConnectTimeout(10_000);
        c.setReadTimeout(10_000);
        try (InputStream in = c.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            c.disconnect();
        }
    }
}
