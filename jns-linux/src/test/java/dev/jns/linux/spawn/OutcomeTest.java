package dev.jns.linux.spawn;

import dev.jns.linux.testing.NoLeaks;
import dev.jns.sandbox.MountPlan;

import dev.jns.NamespaceException;
import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsHandle;
import dev.jns.NsProcess;
import dev.jns.Outcome;
import dev.jns.SpawnResult;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** The structured outcome: exited, signaled, timed out, setup failed; rusage; namespace ids. */
@org.junit.jupiter.api.extension.ExtendWith(NoLeaks.class)
class OutcomeTest {

    @Test
    void exitedWithCodeAndRusage() {
        SpawnResult r = Namespaces.spawn().newUser().mapRootUser().newPid()
                .run("sh", "-c", "i=0; while [ $i -lt 200000 ]; do i=$((i+1)); done; exit 3");
        Outcome o = r.outcome();
        assertThat(o.kind()).isEqualTo(Outcome.Kind.EXITED);
        assertThat(o.exitCode()).isEqualTo(3);
        assertThat(o.signal()).isZero();
        assertThat(o.userCpu().plus(o.systemCpu())).isGreaterThan(Duration.ofMillis(10));
        assertThat(o.maxRssKb()).isGreaterThan(100);
        assertThat(o.success()).isFalse();
    }

    @Test
    void signaled() {
        Outcome o = Namespaces.spawn().run("sh", "-c", "kill -KILL $$").outcome();
        assertThat(o.kind()).isEqualTo(Outcome.Kind.SIGNALED);
        assertThat(o.signal()).isEqualTo(9);
        assertThat(o.exitCode()).isEqualTo(137);
    }

    @Test
    void timedOutWithSigtermWhenTheCommandObeys() {
        SpawnResult r = Namespaces.spawn().newUser().mapRootUser().newPid()
                .timeout(Duration.ofMillis(200), Duration.ofSeconds(5)).run("sleep", "30");
        assertThat(r.outcome().kind()).isEqualTo(Outcome.Kind.TIMED_OUT);
        assertThat(r.outcome().signal()).isEqualTo(15);
        assertThat(r.outcome().timedOut()).isTrue();
    }

    @Test
    void timedOutWithSigkillAfterTheGrace() {
        SpawnResult r = Namespaces.spawn().timeout(Duration.ofMillis(100), Duration.ofMillis(200))
                .run("sh", "-c", "trap '' TERM; exec sleep 10");
        assertThat(r.outcome().kind()).isEqualTo(Outcome.Kind.TIMED_OUT);
        assertThat(r.outcome().signal()).isEqualTo(9);
    }

    @Test
    void aQuickCommandDoesNotTimeOut() {
        SpawnResult r = Namespaces.spawn().timeout(Duration.ofSeconds(5)).run("true");
        assertThat(r.outcome().kind()).isEqualTo(Outcome.Kind.EXITED);
        assertThat(r.outcome().timedOut()).isFalse();
    }

    @Test
    void namespaceIdsAreTheSandboxes() throws Exception {
        try (NsProcess p = Namespaces.spawn().newUser().mapRootUser().newNet().newUts().start("sleep", "0.3")) {
            long net;
            try (NsHandle h = p.namespace(NamespaceType.NET)) {
                net = h.inode();
            }
            Outcome o = p.outcome();
            assertThat(o.namespaceIds()).containsEntry(NamespaceType.NET, net);
            try (NsHandle mine = Namespaces.current(NamespaceType.NET)) {
                assertThat(net).isNotEqualTo(mine.inode());
            }
            assertThat(o.namespaceIds()).containsKeys(NamespaceType.USER, NamespaceType.UTS, NamespaceType.MOUNT);
        }
    }

    @Test
    void setupFailedNamesTheStep() {
        NamespaceException e = catchThrowableOfType(NamespaceException.class, () -> Namespaces.spawn().newUser()
                .mapRootUser().mounts(new MountPlan().roBind(Path.of("/no-such-jns"), Path.of("/mnt"))).run("true"));
        Outcome o = Outcome.setupFailed(e);
        assertThat(o.kind()).isEqualTo(Outcome.Kind.SETUP_FAILED);
        assertThat(o.failedStep()).isEqualTo("mount plan entry 0 (roBind /no-such-jns -> /mnt)");
        assertThat(o.errno()).isEqualTo(2);
    }
}
