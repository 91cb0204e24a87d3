package dev.jns.linux.net;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A TCP echo server for the network tests, run as a process inside a namespace: listens on {@code ::} (IPv4 and
 * IPv6), prints {@code port N} once listening, then echoes one line per connection, prefixed with {@code echo: }.
 */
public final class EchoServer {
    private EchoServer() {
    }

    public static void main(String[] args) throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 10, InetAddress.getByName("::"))) {
            System.out.println("port " + ss.getLocalPort());
            System.out.flush();
            while (true) {
                try (Socket s = ss.accept()) {
                    BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                    String line = in.readLine();
                    OutputStream out = s.getOutputStream();
                    out.write(("echo: " + line + " from " + s.getLocalAddress().getHostAddress() + "\n")
                            .getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            }
        }
    }
}
