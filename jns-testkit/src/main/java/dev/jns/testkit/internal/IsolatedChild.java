package dev.jns.testkit.internal;

import dev.jns.sandbox.Capability;
import dev.jns.sandbox.MountPlan;
import dev.jns.sandbox.Security;
import dev.jns.Namespaces;
import dev.jns.NsProcess;
import dev.jns.Outcome;
import dev.jns.Spawn;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One child JVM of {@link dev.jns.testkit.Isolated}, in namespaces made for it alone (user mapped to root, pid
 * with its own /proc, mount with its own /etc/hosts, uts, ipc, net with only loopback, and a time namespace
 * for a clock offset), running {@link IsolatedMain}. It may be started ahead and wait; {@link #run} hands it
 * exactly one test, after which it exits and is closed: a child is never reused. Not API.
 */
public final class IsolatedChild implements AutoCloseable {
    /**
     * JVM options that make a short-lived child start fast (C1 only, the serial collector, no perf-data file,
     * class data sharing); the test's own {@code jvmArgs} come after and win. {@link ChildCds} adds its archive.
     */
    public static final List<String> FAST_START = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
            "-XX:-UsePerfData", "-Xshare:auto");
    private static final ExecutorService DRAINERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "jns-isolated-drain");
        t.setDaemon(true);
        return t;
    });

    /**
     * What a child is made for: children of the same key are interchangeable.
     *
     * @param hostname               the hostname inside
     * @param monotonicOffsetSeconds the CLOCK_MONOTONIC offset, 0 for no time namespace
     * @param jvmArgs                the test's extra JVM options
     * @param config                 the JUnit configuration parameters passed on
     */
    public record Key(String hostname, long monotonicOffsetSeconds, List<String> jvmArgs, Map<String, String> config) {
        /** Copies the lists. */
        public Key {
            Objects.requireNonNull(hostname, "hostname");
            jvmArgs = List.copyOf(jvmArgs);
            config = Map.copyOf(config);
        }
    }

    /**
     * What a child reported.
     *
     * @param result the outcome it wrote, or null when it wrote none
     * @param exitCode its exit code
     * @param out    what it printed on stdout
     * @param err    what it printed on stderr
     */
    public record Report(IsolatedResult result, int exitCode, String out, String err) {
    }

    private final Key key;
    private final Path dir;
    private final NsProcess process;
    private final CompletableFuture<String> out;
    private final CompletableFuture<String> err;
    private boolean used;

    private IsolatedChild(Key key, Path dir, NsProcess process) {
        this.key = key;
        this.dir = dir;
        this.process = process;
        this.out = CompletableFuture.supplyAsync(() -> drain(process.getInputStream()), DRAINERS);
        this.err = CompletableFuture.supplyAsync(() -> drain(process.getErrorStream()), DRAINERS);
    }

    /**
     * Starts a child for {@code key}: it makes itself ready and waits for its test.
     *
     * @param preload a class the child may load ahead (the class of the tests that want it), or null
     */
    public static IsolatedChild start(Key key, String preload) {
        Path dir;
        try {
            dir = Files.createTempDirectory("jns-isolated-");
        } catch (IOException e) {
            throw new UncheckedIOException("create the isolated JVM's directory", e);
        }
        try {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            Optional<ChildCds> cds = ChildCds.ready(FAST_START);
            List<String> opts = jvmOptions(key.jvmArgs());
            cds.ifPresent(c -> opts.addAll(opts.size() - key.jvmArgs().size(), c.options()));
            cmd.addAll(opts);
            for (String p : System.getProperties().stringPropertyNames()) {
                if (p.startsWith("jns.") && !p.equals(IsolatedMain.CHILD)) {
                    cmd.add("-D" + p + "=" + System.getProperty(p));
                }
            }
            cmd.add("-D" + IsolatedMain.CHILD + "=true");
            // jns-linux loads its JNI library: JDK 24+ warns unless native access is enabled (17+ accept it)
            cmd.add("--enable-native-access=ALL-UNNAMED");
            cmd.add("-cp");
            cmd.add(cds.map(ChildCds::classPathPrefix).orElse("") + System.getProperty("java.class.path"));
            cmd.add(IsolatedMain.class.getName());
            cmd.add(dir.resolve("result").toString());
            if (preload != null) {
                cmd.add(IsolatedMain.PRELOAD + preload);
            }
            key.config().forEach((k, v) -> cmd.add(k + "=" + v));
            Spawn s = Namespaces.spawn().mapRootUser().newPid().mountProc().newUts().hostname(key.hostname())
                    .newIpc().newNet() // the launcher brings lo up in the new net namespace
                    .mounts(new MountPlan().hostsFile(key.hostname()))
                    // a mount plan would drop every capability (a sandbox's default): keep root's, as before
                    .security(Security.builder().keepCapabilities(Capability.values())
                            // a test fixture run as the caller (mapRootUser): it reads the build's class path
                            .allowHostRoot(true).build());
            if (key.monotonicOffsetSeconds() != 0) {
                s.timeOffsets(Duration.ofSeconds(key.monotonicOffsetSeconds()), Duration.ZERO);
            }
            return new IsolatedChild(key, dir, s.start(cmd.toArray(new String[0])));
        } catch (RuntimeException e) {
            deleteTree(dir);
            throw e;
        }
    }

    /** The options before the test's: {@link #FAST_START}, less a collector when the test names its own. */
    static List<String> jvmOptions(List<String> testArgs) {
        boolean ownGc = testArgs.stream().anyMatch(a -> a.matches("-XX:\\+Use\\w*GC"));
        List<String> opts = new ArrayList<>();
        for (String o : FAST_START) {
            if (!(ownGc && o.equals("-XX:+UseSerialGC"))) {
                opts.add(o);
            }
        }
        opts.addAll(testArgs);
        return opts;
    }

    /** What the child was made for. */
    public Key key() {
        return key;
    }

    /** The host pid of the child's init (its JVM is the init's child). */
    public long pid() {
        return process.pid();
    }

    /** Whether the child still runs (a waiting child that died cannot take a test). */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Hands the child its one test and waits for the result.
     *
     * @param uniqueId    the test's unique id in the parent's engine
     * @param timeoutSeconds how long the test may take before the child is killed
     * @param what        the test, for messages
     * @throws AssertionError when the child ran out of time (its output attached)
     */
    public Report run(String uniqueId, long timeoutSeconds, String what) throws IOException, InterruptedException {
        if (used) {
            throw new IllegalStateException("an isolated JVM runs one test only");
        }
        used = true;
        try (OutputStream in = process.getOutputStream()) {
            in.write((uniqueId + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // the child died while it waited: its output says why
        }
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor();
            throw new AssertionError("the isolated JVM of " + what + " ran longer than " + timeoutSeconds
                    + " s and was killed; its output:\n" + out.join() + err.join());
        }
        Path resultFile = dir.resolve("result");
        IsolatedResult r = Files.exists(resultFile) ? IsolatedResult.read(resultFile) : null;
        return new Report(r, process.exitValue(), out.join(), err.join());
    }

    /** How the child ended (CPU time, peak memory), once it has. */
    public Outcome outcome() throws InterruptedException {
        return process.outcome();
    }

    /** Kills the child if it still runs and deletes its directory. */
    @Override
    public void close() {
        try {
            process.close();
        } finally {
            deleteTree(dir);
        }
    }

    private static String drain(InputStream in) {
        try (in) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            in.transferTo(buf);
            return buf.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(the output could not be read: " + e + ")";
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }
}
