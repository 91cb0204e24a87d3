package dev.jns.linux.spawn;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SLF4J loggers of the classes on the spawn path, made at the first log call instead of when those classes
 * are initialized. A JVM in which nothing has used SLF4J yet pays for its start (finding the provider, reading
 * its configuration: 15-40 ms here) at the first {@code getLogger}; with the loggers made here, that is the first
 * spawn's first log call, which comes after the launcher has been given its spec: SLF4J then starts while the
 * launcher builds the sandbox, not before it.
 */
final class Logs {
    static final Logger SPAWNER = LoggerFactory.getLogger(Spawner.class);
    static final Logger PROCESS = LoggerFactory.getLogger(LinuxNsProcess.class);
    static final Logger REAPER = LoggerFactory.getLogger(Reaper.class);
    static final Logger FORK_SERVER = LoggerFactory.getLogger(ForkServer.class);

    private Logs() {
    }
}
