package dev.jns.linux.sandbox;

import dev.jns.NamespaceException;
import dev.jns.Namespaces;
import dev.jns.Spawn;
import dev.jns.SpawnResult;
import dev.jns.linux.testing.NoLeaks;
import dev.jns.linux.testing.Probe;
import dev.jns.linux.testing.SandboxSupport;
import dev.jns.sandbox.BindOwner;
import dev.jns.sandbox.Capability;
import dev.jns.sandbox.MountPlan;
import dev.jns.sandbox.Security;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Issue 19: a root caller's sandbox runs as unprivileged host ids, yet what it writes through a writable bind
 * belongs to the bind's owner on the host (an idmapped mount), not to a subordinate id.
 */
@ExtendWith(NoLeaks.class)
class IdmappedBindTest {
    private static long[] jnsci;
    private Path work;
    private Path out;

    @BeforeAll
    static void rootAndAUser() {
        assumeTrue(Probe.root(), "idmapped mounts need root (CAP_SYS_ADMIN in the initial user namespace)");
        jnsci = Probe.user("jnsci");
        assumeTrue(jnsci != null, "needs the user jnsci (.ci/setup) to own the output directory");
    }

    @BeforeEach
    void setUp() throws IOException {
        work = SandboxSupport.sharedDir("jns-idmap-");
        out = Files.createDirectories(work.resolve("out"));
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxr-xr-x"));
        chown(out, jnsci[0], jnsci[1]);
        System.setProperty("jns.sandbox.subids", "jnsci");
    }

    @AfterEach
    void tearDown() throws IOException {
        System.clearProperty("jns.sandbox.subids");
        SandboxSupport.deleteTree(work);
    }

