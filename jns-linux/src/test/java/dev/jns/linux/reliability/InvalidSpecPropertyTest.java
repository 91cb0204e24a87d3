package dev.jns.linux.reliability;

import dev.jns.sandbox.Limits;
import dev.jns.sandbox.Security;

import dev.jns.sandbox.Capability;
import dev.jns.IdMap;
import dev.jns.InvalidSpecException;
import dev.jns.sandbox.Mount;
import dev.jns.sandbox.MountPlan;
import dev.jns.NamespaceException;
import dev.jns.Namespaces;
import dev.jns.sandbox.Propagation;
import dev.jns.sandbox.Rlimit;
import dev.jns.Spawn;
import dev.jns.linux.testing.LeakCheck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.Generate.oneOf;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;
import static org.quicktheories.generators.SourceDSL.strings;

/**
 * Generated invalid specs ({@code jns.property.examples} asked, default 1,500; at least 1,000 arrive): NUL bytes in arguments,
 * environment and paths; empty or huge command lines; negative, out-of-range or overlapping id maps; relative
 * or escaping mount paths; unknown capability names; conflicting options; bad limits and timeouts. Each goes
 * through the real {@code run()} and must give an {@link InvalidSpecException} whose field names the bad part;
 * nothing may start and nothing may leak.
 */
class InvalidSpecPropertyTest {
    private static final int EXAMPLES = Integer.getInteger("jns.property.examples", 1500);
    private static final Map<String, AtomicInteger> PER_CATEGORY = new ConcurrentHashMap<>();

    /** One invalid spec: its category, how to attempt it, and what the field must look like. */
    record Case(String category, Function<Spawn, Object> attempt, Predicate<String> field, String expected) {
        @Override
        public String toString() {
            return category + " (expects field " + expected + ")";
        }
    }

    static Case exact(String category, String field, Function<Spawn, Object> attempt) {
        return new Case(category, attempt, field::equals, field);
    }

    static Case matching(String category, String regex, Function<Spawn, Object> attempt) {
        return new Case(category, attempt, f -> f.matches(regex), regex);
    }

    private static final Gen<String> WORD = strings().basicLatinAlphabet().ofLengthBetween(0, 24);
    private static final Gen<String> NAME = strings().betweenCodePoints('a', 'z').ofLengthBetween(1, 12);
    private static final Gen<Integer> POS = integers().between(0, 24);

    private static String withNul(String s, int at) {
        int i = Math.min(at, s.length());
        return s.substring(0, i) + '\0' + s.substring(i);
    }

    static Gen<Case> nulBytes() {
        Gen<Case> arg = WORD.zip(POS, integers().between(1, 4), (s, at, argc) -> {
            String[] cmd = new String[argc + 1];
            cmd[0] = "/bin/true";
            for (int k = 1; k <= argc; k++) {
                cmd[k] = "a";
            }
            cmd[argc] = withNul(s, at);
            return exact("NUL in an argument", "command[" + argc + "]", sp -> sp.run(cmd));
        });
        Gen<Case> program = WORD.zip(POS, (s, at) -> exact("NUL in the program", "command[0]",
                sp -> sp.run(withNul("/bin/" + s, at))));
        Gen<Case> env = NAME.zip(WORD, POS, (k, v, at) -> exact("NUL in the environment", "env " + k,
                sp -> sp.env(k, withNul(v, at)).run("/bin/true")));
        Gen<Case> envKey = NAME.zip(POS, (k, at) -> new Case("NUL in an environment key",
                sp -> sp.env(withNul(k, at), "v").run("/bin/true"), f -> f.startsWith("env"), "env*"));
        Gen<Case> symlink = WORD.zip(POS, (s, at) -> matching("NUL in a mount path", "mounts\\[0\\].*\\.target",
                sp -> sp.mounts(new MountPlan().symlink(withNul(s, at), Path.of("/tmp/l"))).run("/bin/true")));
        Gen<Case> mountDst = WORD.zip(POS, (s, at) -> matching("NUL in a mount path", "mounts\\[0\\].*\\.destination",
                sp -> sp.mounts(new MountPlan().add(new Mount(Mount.Kind.TMPFS, "", withNul("/t/" + s, at), 0755, 0,
                        new byte[0], false))).run("/bin/true")));
        Gen<Case> hostname = NAME.zip(POS, (s, at) -> exact("NUL in the hostname", "hostname",
                sp -> sp.newUts().hostname(withNul(s, at)).run("/bin/true")));
        return oneOf(arg, program, env, envKey, symlink, mountDst, hostname);
    }

