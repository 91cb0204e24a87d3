package dev.jns.linux.spawn;

import dev.jns.Namespaces;

/**
 * A fresh JVM for {@link ForkServerTest}: spawns twice and prints, after each (and after a server's start it
 * began), how many live fork servers ("jns-forkserver") are among its children, e.g. {@code "0 1"}.
 */
public final class FirstSpawnMain {
    private FirstSpawnMain() {
    }

    public static void main(String[] args) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 2; i++) {
            if (Namespaces.spawn().run("/bin/true").exitCode() != 0) {
                throw new IllegalStateException("/bin/true failed");
            }
            ServerStarts.settle();
            long servers = 0;
            for (int look = 0; look < 5; look++) { // the server bears its standby's name while it clones one (light.c)
                servers = Math.max(servers, ProcessHandle.current().children()
                        .filter(h -> ForkServerTest.comm(h.pid()).equals("jns-forkserver")).count());
                try {
                    Thread.sleep(5);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
            out.append(i == 0 ? "" : " ").append(servers);
        }
        System.out.println(out);
    }
}
