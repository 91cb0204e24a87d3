package dev.jns.linux.spawn;

import dev.jns.IdMap;
import dev.jns.Namespaces;
import dev.jns.SpawnResult;
import dev.jns.linux.testing.NoLeaks;
import dev.jns.linux.testing.Probe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The id maps that only newuidmap/newgidmap may write (a range of subordinate ids besides the user's own id): the
 * launcher runs the helpers, as the target user, in a process that shares its address space until the helper's
 * exec (vfork_run). The failure path (no range) is in {@link SpawnErrorsTest}; this is the success path.
 */
@ExtendWith(NoLeaks.class)
class IdMapHelperTest {

    @Test
    void aSubordinateRangeIsMappedByTheHelpersAsTheTargetUser() {
        assumeTrue(Probe.root(), "uses runAs from a root JVM");
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/newuidmap")) && Files.isExecutable(Path.of("/usr/bin/newgidmap")),
                "needs newuidmap and newgidmap (package uidmap)");
        long[] user = Probe.user("jnsci");
        long[] sub = Probe.subordinateRange("/etc/subuid", "jnsci");
        long[] subg = Probe.subordinateRange("/etc/subgid", "jnsci");
        assumeTrue(user != null && sub != null && subg != null, "needs the user jnsci with /etc/subuid and /etc/subgid ranges (.ci/setup)");
        for (int round = 0; round < 3; round++) { // the helpers run twice per spawn: a few spawns in a row
            SpawnResult r = Namespaces.spawn().runAs(user[0], user[1])
                    .uidMap(IdMap.of(0, user[0], 1), IdMap.of(1, sub[0], 1000))
                    .gidMap(IdMap.of(0, user[1], 1), IdMap.of(1, subg[0], 1000))
                    .run("sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map; id -u");
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(r.stdout().trim().split("\\s+")).containsExactly(
                    "0", String.valueOf(user[0]), "1", "1", String.valueOf(sub[0]), "1000",
                    "0", String.valueOf(user[1]), "1", "1", String.valueOf(subg[0]), "1000", "0");
        }
    }
}
