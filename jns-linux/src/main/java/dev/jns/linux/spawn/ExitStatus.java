package dev.jns.linux.spawn;

/** Decoding of raw wait(2) statuses. */
final class ExitStatus {
    private ExitStatus() {
    }

    static boolean exited(int raw) {
        return (raw & 0x7f) == 0;
    }

    static int signal(int raw) {
        return raw & 0x7f;
    }

    /** The exit code, or 128 + the signal, as shells report it. */
    static int code(int raw) {
        return exited(raw) ? (raw >> 8) & 0xff : 128 + signal(raw);
    }

    static String describe(int raw) {
        return exited(raw) ? "exit code " + code(raw) : "signal " + signal(raw);
    }
}
