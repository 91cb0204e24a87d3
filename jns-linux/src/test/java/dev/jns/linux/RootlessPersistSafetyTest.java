package dev.jns.linux;

import dev.jns.NamespaceException;
import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsHandle;
import dev.jns.linux.testing.Probe;
import dev.jns.linux.testing.SandboxSupport;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 13, item 9, from an unprivileged JVM (Maven: -Djns.rootlessUser=jnsci): a symlink at the persist path or
 * a plain file at the unpersist path is refused for what it is (ELOOP, EINVAL) before any mount call could fail
 * with EPERM.
 */
@Tag("rootless")
class RootlessPersistSafetyTest {
    @BeforeAll
    static void notRoot() {
        Assumptions.assumeFalse(Probe.root(), "runs only in a JVM of an unprivileged user "
                + "(mvn -Djns.rootlessUser=jnsci ...); as root see PersistSafetyTest");
    }

    @Test
    void aSymlinkIsRefusedAndAPlainFileIsNotUnmounted() throws Exception {
        Path dir = Files.createTempDirectory("jns-persist-rootless-");
        try {
            Path victim = Files.writeString(dir.resolve("victim"), "");
            Path planted = Files.createSymbolicLink(dir.resolve("ns"), victim);
            try (NsHandle h = Namespaces.current(NamespaceType.UTS)) {
                assertThatThrownBy(() -> h.persist(planted)).isInstanceOfSatisfying(NamespaceException.class,
                        e -> assertThat(e.errnoName()).isEqualTo("ELOOP"));
            }
            assertThatThrownBy(() -> Namespaces.unpersist(victim)).isInstanceOfSatisfying(NamespaceException.class,
                    e -> assertThat(e.getMessage()).contains("not a kept namespace"));
            assertThat(Files.isSymbolicLink(planted)).isTrue();
        } finally {
            SandboxSupport.deleteTree(dir);
        }
    }
}