    static Gen<Case> commandLines() {
        Gen<Case> empty = integers().between(0, 1).map(k -> k == 0
                ? exact("empty command line", "command", sp -> sp.run())
                : exact("empty command line", "command[0]", sp -> sp.run("")));
        Gen<Case> hugeArg = integers().between(Spawn.MAX_ARG_BYTES + 1, Spawn.MAX_ARG_BYTES + 4096)
                .map(n -> exact("huge argument", "command[1]", sp -> sp.run("/bin/true", "x".repeat(n))));
        Gen<Case> hugeTotal = integers().between(16, 40).map(n -> {
            String[] cmd = new String[n];
            cmd[0] = "/bin/true";
            String big = "y".repeat(Spawn.MAX_ARG_BYTES - 1);
            for (int k = 1; k < n; k++) {
                cmd[k] = big;
            }
            return exact("huge command line", "command", sp -> sp.run(cmd));
        });
        return oneOf(empty, hugeArg, hugeTotal);
    }

    static Gen<Case> idMaps() {
        Gen<Case> negative = integers().between(0, 2).zip(longs().between(Long.MIN_VALUE, -1), (which, v) -> {
            String field = which == 0 ? "idMap.inside" : which == 1 ? "idMap.outside" : "idMap.count";
            return exact("negative id map", field, sp -> sp.uidMap(IdMap.of(which == 0 ? v : 0, which == 1 ? v : 0,
                    which == 2 ? v : 1)).run("/bin/true"));
        });
        Gen<Case> outOfRange = integers().between(0, 1).zip(longs().between(IdMap.MAX_ID + 1, Long.MAX_VALUE), (which, v) ->
                exact("out-of-range id map", which == 0 ? "idMap.inside" : "idMap.outside",
                        sp -> sp.gidMap(IdMap.of(which == 0 ? v : 0, which == 0 ? 0 : v, 1)).run("/bin/true")));
        Gen<Case> zeroCount = longs().between(0, 1000).map(v -> exact("out-of-range id map", "idMap.count",
                sp -> sp.uidMap(IdMap.of(v, v, 0)).run("/bin/true")));
        Gen<Case> overlap = longs().between(0, 100_000).zip(longs().between(2, 1000), longs().between(0, 998),
                integers().between(0, 1), (start, count, off, inside) -> {
                    long o = Math.min(off, count - 1);
                    IdMap a = IdMap.of(start, start + 200_000, count);
                    IdMap b = inside == 0 ? IdMap.of(start + o, 500_000, 1) : IdMap.of(900_000, start + 200_000 + o, 1);
                    return new Case("overlapping id map", sp -> sp.uidMap(a, b).gidMap(IdMap.of(0, 0, 1)).run("/bin/true"),
                            f -> f.equals("uidMap"), "uidMap");
                });
        return oneOf(negative, outOfRange, zeroCount, overlap);
    }

    static Gen<Case> mountPaths() {
        Gen<Case> relative = NAME.zip(integers().between(0, 2), (s, kind) -> switch (kind) {
            case 0 -> matching("relative mount path", "mounts\\[0\\].*\\.destination",
                    sp -> sp.mounts(new MountPlan().tmpfs(Path.of(s))).run("/bin/true"));
            case 1 -> matching("relative mount path", "mounts\\[0\\].*\\.source",
                    sp -> sp.mounts(new MountPlan().bind(Path.of(s, "x"), Path.of("/mnt"))).run("/bin/true"));
            default -> matching("relative mount path", "root", sp -> sp.mounts(new MountPlan().root(Path.of(s))).run("/bin/true"));
        });
        Gen<Case> escaping = NAME.zip(integers().between(1, 4), integers().between(0, 1), (s, ups, which) -> {
            String p = "/" + s + "/..".repeat(ups) + "/etc";
            return which == 0
                    ? matching("escaping mount path", "mounts\\[0\\].*\\.destination",
                    sp -> sp.mounts(new MountPlan().add(new Mount(Mount.Kind.DIR, "", p, 0755, 0, new byte[0], false)))
                            .run("/bin/true"))
                    : matching("escaping mount path", "mounts\\[0\\].*\\.source",
                    sp -> sp.mounts(new MountPlan().add(new Mount(Mount.Kind.BIND, p, "/mnt", 0, 0, new byte[0], false)))
                            .run("/bin/true"));
        });
        Gen<Case> badMode = integers().between(010000, Integer.MAX_VALUE).map(mode -> matching("mount mode out of range",
                "mounts\\[0\\].*\\.mode", sp -> sp.mounts(new MountPlan().mkdir(Path.of("/d"), mode)).run("/bin/true")));
        return oneOf(relative, escaping, badMode);
    }

    static Gen<Case> capabilities() {
        return NAME.map(s -> exact("unknown capability", "capability",
                sp -> sp.security(Security.builder().keepCapabilities(Capability.of("cap_jns_nonesuch_" + s)).build())
                        .run("/bin/true")));
    }

