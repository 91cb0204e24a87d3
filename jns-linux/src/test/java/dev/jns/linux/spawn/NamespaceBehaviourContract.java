package dev.jns.linux.spawn;

import dev.jns.IdMap;
import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsHandle;
import dev.jns.NsProcess;
import dev.jns.Spawn;
import dev.jns.SpawnResult;
import dev.jns.linux.testing.NoLeaks;
import dev.jns.linux.testing.Probe;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * For each of the eight namespace types: the process is in a namespace other than the caller's (by inode,
 * and {@link NsProcess#namespace} agrees), and the namespace behaves as one (by what is seen inside and
 * outside). Subclasses say who spawns: root, root dropping to a user, or a real unprivileged JVM.
 */
@org.junit.jupiter.api.extension.ExtendWith(NoLeaks.class)
abstract class NamespaceBehaviourContract {
    /** A spawn as the tested caller would make it; rootless callers get a user namespace with root mapped. */
    abstract Spawn base();

    /** The uid outside that is root inside {@link #base()}. */
    abstract long outsideRoot();

    /** Starts {@code sh -c script} and returns it once it printed its first line (given to {@code firstLine}). */
    private static NsProcess startAndRead(Spawn spawn, String script, StringBuilder firstLine) throws IOException {
        NsProcess p = spawn.start("/bin/sh", "-c", script);
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line = r.readLine();
        assertThat(line).as("first line of '%s' (stderr: %s)", script, line == null ? drain(p) : "").isNotNull();
        firstLine.append(line);
        return p;
    }

    private static String drain(NsProcess p) {
        try {
            return new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    private static int finish(NsProcess p) throws Exception {
        try (OutputStream in = p.getOutputStream()) {
            in.write('\n');
        }
        assertThat(p.waitFor(10, TimeUnit.SECONDS)).as("process ended").isTrue();
        p.close();
        return p.exitValue();
    }

    @ParameterizedTest
    @EnumSource(NamespaceType.class)
    void processIsInANewNamespaceOfEachType(NamespaceType type) throws Exception {
        Spawn s = dev.jns.linux.spawn.SpawnTypes.newNamespace(base(), type);
        StringBuilder inside = new StringBuilder();
        NsProcess p = startAndRead(s, "readlink /proc/self/ns/" + type.procName() + "; read x", inside);
        try (NsHandle outside = Namespaces.current(type); NsHandle child = p.namespace(type)) {
            assertThat(inside.toString()).isEqualTo(child.toString());
            assertThat(child).isNotEqualTo(outside);
            assertThat(child.type()).isEqualTo(type);
        } finally {
            assertThat(finish(p)).isZero();
        }
    }

    @Test
    void uts_hostnameSetInsideIsNotSeenOutside() throws Exception {
        String host = Files.readString(Path.of("/proc/sys/kernel/hostname")).trim();
        StringBuilder inside = new StringBuilder();
        NsProcess p = startAndRead(base().newUts().hostname("jns-box").domainname("jns.test"),
                "echo $(hostname) $(cat /proc/sys/kernel/domainname); read x", inside);
        assertThat(inside.toString()).isEqualTo("jns-box jns.test");
        assertThat(Files.readString(Path.of("/proc/sys/kernel/hostname")).trim()).isEqualTo(host);
        assertThat(finish(p)).isZero();
    }

    @Test
    void pid_shellSeesOnlyTheSandboxUnderAnInit() {
        SpawnResult r = base().newPid().mountProc().run("/bin/sh", "-c", "echo $$; ps -e -o pid=,comm=");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        List<String> lines = r.stdout().lines().map(String::trim).toList();
        assertThat(lines.get(0)).as("the command runs as PID 2 under jns's init").isEqualTo("2");
        assertThat(lines.subList(1, lines.size())).as("ps inside").hasSize(3)
                .anySatisfy(l -> assertThat(l).startsWith("1 "))
                .anySatisfy(l -> assertThat(l).isEqualTo("2 sh"))
                .anySatisfy(l -> assertThat(l).endsWith(" ps"));
    }

    @Test
    void net_onlyLoopbackInside() {
        SpawnResult r = base().newNet().run("/bin/cat", "/proc/self/net/dev");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        List<String> devices = r.stdout().lines().skip(2).map(l -> l.trim().split(":")[0]).toList();
        assertThat(devices).containsExactly("lo");
    }

    @Test
    void net_loopbackIsUpUnlessAskedNot() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Probe.onPath("ip"), "needs iproute2's ip to read link flags");
        SpawnResult up = base().newNet().run("ip", "-o", "link", "show", "lo");
        assertThat(up.exitCode()).as(up.stderr()).isZero();
        assertThat(up.stdout()).containsPattern("<[A-Z_,]*\\bUP\\b[A-Z_,]*>");
        SpawnResult down = base().newNet().loopback(false).run("ip", "-o", "link", "show", "lo");
        assertThat(down.stdout()).doesNotContainPattern("<[A-Z_,]*\\bUP\\b[A-Z_,]*>").contains("state DOWN");
    }

