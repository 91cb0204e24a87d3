package dev.jns.testkit.example;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A small service as real code bases have them: a fixed port (8080, on every address), and it greets with the
 * name of the host it runs on ({@code InetAddress.getLocalHost()}, as logging frameworks and clients call it at
 * start-up). Two of its tests cannot run at once on one host — unless each is {@code @Isolated}.
 */
public final class GreetingService implements AutoCloseable {
    /** The port, fixed as in a configuration file. */
    public static final int PORT = 8080;

    private final HttpServer server;
    private final String host;

    private GreetingService(HttpServer server, String host) {
        this.server = server;
        this.host = host;
    }

    /** Starts the service on port {@link #PORT} of every address. */
    public static GreetingService start() throws IOException {
        String host = InetAddress.getLocalHost().getHostName(); // fails where the hostname does not resolve
        HttpServer server = HttpServer.create(new InetSocketAddress(PORT), 0);
        server.createContext("/hello", exchange -> {
            byte[] body = ("hello from " + host + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return new GreetingService(server, host);
    }

    /** The hostname it greets with. */
    public String host() {
        return host;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
