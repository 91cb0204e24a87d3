package dev.jns.linux.reliability;

import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsHandle;
import dev.jns.NsProcess;
import dev.jns.linux.testing.LeakCheck;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * {@link JoinCloseRace} as an unprivileged user: the uts namespace of a holder sandbox (user + uts), joined with
 * its user namespace; the handle closed in the race is a fresh uts handle each round.
 */
@Tag("rootless")
class RootlessJoinCloseRaceTest {
    @Test
    void joinRacingCloseIsCleanAndHarmsNoOtherSandbox() throws Exception {
        assumeFalse("root".equals(System.getProperty("user.name")), "runs as an unprivileged user (-Djns.rootlessUser)");
        try (NsProcess holder = Namespaces.spawn().newUser().mapRootUser().newUts().start("/bin/sleep", "1000");
             NsHandle user = holder.namespace(NamespaceType.USER)) {
            Namespaces.spawn().join(user).run("/bin/true");
            Namespaces.spawn().start("/bin/true").close(); // the reaper thread of started processes exists now
            LeakCheck leaks = LeakCheck.start();
            JoinCloseRace.run(() -> holder.namespace(NamespaceType.UTS), () -> Namespaces.spawn().join(user),
                    JoinCloseRace::churnUts, Namespaces.spawn().newUser().mapRootUser().newPid());
            leaks.assertNoLeaks();
            holder.destroyForcibly();
        }
    }
}