    @Test
    void mount_tmpfsMountedInsideIsNotSeenOutside() throws Exception {
        StringBuilder inside = new StringBuilder();
        NsProcess p = startAndRead(base().newMount(),
                "mount -t tmpfs jns-contract-tmpfs /mnt && grep -c jns-contract-tmpfs /proc/self/mountinfo; read x", inside);
        assertThat(inside.toString()).isEqualTo("1");
        assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain("jns-contract-tmpfs");
        assertThat(finish(p)).isZero();
    }

    @Test
    void ipc_queueMadeInsideIsNotSeenOutside() throws Exception {
        List<String> before = Files.readAllLines(Path.of("/proc/sysvipc/msg"));
        StringBuilder inside = new StringBuilder();
        NsProcess p = startAndRead(base().newIpc(), "ipcmk -Q >/dev/null && tail -n +2 /proc/sysvipc/msg | wc -l; read x",
                inside);
        assertThat(inside.toString().trim()).isEqualTo("1");
        assertThat(Files.readAllLines(Path.of("/proc/sysvipc/msg"))).isEqualTo(before);
        assertThat(finish(p)).isZero();
    }

    @Test
    void cgroup_rootOfTheViewIsTheCurrentCgroup() {
        SpawnResult r = base().newCgroup().run("/bin/cat", "/proc/self/cgroup");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        // cgroup v2 prints one line "0::/", v1 and hybrid hierarchies one per controller: all rooted at "/"
        assertThat(r.stdout().lines()).isNotEmpty().allSatisfy(l -> assertThat(l).endsWith(":/"));
    }

    @Test
    void time_offsetsShowInUptimeAndTimensOffsets() throws IOException {
        double hostUptime = Double.parseDouble(Files.readString(Path.of("/proc/uptime")).split(" ")[0]);
        SpawnResult r = base().timeOffsets(Duration.ofHours(1), Duration.ofDays(1))
                .run("/bin/sh", "-c", "cut -d' ' -f1 /proc/uptime; cat /proc/self/timens_offsets");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        List<String> lines = r.stdout().lines().toList();
        assertThat(Double.parseDouble(lines.get(0))).isBetween(hostUptime + 86400 - 1, hostUptime + 86400 + 60);
        assertThat(lines.subList(1, lines.size()).stream().map(l -> l.trim().replaceAll("\\s+", " ")))
                .containsExactlyInAnyOrder("monotonic 3600 0", "boottime 86400 0");
    }

    @Test
    void user_rootInsideIsTheCallerOutside(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        SpawnResult r = base().mapRootUser().run("/bin/sh", "-c", "id -u; touch " + dir + "/made-inside; cat /proc/self/uid_map");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout().lines().findFirst()).contains("0");
        assertThat(Files.getAttribute(dir.resolve("made-inside"), "unix:uid")).isEqualTo((int) outsideRoot());
    }

    /** Root JVM: every type without a user namespace, and a uid map to an arbitrary uid. */
    static class AsRoot extends NamespaceBehaviourContract {
        @BeforeEach
        void root() {
            org.junit.jupiter.api.Assumptions.assumeTrue(Probe.root(), "needs root (runs in CI as root)");
        }

        @Override
        Spawn base() {
            return Namespaces.spawn();
        }

        @Override
        long outsideRoot() {
            return 0;
        }

        @Test
        void user_arbitraryMapWrittenDirectly(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
            // root stays root inside; uid 1 inside is 300000 outside
            SpawnResult r = Namespaces.spawn().uidMap(IdMap.of(0, 0, 1), IdMap.of(1, 300000, 1000))
                    .gidMap(IdMap.of(0, 0, 1), IdMap.of(1, 300000, 1000))
                    .run("/bin/sh", "-c", "id -u; setpriv --reuid=1 --regid=1 --clear-groups touch " + dir
                            + "/f; cat /proc/self/uid_map");
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(r.stdout()).startsWith("0\n").contains("300000");
            assertThat(Files.getAttribute(dir.resolve("f"), "unix:uid")).isEqualTo(300000);
            assertThat(Files.getAttribute(dir.resolve("f"), "unix:gid")).isEqualTo(300000);
        }
    }
}