    static Gen<Case> conflicts() {
        Gen<Case> hostname = NAME.map(s -> exact("conflicting options", "hostname", sp -> sp.hostname(s).run("/bin/true")));
        Gen<Case> domainname = NAME.map(s -> exact("conflicting options", "domainname",
                sp -> sp.domainname(s).run("/bin/true")));
        Gen<Case> longHostname = integers().between(65, 300).map(n -> exact("conflicting options", "hostname",
                sp -> sp.newUts().hostname("h".repeat(n)).run("/bin/true")));
        Gen<Case> propagation = integers().between(0, 1).map(k -> exact("conflicting options", "mounts propagation",
                sp -> sp.mounts((k == 0 ? new MountPlan().emptyRoot() : new MountPlan().root(Path.of("/usr")))
                        .propagation(Propagation.SHARED)).run("/bin/true")));
        Gen<Case> gidOnly = longs().between(0, 1000).map(v -> exact("conflicting options", "uidMap",
                sp -> sp.gidMap(IdMap.of(v, v, 1)).run("/bin/true")));
        Gen<Case> timeNoInit = integers().between(0, 1).map(k -> exact("conflicting options", "init",
                sp -> sp.newUser().mapRootUser().newTime().init(false).run("/bin/true")));
        Gen<Case> rlimit = integers().between(0, Rlimit.values().length - 1).zip(longs().between(1, Long.MAX_VALUE / 2),
                (k, hard) -> exact("bad limit", "rlimit " + Rlimit.values()[k],
                        sp -> sp.limits(Limits.builder().rlimit(Rlimit.values()[k], hard + 1, hard).build()).run("/bin/true")));
        Gen<Case> negativeLimit = integers().between(0, Rlimit.values().length - 1).zip(longs().between(Long.MIN_VALUE, -2),
                (k, v) -> exact("bad limit", "rlimit " + Rlimit.values()[k], sp -> sp.limits(Limits.builder().rlimit(Rlimit.values()[k], v).build()).run("/bin/true")));
        Gen<Case> timeout = longs().between(-1_000_000, 0).map(ms -> exact("bad timeout", "timeout",
                sp -> sp.timeout(Duration.ofMillis(ms)).run("/bin/true")));
        Gen<Case> runAs = longs().between(Long.MIN_VALUE, -1).map(uid -> exact("bad runAs", "runAs uid",
                sp -> sp.runAs(uid, 0).run("/bin/true")));
        return oneOf(hostname, domainname, longHostname, propagation, gidOnly, timeNoInit, rlimit, negativeLimit, timeout,
                runAs);
    }

    @Test
    void everyInvalidSpecIsRefusedNamingItsField() {
        // one-time set-up (launcher memfd, lifeline, provider) is not a leak
        assertThat(Namespaces.spawn().newUser().mapRootUser().newPid().run("/bin/true").exitCode()).isZero();
        LeakCheck leaks = LeakCheck.start();
        AtomicInteger n = new AtomicInteger();
        qt().withExamples(EXAMPLES).withShrinkCycles(50)
                .forAll(oneOf(nulBytes(), commandLines(), idMaps(), mountPaths(), capabilities(), conflicts()))
                .checkAssert(c -> {
                    n.incrementAndGet();
                    PER_CATEGORY.computeIfAbsent(c.category(), k -> new AtomicInteger()).incrementAndGet();
                    try {
                        Object started = c.attempt().apply(Namespaces.spawn());
                        fail("%s was accepted: %s", c, started);
                    } catch (InvalidSpecException e) {
                        assertThat(e.field()).as("%s: %s", c, e.getMessage()).matches(c.field());
                        assertThat(e.getMessage()).as("the message names the field").contains(e.field());
                    } catch (NamespaceException e) {
                        fail("%s gave a NamespaceException that is not an InvalidSpecException: %s", c, e);
                    }
                });
        leaks.assertNoLeaks();
        // QuickTheories drops repeated values of the small generators, so fewer than EXAMPLES arrive
        assertThat(n.get()).as("invalid specs tried").isGreaterThanOrEqualTo(Math.min(1000, EXAMPLES));
    }

    @AfterAll
    static void report() {
        Map<String, Integer> counts = new TreeMap<>();
        PER_CATEGORY.forEach((k, v) -> counts.put(k, v.get()));
        System.out.printf("invalid specs: %d generated, per category %s%n",
                counts.values().stream().mapToInt(Integer::intValue).sum(), counts);
        assertThat(counts.keySet()).as("every category was generated").hasSizeGreaterThanOrEqualTo(List.of(
                "NUL in an argument", "empty command line", "negative id map", "relative mount path",
                "unknown capability", "conflicting options").size());
    }
}
