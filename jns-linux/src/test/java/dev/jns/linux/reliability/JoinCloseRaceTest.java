package dev.jns.linux.reliability;

import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.linux.testing.LeakCheck;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@link JoinCloseRace} as root: handles of uts namespaces made without a process. */
class JoinCloseRaceTest {
    @Test
    void joinRacingCloseIsCleanAndHarmsNoOtherSandbox() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "creating namespaces without a process needs root");
        Namespaces.spawn().newUts().run("/bin/true");
        Namespaces.spawn().start("/bin/true").close(); // the reaper thread of started processes exists now
        LeakCheck leaks = LeakCheck.start();
        JoinCloseRace.run(() -> Namespaces.create(NamespaceType.UTS).get(0), Namespaces::spawn,
                JoinCloseRace::churnUts, Namespaces.spawn());
        leaks.assertNoLeaks();
    }
}
