package dev.jns.linux.doctor;

import dev.jns.doctor.DoctorFacts;
import dev.jns.doctor.DoctorProbe;
import dev.jns.doctor.DoctorReport;
import dev.jns.Errno;
import dev.jns.NamespaceException;
import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.Spawn;
import dev.jns.SpawnResult;
import dev.jns.sandbox.Limits;
import dev.jns.sandbox.SeccompFilter;
import dev.jns.sandbox.Security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Finds out what works here by doing it: for each namespace type, starts {@code /bin/true} in a new namespace
 * of that type through {@link Namespaces#spawn()} (as the JVM's user, and, when the JVM is root, as an
 * unprivileged user through {@code Spawn.runAs}: {@code nobody}); and makes a user namespace with a new mount
 * namespace and mounts a tmpfs in it (some hosts let the user namespace be made and refuse its use). Failed
 * attempts are explained from the step and errno of their {@link NamespaceException} and the machine's facts.
 * The attempts run in parallel, once per JVM; {@link #report()} caches the result.
 */
public final class Doctor {
    private static final Logger LOG = LoggerFactory.getLogger(Doctor.class);
    /** The user a root JVM tries the rootless path as. */
    static final String UNPRIVILEGED_USER = "nobody";

    private Doctor() {
    }

    /** The report, made on first use and cached for the life of the JVM. */
    public static DoctorReport report() {
        return Cached.REPORT;
    }

    private static final class Cached {
        static final DoctorReport REPORT = probe();
    }

    /** Makes every attempt now (not cached). */
    public static DoctorReport probe() {
        long t0 = System.nanoTime();
        DoctorFacts facts = FactsReader.read();
        List<Attempt> attempts = new ArrayList<>();
        boolean root = facts.root();
        attempts.addAll(attemptsAs(facts.euid(), -1, !root));
        if (root) {
            long[] ids = FactsReader.ids(UNPRIVILEGED_USER);
            if (ids == null) {
                ids = new long[] {65534, 65534};
            }
            attempts.addAll(attemptsAs(ids[0], ids[1], true));
        }
        ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "jns-doctor");
            t.setDaemon(true);
            return t;
        });
        try {
            List<CompletableFuture<DoctorProbe>> futures = new ArrayList<>();
            for (Attempt a : attempts) {
                futures.add(CompletableFuture.supplyAsync(() -> a.run(facts), pool));
            }
            if (root) {
                futures.add(CompletableFuture.supplyAsync(() -> idmap(facts), pool));
            }
            List<DoctorProbe> probes = new ArrayList<>();
            for (CompletableFuture<DoctorProbe> f : futures) {
                probes.add(f.join());
            }
            DoctorReport report = new DoctorReport(facts, probes);
            LOG.debug("doctor: {} attempts in {} ms", probes.size(), (System.nanoTime() - t0) / 1_000_000);
            return report;
        } finally {
            pool.shutdown();
            try {
                pool.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static List<Attempt> attemptsAs(long uid, long gid, boolean rootless) {
        List<Attempt> out = new ArrayList<>();
        boolean runAs = gid >= 0;
        for (NamespaceType t : NamespaceType.values()) {
            out.add(new Attempt(t.procName(), t, uid, gid, runAs, rootless));
        }
        out.add(new Attempt(DoctorProbe.USERNS_MOUNT, null, uid, gid, runAs, rootless));
        out.add(new Attempt(DoctorProbe.CGROUP_LIMITS, null, uid, gid, runAs, rootless));
        out.add(new Attempt(DoctorProbe.SECCOMP, null, uid, gid, runAs, rootless));
        return out;
    }

    /** One attempt: a type's namespace, or the user namespace + tmpfs. */
    private record Attempt(String name, NamespaceType type, long uid, long gid, boolean runAs, boolean rootless) {
        DoctorProbe run(DoctorFacts facts) {
            if (name.equals(DoctorProbe.CGROUP_LIMITS)) {
                return cgroupLimits(this);
            }
            long t0 = System.nanoTime();
            String step;
            int errno;
            String fallback;
            try {
                Spawn s = Namespaces.spawn();
                if (runAs) {
                    s.runAs(uid, gid);
                }
                SpawnResult r;
                if (name.equals(DoctorProbe.SECCOMP)) {
                    // a sandbox's default filter, as a plain spawn asks for it
                    s.mapRootUser().security(Security.builder().seccomp(SeccompFilter.defaults()).build());
                    r = s.run("/bin/true");
                } else if (type == null) {
                    String mount = program("mount");
                    s.mapRootUser().newMount();
                    if (mount == null) {
                        // no mount(8): a proc mount by the launcher is a mount in the user namespace too
                        r = s.newPid().mountProc().run("/bin/true");
                    } else {
                        r = s.run(mount, "-t", "tmpfs", "-o", "size=64k", "jns-doctor", "/tmp");
                    }
                } else {
                    switch (type) {
                        case USER -> s.mapRootUser();
                        case TIME -> s.newTime();
                        default -> dev.jns.linux.spawn.SpawnTypes.newNamespace(s, type);
                    }
                    r = s.run("/bin/true");
                }
                if (r.success()) {
                    return DoctorProbe.ok(name, type, uid, rootless, elapsed(t0));
                }
                step = type == null && !name.equals(DoctorProbe.SECCOMP) ? "mount tmpfs" : "run /bin/true";
                String err = r.stderr().trim();
                errno = errnoOf(err);
                fallback = "exit code " + r.exitCode() + (err.isEmpty() ? "" : ": " + err);
            } catch (NamespaceException e) {
                step = e.step();
                errno = e.errno();
                fallback = e.hint() != null ? e.hint() : e.detail();
            } catch (RuntimeException e) {
                step = "spawn";
                errno = 0;
                fallback = e.toString();
            }
            Causes.Explanation why = Causes.explain(facts, type, rootless, step, errno, fallback);
            return new DoctorProbe(name, type, uid, rootless, false, step, errno, why.cause(), why.fix(), elapsed(t0));
        }
    }

    /**
     * Issue 19, root only: a sandbox (unprivileged ids) with a bind of a new directory in java.io.tmpdir idmapped
     * to the caller. It fails where the kernel (before 5.12) or that file system cannot idmap; the cause then names
     * the file system and what the kernel needs. A caller without root cannot idmap host file systems at all.
     */
    static DoctorProbe idmap(DoctorFacts facts) {
        long t0 = System.nanoTime();
        Path dir = null;
        String step;
        int errno;
        String cause;
        try {
            dir = Files.createTempDirectory("jns-doctor-idmap-");
            SpawnResult r = Namespaces.spawn().newPid().mounts(new dev.jns.sandbox.MountPlan()
                    .tmpfs(Path.of("/mnt")).bind(dir, Path.of("/mnt/out"), dev.jns.sandbox.BindOwner.caller()))
                    .run("/bin/sh", "-c", "touch /mnt/out/f");
            long owner = ((Number) Files.getAttribute(dir.resolve("f"), "unix:uid")).longValue();
            if (r.success() && owner == facts.euid()) {
                return DoctorProbe.ok(DoctorProbe.IDMAP, null, facts.euid(), false, elapsed(t0));
            }
            step = "write through the idmapped bind";
            errno = 0;
            cause = "exit code " + r.exitCode() + ", file owner " + owner + ": " + r.stderr().trim();
        } catch (NamespaceException e) {
            step = e.step();
            errno = e.errno();
            cause = e.hint() != null ? e.hint() : String.valueOf(e.detail());
        } catch (java.io.IOException | RuntimeException e) {
            step = "idmap";
            errno = 0;
            cause = e.toString();
        } finally {
            if (dir != null) {
                try {
                    Files.deleteIfExists(dir.resolve("f"));
                    Files.deleteIfExists(dir);
                } catch (java.io.IOException e) {
                    LOG.debug("doctor: could not remove {}: {}", dir, e.toString());
                }
            }
        }
        return new DoctorProbe(DoctorProbe.IDMAP, null, facts.euid(), false, false, step, errno, cause,
                "bind without an idmap (BindOwner.none()), or bind directories on a file system that supports "
                + "idmapped mounts", elapsed(t0));
    }

    /** /bin/true under a memory and a pids limit (a new user namespace without root), as this attempt's user. */
    private static DoctorProbe cgroupLimits(Attempt a) {
        long t0 = System.nanoTime();
        try {
            Spawn s = Namespaces.spawn();
            if (a.runAs()) {
                s.runAs(a.uid(), a.gid());
            }
            if (a.rootless()) {
                s.newUser();
            }
            SpawnResult r = s.limits(Limits.builder().memory(64L << 20).pids(64).build()).run("/bin/true");
            if (r.success() && r.outcome().cgroup() != null) {
                return DoctorProbe.ok(a.name(), null, a.uid(), a.rootless(), elapsed(t0));
            }
            return new DoctorProbe(a.name(), null, a.uid(), a.rootless(), false, "run /bin/true", 0,
                    "it ended: " + r.outcome().describe(), "", elapsed(t0));
        } catch (NamespaceException e) {
            return new DoctorProbe(a.name(), null, a.uid(), a.rootless(), false, e.step(), e.errno(),
                    e.detail() == null ? "" : e.detail(), e.hint() == null ? "" : e.hint(), elapsed(t0));
        } catch (RuntimeException e) {
            return new DoctorProbe(a.name(), null, a.uid(), a.rootless(), false, "spawn", 0, e.toString(), "", elapsed(t0));
        }
    }

    private static Duration elapsed(long t0) {
        return Duration.ofNanos(System.nanoTime() - t0);
    }

    private static int errnoOf(String stderr) {
        String s = stderr.toLowerCase(Locale.ROOT);
        if (s.contains("permission denied") || s.contains("not permitted")) {
            return Errno.EPERM;
        }
        if (s.contains("no such")) {
            return Errno.ENOENT;
        }
        if (s.contains("invalid argument")) {
            return Errno.EINVAL;
        }
        return 0;
    }

    private static String program(String name) {
        for (String dir : new String[] {"/usr/bin", "/bin", "/usr/sbin", "/sbin"}) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }
}
