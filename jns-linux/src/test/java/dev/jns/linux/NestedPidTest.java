package dev.jns.linux;

import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsHandle;
import dev.jns.NsProcess;
import dev.jns.SpawnResult;
import dev.jns.linux.testing.LeakCheck;
import dev.jns.linux.testing.Warm;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A joined pid namespace plus {@code newPid()}: the new pid namespace nests in the joined one (bubblewrap's
 * {@code --pidns} with {@code --unshare-pid}). The kernel refuses CLONE_NEWPID after setns (EINVAL), so the
 * launcher makes it from one more process; the sandbox must be the same as on the direct path: its init is PID 1,
 * the command PID 2, its pid namespace's parent the joined one, and nothing is left behind. Run as root here and
 * as a plain user by {@link RootlessNestedPidTest}.
 */
class NestedPidTest {
    @BeforeAll
    static void warm() {
        Warm.up();
    }

    @Test
    void aNewPidNamespaceNestsInAJoinedOne() throws InterruptedException {
        // spawns without namespaces first: their supervisors run in the fork server's memory (light.c), and one
        // that cleared its dumpable flag left the server's cleared, so that the supervisor forked below, once in
        // the joined user namespace, could not read its first process's namespaces (NSIDS without "pid")
        for (int i = 0; i < 3; i++) {
            assertThat(Namespaces.spawn().run("true").exitCode()).isZero();
        }
        LeakCheck leaks = LeakCheck.start();
        try (NsProcess outer = Namespaces.spawn().newUser().mapRootUser().newPid().newMount().mountProc()
                .start("sleep", "30");
             NsHandle user = outer.namespace(NamespaceType.USER);
             NsHandle joined = outer.namespace(NamespaceType.PID)) {
            SpawnResult r = Namespaces.spawn().join(user, joined).newPid().newMount().mountProc()
                    .run("sh", "-c", "echo $$; readlink /proc/self/ns/pid; ps -o pid= -e | wc -l");
            assertThat(r.success()).as(r.stderr()).isTrue();
            java.util.List<String> lines = r.stdout().lines().toList();
            assertThat(lines.get(0)).as("the command under jns's init in the nested namespace").isEqualTo("2");
            assertThat(lines.get(1)).isNotEqualTo(joined.toString());
            assertThat(r.outcome().namespaceIds().get(NamespaceType.PID))
                    .isEqualTo(Long.parseLong(lines.get(1).replaceAll("\\D", "")));

            try (NsProcess inner = Namespaces.spawn().join(user, joined).newPid().start("sleep", "30");
                 NsHandle nested = inner.namespace(NamespaceType.PID);
                 NsHandle parent = nested.parent()) {
                assertThat(nested).isNotEqualTo(joined);
                assertThat(parent).as("the nested namespace's parent").isEqualTo(joined);
                assertThat(inner.toHandle().parent().map(ProcessHandle::pid))
                        .as("the launcher supervises the first process, as on the direct path")
                        .isPresent();
                inner.destroyForcibly();
                assertThat(inner.outcome().signal()).isEqualTo(9);
            }
        }
        leaks.assertNoLeaks();
    }
}
