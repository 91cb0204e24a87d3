package dev.jns.linux.spawn;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The spawn path's loggers are named by strings, not class literals (a literal would load its class in a JVM's
 * first spawn): each name must stay the name of its class, or a rename would silently move its lines elsewhere.
 */
class LogsTest {
    @Test
    void eachLoggerIsNamedForItsClass() {
        assertThat(Logs.SPAWNER.name).isEqualTo(Spawner.class.getName());
        assertThat(Logs.PROCESS.name).isEqualTo(LinuxNsProcess.class.getName());
        assertThat(Logs.REAPER.name).isEqualTo(Reaper.class.getName());
        assertThat(Logs.FORK_SERVER.name).isEqualTo(ForkServer.class.getName());
    }
}
