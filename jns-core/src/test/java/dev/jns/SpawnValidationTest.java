package dev.jns;

import dev.jns.sandbox.MountPlan;
import dev.jns.sandbox.Propagation;

import dev.jns.spi.SpawnSpec;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.strings;

/** What {@link Spawn} checks before anything starts; pure Java, no kernel involved. */
class SpawnValidationTest {
    private static String field(Throwable e) {
        return ((InvalidSpecException) e).field();
    }

    @Test
    void impliedOptionsAreResolved() {
        SpawnSpec s = SpawnSpec.of(Namespaces.spawn().mapRootUser().mountProc().timeOffsets(Duration.ofDays(1), Duration.ZERO)
                , "true");
        assertThat(s.newNamespaces()).containsExactlyInAnyOrder(NamespaceType.USER, NamespaceType.MOUNT,
                NamespaceType.TIME);
        assertThat(s.userMapping()).isEqualTo(SpawnSpec.UserMapping.ROOT);
        assertThat(s.propagation()).isEqualTo(Propagation.PRIVATE);
    }

    @Test
    void nulBytesAnywhereAreRefusedNamingTheField() {
        qt().forAll(strings().allPossible().ofLengthBetween(0, 20), integers().between(0, 20)).checkAssert((s, at) -> {
            String bad = s.substring(0, Math.min(at, s.length())) + '\0' + s.substring(Math.min(at, s.length()));
            assertThatThrownBy(() -> SpawnSpec.of(Namespaces.spawn(), "echo", bad)).isInstanceOf(InvalidSpecException.class)
                    .satisfies(e -> assertThat(field(e)).isEqualTo("command[1]"));
            assertThatThrownBy(() -> Namespaces.spawn().env("K", bad)).satisfies(e -> assertThat(field(e)).isEqualTo("env K"));
            assertThatThrownBy(() -> Namespaces.spawn().newUts().hostname(bad.isEmpty() ? "\0" : bad))
                    .isInstanceOf(InvalidSpecException.class);
        });
    }

    @Test
    void badCommandsAreRefused() {
        assertThatThrownBy(() -> SpawnSpec.of(Namespaces.spawn())).satisfies(e -> assertThat(field(e)).isEqualTo("command"));
        assertThatThrownBy(() -> SpawnSpec.of(Namespaces.spawn(), "")).satisfies(e -> assertThat(field(e)).isEqualTo("command[0]"));
        assertThatThrownBy(() -> SpawnSpec.of(Namespaces.spawn(), "a", null)).satisfies(e -> assertThat(field(e)).isEqualTo("command[1]"));
        String huge = "x".repeat(Spawn.MAX_ARG_BYTES + 1);
        assertThatThrownBy(() -> SpawnSpec.of(Namespaces.spawn(), "echo", huge)).hasMessageContaining("at most");
        String big = "x".repeat(Spawn.MAX_ARG_BYTES - 10);
        String[] many = new String[20];
        java.util.Arrays.fill(many, big);
        assertThatThrownBy(() -> SpawnSpec.of(Namespaces.spawn(), many)).hasMessageContaining("arguments and environment");
    }

    @Test
    void impossibleCombinationsAreRefused() {
        assertThatThrownBy(() -> SpawnSpec.of(Namespaces.spawn().hostname("box"), "true"))
                .satisfies(e -> assertThat(field(e)).isEqualTo("hostname")).hasMessageContaining("newUts()");
        assertThatThrownBy(() -> SpawnSpec.of(Namespaces.spawn().domainname("d"), "true"))
                .satisfies(e -> assertThat(field(e)).isEqualTo("domainname"));
        assertThatThrownBy(() -> SpawnSpec.of(Namespaces.spawn()
                        .mounts(new MountPlan().emptyRoot().propagation(Propagation.SHARED)), "true"))
                .satisfies(e -> assertThat(field(e)).isEqualTo("mounts propagation"));
        assertThatThrownBy(() -> SpawnSpec.of(Namespaces.spawn().gidMap(IdMap.of(0, 0, 1)), "true"))
                .satisfies(e -> assertThat(field(e)).isEqualTo("uidMap"));
        assertThatThrownBy(() -> SpawnSpec.of(Namespaces.spawn().uidMap(IdMap.of(0, 0, 10), IdMap.of(5, 100, 1)), "true"))
                .hasMessageContaining("overlap");
        assertThatThrownBy(() -> Namespaces.spawn().newUts().hostname("x".repeat(65)))
                .satisfies(e -> assertThat(field(e)).isEqualTo("hostname"));
        assertThatThrownBy(() -> Namespaces.spawn().env("A=B", "c")).satisfies(e -> assertThat(field(e)).isEqualTo("env key"));
        assertThatThrownBy(() -> Namespaces.spawn().runAs(-1, 0)).satisfies(e -> assertThat(field(e)).isEqualTo("runAs uid"));
    }

