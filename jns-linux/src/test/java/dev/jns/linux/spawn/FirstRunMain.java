package dev.jns.linux.spawn;

import dev.jns.Namespaces;

/**
 * A fresh JVM for {@link FirstSpawnClassesTest}: one run() of the benchmark's sandbox and nothing else (no lambda of
 * its own, no logging), so that the classes its JVM loads are those of a first spawn.
 */
public final class FirstRunMain {
    private FirstRunMain() {
    }

    public static void main(String[] args) {
        int code = Namespaces.spawn().newUser().mapRootUser().newPid().mountProc().newUts().newIpc().run("/bin/true")
                .exitCode();
        if (code != 0) {
            throw new IllegalStateException("/bin/true ended with " + code);
        }
        Returned.mark();
    }

    /** Loaded once the run() has returned: where the class-loading log of the first run() ends. */
    static final class Returned {
        private Returned() {
        }

        static void mark() {
        }
    }
}
