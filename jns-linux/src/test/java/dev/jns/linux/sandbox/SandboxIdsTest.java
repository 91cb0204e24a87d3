package dev.jns.linux.sandbox;

import dev.jns.IdMap;
import dev.jns.InvalidSpecException;
import dev.jns.Namespaces;
import dev.jns.NsProcess;
import dev.jns.Spawn;
import dev.jns.SpawnResult;
import dev.jns.linux.testing.Probe;
import dev.jns.linux.testing.SandboxSupport;
import dev.jns.linux.testing.WorkDir;
import dev.jns.sandbox.Limits;
import dev.jns.sandbox.MountPlan;
import dev.jns.sandbox.Rlimit;
import dev.jns.sandbox.Security;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 13, item 1: a root caller's sandbox (a mount plan or a root switch) runs as unprivileged host ids unless
 * it opts in to host root; a plain spawn by root stays root. Each check looks from outside (the kernel's view).
 */
class SandboxIdsTest {
    @RegisterExtension
    final WorkDir work = new WorkDir("jns-ids-");
    private Path out;

    @BeforeAll
    static void rootOnly() {
        assumeTrue(Probe.root(), "a root caller's sandbox: needs root");
    }

    @BeforeEach
    void setUp() throws IOException {
        out = Files.createDirectories(work.resolve("out"));
        out.toFile().setWritable(true, false);
        System.clearProperty("jns.sandbox.subids");
    }

    @AfterEach
    void tearDown() throws IOException {
        System.clearProperty("jns.sandbox.subids");
    }

    /** The README's build step: an empty root, /usr read-only, a writable /out. */
    private Spawn sandbox(String mapping) {
        Spawn s = Namespaces.spawn().newPid().newMount().newNet().newIpc().newUts();
        switch (mapping) {
            case "root" -> s.mapRootUser();
            case "current" -> s.mapCurrentUser();
            case "none" -> { }
            default -> throw new IllegalArgumentException(mapping);
        }
        return SandboxSupport.inMinimalRoot(s, new MountPlan().bind(out, Path.of("/out")));
    }

    /** The Uid: or Gid: line of /proc/PID/status, as the host sees it: real, effective, saved, fs. */
    private static List<Long> ids(long pid, String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith(key + ":")) {
                return java.util.Arrays.stream(line.substring(key.length() + 1).trim().split("\\s+"))
                        .map(Long::parseLong).toList();
            }
        }
        throw new AssertionError(key + " missing for " + pid);
    }

    private static long owner(Path p) throws IOException {
        return ((Number) Files.getAttribute(p, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS)).longValue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "root", "current"})
    void insideRootIsNotHostRoot(String mapping) throws Exception {
        NsProcess p = sandbox(mapping).start("sh", "-c", "id -u; id -g; id -G; read x");
        try {
            // the init (the process jns reports) and the command under it
            long init = p.pid();
            String children = Files.readString(Path.of("/proc/" + init + "/task/" + init + "/children")).trim();
            long command = Long.parseLong(children.split("\\s+")[0]);
            for (long pid : new long[] {init, command}) {
                assertThat(ids(pid, "Uid")).as("uids of %d", pid).containsOnly(65534L);
                assertThat(ids(pid, "Gid")).as("gids of %d", pid).containsOnly(65534L);
                assertThat(Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                        .filter(l -> l.startsWith("Groups:")).findFirst().orElseThrow().trim())
                        .as("no supplementary group of the caller").isEqualTo("Groups:");
            }
            p.getOutputStream().close();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(p.getInputStream().readAllBytes())).isEqualTo("0\n0\n0\n");
        } finally {
            end(p);
        }
    }

    private static void end(NsProcess p) throws Exception {
        p.destroyForcibly();
        p.waitFor();
        p.getOutputStream().close();
        p.getInputStream().close();
        p.getErrorStream().close();
    }

    @Test
    void aPlainSpawnByRootStaysRoot() throws Exception {
        SpawnResult r = Namespaces.spawn().newPid().run("sh", "-c", "grep ^Uid: /proc/self/status");
        assertThat(r.stdout().split("\\s+")).containsExactly("Uid:", "0", "0", "0", "0");
    }

    @Test
    void theGlobalCorePatternCannotBeWritten() throws Exception {
        String before = Files.readString(Path.of("/proc/sys/kernel/core_pattern"));
        SpawnResult r = sandbox("root").run("sh", "-c",
                "echo '|/out/x' > /proc/sys/kernel/core_pattern && echo WROTE; cat /proc/sys/kernel/core_pattern");
        assertThat(r.stdout()).doesNotContain("WROTE");
        assertThat(r.stderr()).containsAnyOf("Permission denied", "Read-only file system");
        assertThat(Files.readString(Path.of("/proc/sys/kernel/core_pattern"))).isEqualTo(before);
    }

    @Test
    void aSetuidFilePlantedThroughAWritableBindIsNotRoots() throws Exception {
        SpawnResult r = sandbox("root").run("sh", "-c",
                "cp /usr/bin/id /out/id && chmod 4755 /out/id && echo planted; ls -ln /out/id");
        assertThat(r.stdout()).as(r.stderr()).startsWith("planted");
        Path planted = out.resolve("id");
        assertThat(owner(planted)).isEqualTo(65534L);
        // the host's view of the sandbox's root: the overflow id, whose setuid bit gives nothing
        long gid = ((Number) Files.getAttribute(planted, "unix:gid")).longValue();
        assertThat(gid).isEqualTo(65534L);
    }

    @Test
    void rlimitNprocApplies() {
        SpawnResult r = sandbox("root").limits(Limits.builder().rlimit(Rlimit.NPROC, 1).build())
                .run("sh", "-c", "/bin/true & wait $! && echo FORKED; echo done");
        // host root would not be held to it (the kernel exempts uid 0): the fork would succeed
        assertThat(r.stdout()).doesNotContain("FORKED");
        assertThat(r.stderr()).contains("Cannot fork");
    }

    @Test
    void theSubordinateRangeComesFromTheSystemProperty() throws Exception {
        long[] jnsci = Probe.user("jnsci");
        assumeTrue(jnsci != null && Files.readString(Path.of("/etc/subuid")).contains("jnsci:"),
                "needs the user jnsci with an /etc/subuid range (.ci/setup)");
        long base = Probe.subordinateRange("/etc/subuid", "jnsci")[0];
        System.setProperty("jns.sandbox.subids", "jnsci");
        SpawnResult r = sandbox("root").run("sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map; "
                + "echo x > /out/f; id -u");
        assertThat(r.stdout()).as(r.stderr()).matches("(?s)\\s*0\\s+" + base + "\\s+65536\\s+0\\s+\\d+\\s+65536\\s+0\n");
        assertThat(owner(out.resolve("f"))).isEqualTo(base);

        System.setProperty("jns.sandbox.subids", "300000:1000");
        r = sandbox("none").run("sh", "-c", "cat /proc/self/uid_map");
        assertThat(r.stdout().trim().split("\\s+")).containsExactly("0", "300000", "1000");
    }

    @Test
    void theSpawnsOwnRangeWinsOverTheProperty() {
        System.setProperty("jns.sandbox.subids", "300000:1000");
        SpawnResult r = sandbox("root").security(Security.builder().subordinateIds("400000:10").build())
                .run("sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map");
        assertThat(r.stdout().trim().split("\\s+")).containsExactly("0", "400000", "10", "0", "400000", "10");
    }

    @Test
    void hostRootInsideTakesTheLoudOptIn() throws Exception {
        SpawnResult r = sandbox("root").security(Security.builder().allowHostRoot(true).build())
                .run("sh", "-c", "cat /proc/self/uid_map; grep ^Uid: /proc/self/status");
        assertThat(r.stdout().trim().split("\\s+")).containsExactly("0", "0", "1", "Uid:", "0", "0", "0", "0");
        assertThat(Security.builder().allowHostRoot(true).build().toString()).contains("ALLOWS HOST ROOT");
    }

    @Test
    void aBadRangeIsInvalidBeforeAnyProcess() {
        for (String bad : new String[] {"0:65536", "nosuchuser-jns", "100000:x", "4294967000:1000"}) {
            System.setProperty("jns.sandbox.subids", bad);
            assertThatThrownBy(() -> sandbox("root").run("true")).as(bad)
                    .isInstanceOfSatisfying(InvalidSpecException.class,
                            e -> assertThat(e.field()).isEqualTo("jns.sandbox.subids"));
        }
    }

    @Test
    void anExplicitMapOfHostRootIntoASandboxIsInvalid() {
        assertThatThrownBy(() -> SandboxSupport.inMinimalRoot(Namespaces.spawn().newPid()
                .uidMap(IdMap.of(0, 0, 1)).gidMap(IdMap.of(0, 100000, 1)), new MountPlan()).run("true"))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo("uidMap"))
                .hasMessageContaining("allowHostRoot");
        // a map of unprivileged ids is honoured as given
        SpawnResult r = SandboxSupport.inMinimalRoot(Namespaces.spawn().newPid()
                .uidMap(IdMap.of(0, 200000, 10)).gidMap(IdMap.of(0, 200000, 10)), new MountPlan())
                .run("sh", "-c", "cat /proc/self/uid_map");
        assertThat(r.stdout().trim().split("\\s+")).containsExactly("0", "200000", "10");
    }

    @Test
    void aSandboxDroppedToAUserKeepsThatUsersIds() throws Exception {
        long[] u = Probe.unprivileged();
        NsProcess p = SandboxSupport.inMinimalRoot(Namespaces.spawn().runAs(u[0], u[1]).newPid().newMount(),
                new MountPlan()).start("sleep", "60");
        try {
            // effective and file-system uid are the user's (what the kernel checks when the namespaces are made);
            // the supervisor keeps its real and saved uid 0 so that the user cannot signal or ptrace it (issue 13 #6)
            List<Long> uid = ids(p.pid(), "Uid");
            assertThat(uid.get(1)).isEqualTo(u[0]);
            assertThat(uid.get(3)).isEqualTo(u[0]);
        } finally {
            end(p);
        }
    }
}
