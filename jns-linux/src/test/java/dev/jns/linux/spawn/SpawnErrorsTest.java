package dev.jns.linux.spawn;

import dev.jns.Errno;
import dev.jns.IdMap;
import dev.jns.InvalidSpecException;
import dev.jns.NamespaceException;
import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsHandle;
import dev.jns.linux.testing.NoLeaks;
import dev.jns.linux.testing.Probe;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every setup failure is a NamespaceException naming the step, the errno and a hint; nothing leaks. */
@org.junit.jupiter.api.extension.ExtendWith(NoLeaks.class)
class SpawnErrorsTest {

    private static NamespaceException fails(Runnable r) {
        try {
            r.run();
        } catch (NamespaceException e) {
            return e;
        }
        throw new AssertionError("expected a NamespaceException");
    }

    @Test
    void missingProgramIsNamedWithEnoent() {
        // a PATH of searchable directories: one the user cannot search (e.g. root's inherited through su) makes
        // the search end in EACCES, as execvp's does
        NamespaceException e = fails(() -> Namespaces.spawn().env("PATH", "/usr/local/bin:/usr/bin:/bin")
                .run("jns-no-such-program", "x"));
        assertThat(e.step()).isEqualTo("exec 'jns-no-such-program'");
        assertThat(e.errnoName()).isEqualTo("ENOENT");
        assertThat(e.getMessage()).contains("PATH");
        NamespaceException abs = fails(() -> Namespaces.spawn().newUser().mapRootUser().newPid().run("/nonexistent/prog"));
        assertThat(abs.errno()).isEqualTo(Errno.ENOENT);
    }

    @Test
    void nonExecutableProgramIsEacces() {
        NamespaceException e = fails(() -> Namespaces.spawn().run("/etc/passwd"));
        assertThat(e.errnoName()).isEqualTo("EACCES");
        assertThat(e.hint()).contains("not executable");
    }

    @Test
    void missingWorkingDirectoryIsNamed() {
        NamespaceException e = fails(() -> Namespaces.spawn().directory(Path.of("/nonexistent-jns-dir")).run("/bin/true"));
        assertThat(e.step()).isEqualTo("chdir");
        assertThat(e.errnoName()).isEqualTo("ENOENT");
        assertThat(e.getMessage()).contains("/nonexistent-jns-dir");
    }

    @Test
    void unwritableRedirectIsNamed() {
        NamespaceException e = fails(() -> Namespaces.spawn().redirectOutput(Redirect.to(new File("/proc/jns/x"))).run("/bin/true"));
        assertThat(e.step()).contains("stdout").contains("/proc/jns/x");
        assertThat(e.errno()).isNotZero();
    }

    @Test
    void closedJoinHandleIsRefused() {
        NsHandle h = Namespaces.current(NamespaceType.UTS);
        h.close();
        assertThatThrownBy(() -> Namespaces.spawn().join(h).run("/bin/true")).isInstanceOf(InvalidSpecException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void rootlessProcWithoutPidNamespaceSaysWhy() {
        Assumptions.assumeTrue(Probe.root(), "uses runAs from a root JVM");
        long[] u = Probe.unprivileged();
        NamespaceException e = fails(() -> Namespaces.spawn().runAs(u[0], u[1]).mapRootUser().mountProc().run("/bin/true"));
        assertThat(e.step()).isEqualTo("mount /proc");
        assertThat(e.errnoName()).isEqualTo("EPERM");
        assertThat(e.hint()).contains("newPid()");
    }

    @Test
    void procWithoutPidNamespaceSaysWhy() {
        // the launcher's C mounts a proc that comes alone while S still writes the id maps (child.c): its failure
        // is reported after S's records, with the step and the hint as before
        NamespaceException e = fails(() -> Namespaces.spawn().newUser().mapRootUser().mountProc().run("/bin/true"));
        assertThat(e.step()).isEqualTo("mount /proc");
        assertThat(e.errnoName()).isEqualTo("EPERM");
        assertThat(e.hint()).contains("newPid()");
    }

    @Test
    void rootlessMapOfAnotherUidWithoutRangesSaysWhy() {
        Assumptions.assumeTrue(Probe.root(), "uses runAs from a root JVM");
        Assumptions.assumeTrue(new File("/usr/bin/newuidmap").canExecute(), "needs newuidmap (package uidmap)");
        // nobody has no /etc/subuid range: newuidmap must refuse, and the error must say where to look
        NamespaceException e = fails(() -> Namespaces.spawn().runAs(65534, 65534)
                .uidMap(IdMap.of(0, 65534, 1), IdMap.of(1, 200000, 1000)).run("/bin/true"));
        assertThat(e.step()).isEqualTo("newuidmap");
        assertThat(e.hint()).contains("/etc/subuid");
    }

    @Test
    void namespaceOfAnEndedProcessIsRefused() throws Exception {
        var p = Namespaces.spawn().newUts().start("/bin/true");
        p.waitFor();
        NamespaceException e = fails(() -> p.namespace(NamespaceType.UTS));
        assertThat(e.errnoName()).isEqualTo("ESRCH");
        p.close();
    }
}
