package dev.jns.linux.reliability;

import dev.jns.sandbox.Limits;
import dev.jns.sandbox.SeccompFilter;
import dev.jns.sandbox.Security;
import dev.jns.sandbox.MountPlan;

import dev.jns.sandbox.Mount;
import dev.jns.Namespaces;
import dev.jns.sandbox.Rlimit;
import dev.jns.Spawn;
import dev.jns.linux.spawn.SpecBytes;
import dev.jns.spi.SpawnSpec;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

/**
 * Valid specs round-trip through the JVM↔launcher encoding: {@code LaunchPlan.encode} on the JVM side, the
 * launcher's own {@code spec_parse} (spec.c, compiled here into {@code src/test/c/spec_dump.c}) on the other;
 * what the parser reports must be what was asked, byte for byte (arguments and environment in any Unicode but
 * NUL, host names, mounts, limits, timeout, clone flags).
 */
class SpecRoundTripPropertyTest {
    private static final int EXAMPLES = Integer.getInteger("jns.property.roundtrips", 300);
    private static Path dump;

    @BeforeAll
    static void compileSpecDump() throws Exception {
        Path out = Path.of("target", "spec_dump");
        Files.createDirectories(out.getParent());
        Process cc;
        try {
            cc = new ProcessBuilder("cc", "-std=c11", "-O1", "-Wall", "-Wextra", "-Werror", "-D_GNU_SOURCE",
                    "-DSPEC_PARSER_ONLY", "-I", "src/main/c", "-o", out.toString(), "src/test/c/spec_dump.c",
                    "src/main/c/spec.c").redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "no C compiler (cc) on PATH: " + e.getMessage());
            return;
        }
        String log = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(cc.waitFor()).as("cc spec_dump: %s", log).isZero();
        dump = out.toAbsolutePath();
    }

    private static final Gen<String> ANY = strings().betweenCodePoints(1, 0xD7FF).ofLengthBetween(0, 40);
    private static final Gen<String> NAME = strings().betweenCodePoints('a', 'z').ofLengthBetween(1, 16);

    record Asked(List<String> command, Map<String, String> env, int nsMask, String hostname, List<Integer> mountKinds,
                 Rlimit rlimit, long soft, long hard, long timeoutMs, List<long[]> rules) {
        @Override
        public String toString() {
            return "command " + command + ", env " + env + ", namespaces 0x" + Integer.toHexString(nsMask) + ", hostname "
                    + hostname + ", mounts " + mountKinds + ", rlimit " + rlimit + " " + soft + "/" + hard + ", timeout "
                    + timeoutMs + ", seccomp rules " + rules.stream().map(java.util.Arrays::toString).toList();
        }
    }

    static Gen<Asked> asked() {
        Gen<List<String>> command = NAME.zip(lists().of(ANY).ofSizeBetween(0, 6), (p, args) -> {
            List<String> c = new ArrayList<>();
            c.add("/bin/" + p);
            c.addAll(args);
            return c;
        });
        Gen<Map<String, String>> env = lists().of(NAME.zip(ANY, (k, v) -> Map.entry(k.toUpperCase(), v)))
                .ofSizeBetween(0, 5).map(l -> {
                    Map<String, String> m = new java.util.LinkedHashMap<>();
                    l.forEach(e -> m.put(e.getKey(), e.getValue()));
                    return m;
                });
        Gen<long[]> limits = integers().between(0, Rlimit.values().length - 1).zip(longs().between(0, 1L << 40),
                longs().between(0, 1L << 40), (r, a, b) -> new long[] {r, Math.min(a, b), Math.max(a, b)});
        // a seccomp rule: {action 0..2, errno, argument, op 0..6, value, mask}; argument -1: no condition
        Gen<long[]> rule = integers().between(0, 2).zip(integers().between(1, 4095), integers().between(-1, 5),
                integers().between(0, 6), (act, err, arg, op) -> new long[] {act, err, act == 0 ? -1 : arg, op, 0, 0})
                .zip(longs().all(), longs().all(), (r, v, m) -> new long[] {r[0], r[1], r[2], r[3], v, m});
        return command.zip(env, integers().between(0, 127), lists().of(integers().between(0, 4)).ofSizeBetween(0, 6),
                limits.zip(NAME, longs().between(1, 10_000_000), lists().of(rule).ofSizeBetween(0, 4),
                        (l, h, t, r) -> new Object[] {l, h, t, r}),
                (c, e, ns, mounts, rest) -> {
                    long[] l = (long[]) rest[0];
                    @SuppressWarnings("unchecked")
                    List<long[]> rules = (List<long[]>) rest[3];
                    return new Asked(c, e, ns, (String) rest[1], mounts, Rlimit.values()[(int) l[0]], l[1], l[2],
                            (Long) rest[2], rules);
                });
    }

    static SpawnSpec build(Asked a) {
        return build(a, true);
    }

    /** The spawn {@code a} asks for; with jns's default seccomp filter and {@code a}'s rules when {@code seccomp}. */
    static SpawnSpec build(Asked a, boolean seccomp) {
        Spawn s = Namespaces.spawn().clearEnv();
        a.env().forEach(s::env);
        if ((a.nsMask() & 1) != 0) {
            s.newUser().mapRootUser();
        }
        if ((a.nsMask() & 2) != 0) {
            s.newNet();
        }
        if ((a.nsMask() & 4) != 0) {
            s.newUts().hostname(a.hostname());
        }
        if ((a.nsMask() & 8) != 0) {
            s.newIpc();
        }
        if ((a.nsMask() & 16) != 0) {
            s.newPid();
        }
        if ((a.nsMask() & 32) != 0) {
            s.newCgroup();
        }
        int i = 0;
        MountPlan plan = new MountPlan();
        for (int kind : a.mountKinds()) {
            Path dst = Path.of("/tmp/jns-rt/" + a.hostname() + i++);
            switch (kind) {
                case 0 -> plan.tmpfs(dst, 1L << 20, 0700);
                case 1 -> plan.roBindTry(Path.of("/usr"), dst);
                case 2 -> plan.file(dst, "content " + a.hostname());
                case 3 -> plan.bindData(dst, "data " + a.hostname());
                default -> plan.symlink("../" + a.hostname(), dst);
            }
        }
        if (!plan.isEmpty()) {
            s.mounts(plan);
        }
        s.limits(Limits.builder().rlimit(a.rlimit(), a.soft(), a.hard()).build());
        s.timeout(Duration.ofMillis(a.timeoutMs()));
        if (!seccomp) {
            return SpawnSpec.of(s, a.command().toArray(String[]::new));
        }
        SeccompFilter f = SeccompFilter.defaults();
        for (long[] r : a.rules()) {
            SeccompFilter.Condition[] when = r[2] < 0 ? new SeccompFilter.Condition[0]
                    : new SeccompFilter.Condition[] {new SeccompFilter.Condition((int) r[2], SeccompFilter.Op.values()[(int) r[3]],
                    r[4], SeccompFilter.Op.values()[(int) r[3]] == SeccompFilter.Op.MASKED_EQ ? r[5] : 0)};
            f = switch ((int) r[0]) {
                case 0 -> f.allow(a.hostname());
                case 1 -> f.errno(a.hostname(), (int) r[1], when);
                default -> f.kill(a.hostname(), when);
            };
        }
        s.security(Security.builder().seccomp(f).build());
        return SpawnSpec.of(s, a.command().toArray(String[]::new));
    }

    @Test
    void validSpecsRoundTrip() {
        AtomicInteger n = new AtomicInteger();
        qt().withExamples(EXAMPLES).withShrinkCycles(30).forAll(asked()).checkAssert(a -> {
            SpawnSpec spec = build(a);
            byte[] bytes = SpecBytes.encode(spec);
            List<String> parsed = parse(bytes);
            assertThat(parsed).as("spec_dump of %s", a).isNotEmpty().doesNotContain("error");
            assertThat(parsed.get(0)).as("parse of %s", a).doesNotStartWith("error");
            assertThat(only(parsed, "clone_flags ")).containsExactly("clone_flags 0x" + Long.toHexString(SpecBytes.cloneFlags(spec)));
            assertThat(only(parsed, "arg ")).containsExactlyElementsOf(a.command().stream().map(v -> "arg " + esc(v)).toList());
            assertThat(only(parsed, "env ")).containsExactlyElementsOf(spec.environment().entrySet().stream()
                    .map(e -> "env " + esc(e.getKey() + "=" + e.getValue())).toList());
            assertThat(only(parsed, "hostname ")).containsExactlyElementsOf(
                    (a.nsMask() & 4) != 0 ? List.of("hostname " + esc(a.hostname())) : List.of());
            List<String> mounts = new ArrayList<>();
            for (Mount m : spec.sandbox().mounts()) {
                mounts.add(String.format("mount %d %d 0%o %d %d", dev.jns.linux.spawn.MountOp.of(m.kind()).code(), m.optional() ? 1 : 0, m.mode(),
                        m.size(), m.content().length));
                mounts.add(" src " + esc(m.source()));
                mounts.add(" dst " + esc(m.destination()));
            }
            assertThat(only(parsed, "mount ", " src ", " dst ", " src", " dst")).containsExactlyElementsOf(
                    mounts.stream().map(l -> l.endsWith(" ") ? l.substring(0, l.length() - 1) + " " : l).toList());
            assertThat(only(parsed, "rlimit ")).containsExactly(
                    "rlimit " + a.rlimit().ordinal() + " " + a.soft() + " " + a.hard());
            assertThat(only(parsed, "timeout ")).hasSize(1).allMatch(l -> l.startsWith("timeout " + a.timeoutMs() + " "));
            List<String> rules = new ArrayList<>();
            for (SeccompFilter.Rule r : spec.sandbox().security().seccomp(true).rules()) {
                StringBuilder line = new StringBuilder("rule " + (r.action().ordinal() + 1) + " " + r.errno() + " "
                        + r.syscall());
                for (SeccompFilter.Condition c : r.conditions()) {
                    boolean masked = c.op() == SeccompFilter.Op.MASKED_EQ;
                    line.append(' ').append(c.argument()).append(':').append(c.op().code()).append(':')
                            .append(Long.toUnsignedString(masked ? c.mask() : c.value())).append(':')
                            .append(Long.toUnsignedString(masked ? c.value() : 0));
                }
                rules.add(line.toString());
            }
            assertThat(only(parsed, "rule ")).containsExactlyElementsOf(rules);
            assertThat(only(parsed, "seccomp ")).hasSize(1).allMatch(l -> l.startsWith("seccomp 1 "));
            n.incrementAndGet();
        });
        System.out.printf("spec round trips: %d valid specs parsed back exactly by spec_parse%n", n.get());
        assertThat(n.get()).isGreaterThanOrEqualTo(EXAMPLES / 2);
    }

    /**
     * Issue 17, sessions 13 and 14: the JVM asks for a light supervisor (one in the fork server's memory) from the
     * encoded bytes ({@code SpecEncoder.light}), and the launcher checks the parsed spec ({@code spec_light}, and
     * for a root launcher {@code spec_light_sandbox}): both must say yes exactly for a spec without namespaces,
     * seccomp filter or mounts (limits, a timeout, arguments and environment allowed), and, for a root launcher,
     * also for one whose namespaces are new ones without a seccomp filter or mounts; no for the others.
     */
    @Test
    void theJvmAndTheLauncherAgreeOnWhichSpecsGetALightSupervisor() {
        AtomicInteger light = new AtomicInteger();
        AtomicInteger sandbox = new AtomicInteger();
        AtomicInteger other = new AtomicInteger();
        qt().withExamples(EXAMPLES).withShrinkCycles(30).forAll(asked(), integers().between(0, 7))
                .checkAssert((asked, features) -> {
                    boolean namespaces = (features & 1) != 0 && (asked.nsMask() & 63) != 0;
                    boolean mounts = (features & 2) != 0 && !asked.mountKinds().isEmpty();
                    boolean seccomp = (features & 4) != 0;
                    Asked a = new Asked(asked.command(), asked.env(), namespaces ? asked.nsMask() : 0,
                            asked.hostname(), mounts ? asked.mountKinds() : List.of(), asked.rlimit(), asked.soft(),
                            asked.hard(), asked.timeoutMs(), asked.rules());
                    boolean expected = !namespaces && !mounts && !seccomp;
                    boolean expectedSandbox = namespaces && !mounts && !seccomp;
                    byte[] bytes = SpecBytes.encode(build(a, seccomp));
                    assertThat(dev.jns.linux.spawn.SpecEncoder.light(bytes, false)).as("the JVM's answer for %s, "
                            + "features %d", a, features).isEqualTo(expected);
                    assertThat(dev.jns.linux.spawn.SpecEncoder.light(bytes, true)).as("a root JVM's answer for %s, "
                            + "features %d", a, features).isEqualTo(expected || expectedSandbox);
                    assertThat(only(parse(bytes), "light ", "light_sandbox ")).as("the launcher's answers for %s, "
                            + "features %d", a, features).containsExactly("light " + (expected ? 1 : 0),
                            "light_sandbox " + (expectedSandbox ? 1 : 0));
                    (expected ? light : expectedSandbox ? sandbox : other).incrementAndGet();
                });
        System.out.printf("light supervisor: %d specs light, %d light for a root launcher only, %d not, alike in the "
                + "JVM and the launcher%n", light.get(), sandbox.get(), other.get());
        assertThat(light.get()).isPositive();
        assertThat(sandbox.get()).isPositive();
        assertThat(other.get()).isPositive();
    }

    private static List<String> only(List<String> lines, String... prefixes) {
        return lines.stream().filter(l -> Set.of(prefixes).stream().anyMatch(p -> l.startsWith(p) && (p.endsWith(" ")
                || l.equals(p)))).toList();
    }

    /** spec_dump's escaping: bytes below 0x20, '\' and 0x7f and up as \xNN. */
    static String esc(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c < 0x20 || c == '\\' || c >= 0x7f) {
                b.append(String.format("\\x%02x", c));
            } else {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    private static List<String> parse(byte[] bytes) {
        try {
            Process p = new ProcessBuilder(dump.toString()).start();
            Thread writer = new Thread(() -> {
                try (var in = p.getOutputStream()) {
                    in.write(bytes);
                } catch (IOException ignored) {
                    // the reader reports
                }
            });
            writer.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            writer.join();
            return out.lines().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
