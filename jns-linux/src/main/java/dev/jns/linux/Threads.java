package dev.jns.linux;

/** Waiting for jns's own short-lived threads. */
final class Threads {
    private Threads() {
    }

    /**
     * Waits for {@code t} to end even when interrupted (the thread holds namespace state that must not be
     * abandoned half-way), then restores the caller's interrupt status.
     */
    static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