    @Test
    void environmentIsTheJvmsUnlessChanged() {
        assertThat(SpawnSpec.of(Namespaces.spawn(), "true").environment()).isEqualTo(System.getenv());
        assertThat(SpawnSpec.of(Namespaces.spawn().clearEnv().env("A", "1"), "true").environment()).containsExactly(
                java.util.Map.entry("A", "1"));
        assertThat(SpawnSpec.of(Namespaces.spawn().env("PATH", null), "true").environment()).doesNotContainKey("PATH");
    }
    @Test
    void hostsFileNamesTheHostnameOnLoopbackAndRefusesWhatAHostsFileCannotHold() {
        java.util.List<dev.jns.sandbox.Mount> e = new MountPlan().hostsFile("web-1.example.test").entries();
        assertThat(e).extracting(m -> m.kind().label() + " " + m.destination() + " " + m.optional())
                .containsExactly("bindData /etc/hosts true", "bindData /etc/hostname true");
        assertThat(new String(e.get(0).content(), java.nio.charset.StandardCharsets.UTF_8)).contains(
                "127.0.0.1\tlocalhost\n", "127.0.1.1\tweb-1.example.test web-1\n",
                "::1\tlocalhost ip6-localhost ip6-loopback web-1.example.test web-1\n");
        assertThat(new String(e.get(1).content(), java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo("web-1.example.test\n");
        for (String bad : new String[] {"", "two words", "a#b", "tab\tbed", "nl\n"}) {
            assertThatThrownBy(() -> new MountPlan().hostsFile(bad)).isInstanceOf(InvalidSpecException.class)
                    .satisfies(x -> assertThat(field(x)).isEqualTo("hostsFile"));
        }
    }

    @Test
    void bindDataNeedsAPropagationThatKeepsItsStagingInside() {
        for (Propagation p : new Propagation[] {Propagation.SHARED, Propagation.UNCHANGED}) {
            assertThatThrownBy(() -> SpawnSpec.of(Namespaces.spawn().newUser().newMount()
                    .mounts(new MountPlan().propagation(p).bindData(java.nio.file.Path.of("/etc/hosts"), "x")), "true"))
                    .isInstanceOf(InvalidSpecException.class)
                    .satisfies(x -> assertThat(field(x)).isEqualTo("mounts[0] (bindData /etc/hosts)"));
        }
        SpawnSpec.of(Namespaces.spawn().newUser().newMount().mounts(new MountPlan().propagation(Propagation.SLAVE)
                .bindData(java.nio.file.Path.of("/etc/hosts"), "x")), "true");
    }

    /** An open handle of {@code type} for validation only (nothing joins it: no spawn starts). */
    private static NsHandle handle(NamespaceType type) {
        return (NsHandle) java.lang.reflect.Proxy.newProxyInstance(NsHandle.class.getClassLoader(),
                new Class<?>[] {NsHandle.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "type" -> type;
                    case "isOpen" -> true;
                    case "toString" -> type.procName() + ":[1]";
                    case "hashCode" -> System.identityHashCode(proxy);
                    case "equals" -> proxy == args[0];
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void joiningAndCreatingOneTypeIsRefusedWithTheKernelsReason() {
        // pid: a new one nests in the joined one (the launcher forks once more: jns-linux NestedPidTest)
        SpawnSpec nested = SpawnSpec.of(Namespaces.spawn().join(handle(NamespaceType.PID)).newPid(), "true");
        assertThat(nested.newNamespaces()).containsExactly(NamespaceType.PID);
        assertThat(nested.joins()).extracting(NsHandle::type).containsExactly(NamespaceType.PID);
        assertThatThrownBy(() -> SpawnSpec.of(Namespaces.spawn().join(handle(NamespaceType.USER)).newUser(), "true"))
                .isInstanceOfSatisfying(InvalidSpecException.class, e -> assertThat(e.field()).isEqualTo("join"))
                .hasMessageContaining("--userns excludes --unshare-user");
        assertThatThrownBy(() -> SpawnSpec.of(Namespaces.spawn().join(handle(NamespaceType.NET)).newNet(), "true"))
                .hasMessageContaining("only pid and user namespaces form a hierarchy");
        // joined and new of different types combine
        SpawnSpec ok = SpawnSpec.of(Namespaces.spawn().join(handle(NamespaceType.USER), handle(NamespaceType.PID))
                .newMount().newUts().newNet(), "true");
        assertThat(ok.newNamespaces()).containsExactlyInAnyOrder(NamespaceType.MOUNT, NamespaceType.UTS, NamespaceType.NET);
        assertThat(ok.joins()).hasSize(2);
    }
}
