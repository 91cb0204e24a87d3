package dev.jns.linux.testing;

import dev.jns.Namespaces;

/**
 * Starts jns's lazy, JVM-wide resources (launcher memfd, lifeline pipe, spawner thread, fork server, the reaper
 * thread of started processes) before leaks are counted.
 */
public final class Warm {
    private static boolean done;

    private Warm() {
    }

    public static synchronized void up() {
        if (!done) {
            Namespaces.spawn().run("true");
            try {
                Namespaces.spawn().start("true").waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            done = true;
        }
    }
}
