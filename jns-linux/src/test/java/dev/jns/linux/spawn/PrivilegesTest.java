package dev.jns.linux.spawn;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Who the JVM is, as /proc/self/status says (its field parser: ProcParsersTest). */
class PrivilegesTest {
    @Test
    void theJvmsOwnIdsAreWhatTheKernelShowsAsTheOwnerOfItsProcEntry() throws Exception {
        Privileges me = Privileges.current();
        // /proc/PID belongs to the process's effective uid and gid (it is dumpable)
        assertThat(me.euid()).isEqualTo(((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue());
        assertThat(me.egid()).isEqualTo(((Number) Files.getAttribute(Path.of("/proc/self"), "unix:gid")).longValue());
        List<String> capEff = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .filter(l -> l.startsWith("CapEff:")).toList();
        assertThat(Long.toHexString(me.capEff())).isEqualTo(Long.toHexString(Long.parseUnsignedLong(
                capEff.get(0).substring(7).trim(), 16)));
    }
}
