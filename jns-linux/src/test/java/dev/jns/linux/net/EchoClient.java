package dev.jns.linux.net;

/** Connects to HOST PORT, sends TEXT, prints the echo: the client side of the rootless echo test, run as a process. */
public final class EchoClient {
    private EchoClient() {
    }

    public static void main(String[] args) throws Exception {
        System.out.println(VethEchoTest.echo(args[0], Integer.parseInt(args[1]), args[2]));
    }
}
