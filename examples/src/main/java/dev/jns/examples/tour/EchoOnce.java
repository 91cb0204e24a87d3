package dev.jns.examples.tour;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A one-connection echo server that the network stop runs inside a namespace: {@code EchoOnce ADDRESS PORT}
 * prints {@code ready}, answers one line with {@code echo: LINE}, and exits.
 */
public final class EchoOnce {
    private EchoOnce() {
    }

    /**
     * Listens on ADDRESS:PORT, answers one client, exits.
     *
     * @param args the address and the port
     * @throws Exception when it cannot listen or the client goes away
     */
    public static void main(String[] args) throws Exception {
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1])));
            server.setSoTimeout(20_000);
            System.out.println("ready");
            System.out.flush();
            try (Socket s = server.accept();
                 BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.UTF_8));
                 PrintWriter out = new PrintWriter(s.getOutputStream(), true, StandardCharsets.UTF_8)) {
                out.println("echo: " + in.readLine() + " (from " + s.getRemoteSocketAddress() + ")");
            }
        }
    }
}
