package dev.jns.linux.sandbox;

import dev.jns.linux.testing.NoLeaks;
import dev.jns.linux.testing.Probe;
import dev.jns.linux.testing.SandboxSupport;
import dev.jns.sandbox.Limits;
import dev.jns.sandbox.MountPlan;
import dev.jns.sandbox.Security;

import dev.jns.sandbox.Capability;
import dev.jns.InvalidSpecException;
import dev.jns.Namespaces;
import dev.jns.sandbox.Rlimit;
import dev.jns.SpawnResult;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** init(false), process names, capabilities, rlimits, sessions, no_new_privs. */
@org.junit.jupiter.api.extension.ExtendWith(NoLeaks.class)
class HardeningTest {

    private static String status(SpawnResult r, String key) {
        return r.stdout().lines().filter(l -> l.startsWith(key + ":")).map(l -> l.substring(key.length() + 1).trim())
                .findFirst().orElseThrow(() -> new AssertionError(key + " not in " + r.stdout() + r.stderr()));
    }

    @Test
    void withoutInitTheCommandIsPid1() {
        SpawnResult r = Namespaces.spawn().newUser().mapRootUser().newPid().newMount().mountProc().init(false)
                .run("sh", "-c", "echo $$; cat /proc/1/comm");
        assertThat(r.stdout()).isEqualTo("1\nsh\n");
    }

    @Test
    void initAndLauncherNameThemselves() {
        SpawnResult r = Namespaces.spawn().newUser().mapRootUser().newPid().newMount().mountProc()
                .run("sh", "-c", "echo $$; cat /proc/1/comm");
        assertThat(r.stdout()).isEqualTo("2\njns-init\n");
    }

    @Test
    void noInitWithATimeNamespaceIsInvalid() {
        assertThatThrownBy(() -> Namespaces.spawn().newUser().newTime().init(false).run("true"))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo("init"));
    }

    @Test
    void noNewPrivilegesIsOnByDefaultAndCanBeTurnedOff() {
        assertThat(status(Namespaces.spawn().run("cat", "/proc/self/status"), "NoNewPrivs")).isEqualTo("1");
        assertThat(status(Namespaces.spawn().security(Security.builder().noNewPrivileges(false).build()).run("cat", "/proc/self/status"), "NoNewPrivs"))
                .isEqualTo("0");
    }

    @Test
    void capabilitiesStayAsUnshareGivesThemWithoutASandbox() {
        SpawnResult r = Namespaces.spawn().newUser().mapRootUser().run("cat", "/proc/self/status");
        assertThat(Long.parseLong(status(r, "CapEff"), 16)).isNotZero();
    }

    @Test
    void keepCapabilitiesKeepsExactlyThoseAlsoForANonRootUid() {
        long id = SandboxSupport.jnsci();
        org.junit.jupiter.api.Assumptions.assumeTrue(id > 0 && Probe.root(), "needs root and jnsci");
        SpawnResult r = Namespaces.spawn().runAs(id, id).newUser().mapCurrentUser().newNet()
                .security(Security.builder().keepCapabilities(Capability.CAP_NET_ADMIN).build())
                .run("sh", "-c", "cat /proc/self/status; ip link set lo up && echo lo-up");
        assertThat(status(r, "CapEff")).isEqualTo("0000000000001000");
        assertThat(status(r, "CapBnd")).isEqualTo("0000000000001000");
        assertThat(status(r, "CapAmb")).isEqualTo("0000000000001000");
        assertThat(r.stdout()).endsWith("lo-up\n");
    }

    @Test
    void dropCapabilitiesDropsOnlyThose() {
        SpawnResult r = Namespaces.spawn().newUser().mapRootUser().security(Security.builder()
                .dropCapabilities(Capability.CAP_NET_RAW, Capability.of("sys_admin")).build()).run("cat", "/proc/self/status");
        long eff = Long.parseLong(status(r, "CapEff"), 16);
        long bnd = Long.parseLong(status(r, "CapBnd"), 16);
        assertThat(eff & (1L << 13)).isZero();
        assertThat(eff & (1L << 21)).isZero();
        assertThat(bnd & (1L << 21)).isZero();
        assertThat(eff & (1L << 12)).isNotZero();
    }

    @Test
    void unknownCapabilityNameIsInvalid() {
        assertThatThrownBy(() -> Capability.of("CAP_FLY")).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("CAP_FLY");
    }

    @Test
    void sandboxDropsCapabilitiesByDefault() {
        SpawnResult r = Namespaces.spawn().newUser().mapRootUser().mounts(new MountPlan().tmpfs(Path.of("/mnt")))
                .run("cat", "/proc/self/status");
        assertThat(status(r, "CapEff")).isEqualTo("0000000000000000");
        assertThat(status(r, "CapBnd")).isEqualTo("0000000000000000");
    }

    @Test
    void rlimitsApply() {
        SpawnResult r = Namespaces.spawn().limits(Limits.builder().rlimit(Rlimit.NOFILE, 32, 64)
                        .rlimit(Rlimit.CPU, 7).rlimit(Rlimit.FSIZE, 1024, Rlimit.INFINITY).build())
                .run("sh", "-c", "ulimit -Sn; ulimit -Hn; ulimit -t; ulimit -Sf; ulimit -Hf");
        assertThat(r.stdout()).isEqualTo("32\n64\n7\n2\nunlimited\n");
        assertThatThrownBy(() -> Limits.builder().rlimit(Rlimit.NOFILE, 10, 5))
                .isInstanceOf(InvalidSpecException.class).hasMessageContaining("rlimit NOFILE");
    }

    @Test
    void fileSizeLimitStopsAWriter() {
        SpawnResult r = Namespaces.spawn().newUser().mapRootUser().mounts(new MountPlan().tmpfs(Path.of("/mnt")))
                .limits(Limits.builder().rlimit(Rlimit.FSIZE, 4096).build())
                .run("sh", "-c", "head -c 100000 /dev/zero > /mnt/big; echo $?; stat -c %s /mnt/big");
        assertThat(r.stdout()).endsWith("4096\n");
    }

    @Test
    void newSessionDetachesFromTheCallersSession() {
        SpawnResult r = Namespaces.spawn().security(Security.builder().ownSession(true).build())
                .run("sh", "-c", "ps -o sid= -p $$; echo $$");
        String[] lines = r.stdout().trim().split("\n");
        assertThat(lines[0].trim()).isEqualTo(lines[1].trim());
    }
}
