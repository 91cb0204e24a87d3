package dev.jns.linux.spawn;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.helpers.NOPLogger;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The SLF4J loggers of the classes on the spawn path, made on a thread of their own so that no spawn waits for
 * SLF4J to start.
 *
 * <p>A JVM in which nothing has used SLF4J yet pays for its start (finding the provider, reading its
 * configuration: about 33 ms of a fresh JVM's first spawn here, with slf4j-simple) at the first
 * {@code getLogger}. Until session 13 that was the first spawn's first log call, on the spawning thread. Now SLF4J
 * starts on the thread {@value #STARTER_NAME}, which the end of the first {@code run()} or {@code start()}
 * starts (so that the two do not compete for the CPU); lines logged before it has started are kept (at
 * most {@value #MAX_EARLY}, which also starts it; the count of any dropped beyond is logged) and logged by that
 * thread, in their order and before any later line, once it has: they carry its thread name, not the spawning
 * thread's. Until then {@link Log#isDebugEnabled()} answers {@code true}, so that what DEBUG would show is kept. A
 * shutdown hook logs what is still kept (waiting at most {@value #FLUSH_WAIT_MS} ms for a start under way), so that
 * a program that ends right after its first spawn, with {@code System.exit} too, still logs that spawn's lines.
 */
final class Logs {
    static final String STARTER_NAME = "jns-slf4j-start";
    static final int MAX_EARLY = 10_000;
    static final long FLUSH_WAIT_MS = 2_000;

    // by name, not class literal: a literal loads its class, and a JVM's first run() loads neither LinuxNsProcess
    // nor ForkServer (LogsTest checks that each name is its class's)
    static final Log SPAWNER = new Log("dev.jns.linux.spawn.Spawner");
    static final Log PROCESS = new Log("dev.jns.linux.spawn.LinuxNsProcess");
    static final Log REAPER = new Log("dev.jns.linux.spawn.Reaper");
    static final Log FORK_SERVER = new Log("dev.jns.linux.spawn.ForkServer");
    private static final Log[] ALL = {SPAWNER, PROCESS, REAPER, FORK_SERVER};

    private static final Object LOCK = new Object();
    /** Lines logged before SLF4J had started, in order; null once it has. Guarded by {@link #LOCK}. */
    private static List<Early> early = new ArrayList<>();
    private static int dropped;

    // classes, not lambdas, on the first spawn's path (see Spawner.SpawnThread)
    private static final Thread STARTER = new Thread(new Runnable() {
        @Override
        public void run() {
            start();
        }
    }, STARTER_NAME);
    /** Whether {@link #STARTER} has been started, or SLF4J started otherwise. Written under {@link #LOCK}. */
    private static volatile boolean starting;

    static {
        STARTER.setDaemon(true);
        try {
            Runtime.getRuntime().addShutdownHook(new Thread("jns-slf4j-flush") {
                @Override
                public void run() {
                    flush();
                }
            });
        } catch (IllegalStateException | SecurityException e) {
            // the JVM is shutting down, or may not have hooks: nothing would log the kept lines at its exit
            synchronized (LOCK) {
                starting = true;
            }
            start();
        }
    }

    private Logs() {
    }

    /**
     * Starts SLF4J on its own thread, once: at the end of a {@code run()} or {@code start()} (so that the start
     * does not compete with the spawn for the CPU), or when the kept lines reach their bound.
     */
    static void launched() {
        if (starting) {
            return; // every spawn but a JVM's first: no lock
        }
        synchronized (LOCK) {
            if (starting) {
                return;
            }
            starting = true;
        }
        STARTER.start();
    }

    /** At the JVM's exit: logs the kept lines, starting SLF4J here if no launch has (a bounded wait otherwise). */
    private static void flush() {
        boolean startHere;
        synchronized (LOCK) {
            startHere = !starting && early != null && !early.isEmpty();
            starting = true;
        }
        if (startHere) {
            start();
            return;
        }
        try {
            STARTER.join(FLUSH_WAIT_MS); // returns at once if it never started
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Makes the loggers, logs the early lines through them, then publishes them (on the starter thread). */
    private static void start() {
        Logger[] made = new Logger[ALL.length];
        try {
            for (int i = 0; i < ALL.length; i++) {
                made[i] = LoggerFactory.getLogger(ALL[i].name);
            }
        } catch (RuntimeException | LinkageError e) {
            // SLF4J could not start (a broken provider): jns logs nothing rather than keep lines without end
            Arrays.fill(made, NOPLogger.NOP_LOGGER);
        }
        synchronized (LOCK) {
            if (early == null) {
                return; // started already
            }
            for (int i = 0; i < ALL.length; i++) {
                ALL[i].made = made[i];
            }
            // under the lock: a line logged meanwhile waits, and comes after these
            for (Early e : early) {
                e.log.made.debug(e.format, e.args);
            }
            if (dropped > 0) {
                SPAWNER.made.debug("{} more lines logged while SLF4J started were dropped", dropped);
            }
            for (Log log : ALL) {
                log.logger = log.made;
            }
            early = null;
        }
    }

    /** Keeps a line until SLF4J has started, or logs it when it has meanwhile. */
    private static void keep(Log log, String format, Object[] args) {
        boolean full;
        synchronized (LOCK) {
            if (early != null) {
                if (early.size() < MAX_EARLY) {
                    early.add(new Early(log, format, args));
                } else {
                    dropped++;
                }
                full = early.size() >= MAX_EARLY;
            } else {
                full = false;
                log.logger.debug(format, args); // under the lock: after the early lines (it is published by now)
            }
        }
        if (full) {
            launched();
        }
    }

    /** One logger of the spawn path: DEBUG lines, kept until SLF4J has started (see {@link Logs}). */
    static final class Log {
        /** The logger's name: the class it logs for. */
        final String name;
        /** Null until SLF4J has started and the early lines are logged. */
        volatile Logger logger;
        /** The logger made by {@link Logs#start()}, before it is published. Guarded by {@link Logs#LOCK}. */
        Logger made;

        Log(String name) {
            this.name = name;
        }

        /** Whether DEBUG is on for this logger; {@code true} until SLF4J has started (its lines are kept). */
        boolean isDebugEnabled() {
            Logger l = logger;
            return l == null || l.isDebugEnabled();
        }

        void debug(String format, Object arg) {
            Logger l = logger;
            if (l != null) {
                l.debug(format, arg);
            } else {
                keep(this, format, new Object[] {arg});
            }
        }

        void debug(String message, Throwable t) {
            Logger l = logger;
            if (l != null) {
                l.debug(message, t);
            } else {
                keep(this, message, new Object[] {t}); // a last Throwable of the arguments is logged as such
            }
        }

        void debug(String format, Object arg1, Object arg2) {
            Logger l = logger;
            if (l != null) {
                l.debug(format, arg1, arg2);
            } else {
                keep(this, format, new Object[] {arg1, arg2});
            }
        }

        void debug(String format, Object... args) {
            Logger l = logger;
            if (l != null) {
                l.debug(format, args);
            } else {
                keep(this, format, args);
            }
        }
    }

    /** One kept line. */
    private record Early(Log log, String format, Object[] args) {
    }
}