    private static void chown(Path p, long uid, long gid) throws IOException {
        Files.setAttribute(p, "unix:uid", (int) uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(p, "unix:gid", (int) gid, LinkOption.NOFOLLOW_LINKS);
    }

    private static long attr(Path p, String name) throws IOException {
        return ((Number) Files.getAttribute(p, "unix:" + name, LinkOption.NOFOLLOW_LINKS)).longValue();
    }

    private Spawn sandbox() {
        return sandbox(new MountPlan().bind(out, Path.of("/out")));
    }

    private static Spawn sandbox(MountPlan plan) {
        return SandboxSupport.inMinimalRoot(Namespaces.spawn().newPid().newMount().newNet().newIpc().newUts(), plan);
    }

    @Test
    void whatTheSandboxWritesBelongsToTheBindsOwner() throws Exception {
        Path before = Files.writeString(out.resolve("before"), "x");
        chown(before, jnsci[0], jnsci[1]);
        Path roots = Files.writeString(out.resolve("roots"), "x");
        SpawnResult r = sandbox().run("sh", "-c", "id -u; grep ^Uid: /proc/self/status; "
                + "mkdir -p /out/d/e && echo x > /out/d/e/f && ln -s f /out/d/e/l && touch /out/t && "
                + "stat -c '%u:%g %n' /out/before /out/roots /out/t");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        // inside: root, and the owner's files are root's; files of others show as the overflow id
        assertThat(r.stdout()).startsWith("0\n").contains("0:0 /out/before", "65534:65534 /out/roots", "0:0 /out/t");
        try (Stream<Path> all = Files.walk(out)) {
            for (Path p : all.filter(p -> !p.equals(roots)).toList()) {
                assertThat(attr(p, "uid")).as("owner of %s", p).isEqualTo(jnsci[0]);
                assertThat(attr(p, "gid")).as("group of %s", p).isEqualTo(jnsci[1]);
            }
        }
        assertThat(attr(roots, "uid")).isZero();
    }

    @Test
    void theProcessesStayUnprivilegedOnTheHost() throws Exception {
        SpawnResult r = sandbox().run("sh", "-c", "grep -E '^(Uid|Gid):' /proc/self/status; cat /proc/self/uid_map");
        long base = Long.parseLong(r.stdout().lines().filter(l -> !l.startsWith("Uid") && !l.startsWith("Gid"))
                .findFirst().orElseThrow().trim().split("\\s+")[1]);
        assertThat(base).isNotZero().isNotEqualTo(jnsci[0]);
        // a setuid file made through the idmapped bind is the owner's, never root's
        SpawnResult planted = sandbox().run("sh", "-c", "cp /usr/bin/id /out/id && chmod 4755 /out/id && echo ok");
        assertThat(planted.stdout()).as(planted.stderr()).isEqualTo("ok\n");
        assertThat(attr(out.resolve("id"), "uid")).isEqualTo(jnsci[0]);
    }

    @Test
    void otherInsideIdsWriteAsTheirOwnHostIds() throws Exception {
        // inside uid 5 is host base+5, as without an idmap: only the sandbox's root becomes the owner
        SpawnResult r = sandbox().security(Security.builder()
                        .keepCapabilities(Capability.CAP_SETUID, Capability.CAP_SETGID).build())
                .run("sh", "-c", "mkdir -m 777 /out/shared && setpriv --reuid 5 --regid 5 --clear-groups "
                        + "sh -c 'echo x > /out/shared/five' && cat /proc/self/uid_map");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        long base = Long.parseLong(r.stdout().trim().split("\\s+")[1]);
        assertThat(attr(out.resolve("shared"), "uid")).isEqualTo(jnsci[0]);
        assertThat(attr(out.resolve("shared/five"), "uid")).isEqualTo(base + 5);
        assertThat(attr(out.resolve("shared/five"), "gid")).isEqualTo(base + 5);
    }

    @Test
    void aBuildWritesItsOutputsAsTheOwner() throws Exception {
        Path src = Files.createDirectories(work.resolve("src"));
        Files.writeString(src.resolve("hello.c"), "#include <stdio.h>\nint main(void) { puts(\"hello\"); return 0; }\n");
        Files.writeString(src.resolve("Makefile"), "$(OUT)/hello: hello.c\n\t$(CC) -O1 -o $@ $<\n");
        SpawnResult r = sandbox(new MountPlan().bind(out, Path.of("/out")).roBind(src, Path.of("/src")))
                .directory(Path.of("/src")).run("sh", "-c", "make OUT=/out CC=gcc && /out/hello");
        assertThat(r.exitCode()).as("stdout %s stderr %s", r.stdout(), r.stderr()).isZero();
        assertThat(r.stdout()).endsWith("hello\n");
        assertThat(attr(out.resolve("hello"), "uid")).isEqualTo(jnsci[0]);
        assertThat(attr(out.resolve("hello"), "gid")).isEqualTo(jnsci[1]);
    }

    @Test
    void theCallerAsOwnerMakesEveryOutputTheCallers() throws Exception {
        Path rootOwned = Files.createDirectories(work.resolve("root-owned"));
        Files.setPosixFilePermissions(rootOwned, PosixFilePermissions.fromString("rwxr-xr-x"));
        SpawnResult r = sandbox(new MountPlan().bind(rootOwned, Path.of("/out"), BindOwner.caller()))
                .run("sh", "-c", "cat /proc/self/uid_map; mkdir /out/d && echo x > /out/d/f && touch /out/t");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        assertThat(r.stdout().trim().split("\\s+")[1]).as("the sandbox's root is not host root").isNotEqualTo("0");
        try (Stream<Path> all = Files.walk(rootOwned)) {
            for (Path p : all.toList()) {
                assertThat(attr(p, "uid")).as("owner of %s", p).isZero();
                assertThat(attr(p, "gid")).as("group of %s", p).isZero();
            }
        }
    }

    @Test
    void givenIdsOwnTheOutputs() throws Exception {
        Path mine = Files.createDirectories(out.resolve("mine"));
        chown(mine, 4242, 4343);
        SpawnResult r = sandbox(new MountPlan().bind(out, Path.of("/out"), BindOwner.of(4242, 4343)))
                .run("sh", "-c", "touch /out/mine/t; stat -c %u:%g /out/mine/t /out/mine /out; touch /out/t");
        // inside, the owner's files are root's; the top directory (jnsci's) is not the given owner's: overflow,
        // and not writable for the sandbox
        assertThat(r.stdout()).isEqualTo("0:0\n0:0\n65534:65534\n");
        assertThat(r.stderr()).contains("Permission denied");
        assertThat(attr(mine.resolve("t"), "uid")).isEqualTo(4242);
        assertThat(attr(mine.resolve("t"), "gid")).isEqualTo(4343);
    }

    @Test
    void noneKeepsTheSandboxsOwnHostIds() throws Exception {
        Files.setPosixFilePermissions(out, PosixFilePermissions.fromString("rwxrwxrwx"));
        SpawnResult r = sandbox(new MountPlan().bind(out, Path.of("/out"), BindOwner.none()))
                .run("sh", "-c", "touch /out/t && cat /proc/self/uid_map");
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        long base = Long.parseLong(r.stdout().trim().split("\\s+")[1]);
        assertThat(attr(out.resolve("t"), "uid")).isEqualTo(base);
    }

    @Test
    void aFileSystemWithoutIdmapSupportIsAClearError() {
        // proc cannot be idmapped (no FS_ALLOW_IDMAP): the spawn fails naming the entry, the file system and
        // the kernel's requirement, and nothing runs as host root instead
        assertThatThrownBy(() -> sandbox(new MountPlan().bind(out, Path.of("/out"))
                .roBind(Path.of("/proc"), Path.of("/hostproc"), BindOwner.caller())).run("true"))
                .isInstanceOfSatisfying(NamespaceException.class, e -> {
                    assertThat(e.step()).contains("mount plan entry").contains("/proc -> /hostproc").contains("idmap");
                    assertThat(e.errnoName()).isEqualTo("EINVAL");
                    assertThat(e.hint()).contains("(proc)").contains("5.12");
                });
    }

    @Test
    void anOwnerWithoutAUserNamespaceOfItsOwnIsInvalid() {
        assertThatThrownBy(() -> sandbox(new MountPlan().bind(out, Path.of("/out"), BindOwner.of(4242, 4242)))
                .security(Security.builder().allowHostRoot(true).build()).run("true"))
                .isInstanceOfSatisfying(dev.jns.InvalidSpecException.class,
                        e -> assertThat(e.field()).endsWith(".owner"));
    }

    @Test
    void aRootlessCallerCannotIdmapAndIsToldWhy() {
        long id = SandboxSupport.jnsci();
        SpawnResult before = sandbox(new MountPlan().bind(out, Path.of("/out"))).runAs(id, id).newUser()
                .mapRootUser().run("sh", "-c", "touch /out/plain");
        assertThat(before.exitCode()).as(before.stderr()).isZero();
        assertThat(out.resolve("plain")).exists();
        assertThatThrownBy(() -> sandbox(new MountPlan().bind(out, Path.of("/out"), BindOwner.of(4242, 4242)))
                .runAs(id, id).newUser().mapRootUser().run("true"))
                .isInstanceOfSatisfying(NamespaceException.class, e -> {
                    assertThat(e.errnoName()).isEqualTo("EPERM");
                    assertThat(e.hint()).contains("CAP_SYS_ADMIN").contains("cannot idmap host file systems");
                });
    }
}
