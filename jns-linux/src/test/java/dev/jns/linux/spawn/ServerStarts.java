package dev.jns.linux.spawn;

/**
 * For tests that count the JVM's fds and children: a spawn that finds no fork server begins its start on the
 * spawner thread and goes on without it, so the server's socket, pidfd and process can appear just after that
 * spawn has returned.
 */
public final class ServerStarts {
    private ServerStarts() {
    }

    /** Waits until no fork server is being started. */
    public static void settle() {
        try {
            ForkServer.awaitStart();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a fork server was being started", e);
        }
    }
}
