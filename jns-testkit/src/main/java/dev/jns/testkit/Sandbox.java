package dev.jns.testkit;

import dev.jns.InvalidSpecException;
import dev.jns.sandbox.Limits;
import dev.jns.sandbox.MountPlan;
import dev.jns.NamespaceException;
import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsHandle;
import dev.jns.NsProcess;
import dev.jns.Spawn;
import dev.jns.SpawnResult;
import dev.jns.testkit.internal.ProcFs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Fresh namespaces for a test, kept alive by a holder process (an init and a sleeping child), without root:
 * by default a user namespace mapping the caller to root, and mount (with a fresh /proc), pid, uts, ipc and net
 * namespaces, the loopback device up. {@link #run} runs commands inside; {@link #spawn()} gives a
 * {@link Spawn} already joined to them; {@link #workDir()} is a writable directory visible inside.
 *
 * <p>In tests, let {@link SandboxExtension} make and close it (a {@code Sandbox} parameter); elsewhere:
 * <pre>{@code
 * try (Sandbox sandbox = Sandbox.builder().hostname("box").open()) {
 *     SpawnResult r = sandbox.run("hostname");
 * }
 * }</pre>
 *
 * <p>The loopback device is brought up by jns's launcher when the net namespace is made
 * ({@link dev.jns.Spawn#loopback(boolean)}); ask for {@code loopback(false)} to leave it down.
 *
 * <p>With a uts and a mount namespace the sandbox has its own {@code /etc/hosts} and {@code /etc/hostname}
 * ({@link Builder#hostsFile}): the hostname resolves to loopback and {@code localhost} keeps working.
 *
 * <p>Extra mounts ({@link Builder#mounts}: a {@link dev.jns.sandbox.MountPlan}'s binds, read-only binds, tmpfs)
 * are made by the holder in the sandbox's own mount namespace, over the host's tree (there is no root
 * switch), so every command {@link #run} or {@link #spawn()} starts sees them and the host never does.
 */
public final class Sandbox implements AutoCloseable {
    /** The namespaces made when none are named: user, mount, pid, uts, ipc, net. */
    public static final Set<NamespaceType> DEFAULT_NAMESPACES = Collections.unmodifiableSet(EnumSet.of(
            NamespaceType.USER, NamespaceType.MOUNT, NamespaceType.PID, NamespaceType.UTS, NamespaceType.IPC,
            NamespaceType.NET));

    private final Builder options;
    private final NsProcess holder;
    private final Map<NamespaceType, NsHandle> handles;
    private final List<Long> holderPids;
    private final Path workDir;
    private boolean closed;

    private Sandbox(Builder options, NsProcess holder, Map<NamespaceType, NsHandle> handles, List<Long> holderPids,
                    Path workDir) {
        this.options = options;
        this.holder = holder;
        this.handles = handles;
        this.holderPids = holderPids;
        this.workDir = workDir;
    }

    /** Options for a new sandbox. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Runs {@code command} inside the sandbox's namespaces, in {@link #workDir()}, waits for it, and returns
     * its exit code and output.
     */
    public SpawnResult run(String... command) {
        return spawn().run(command);
    }

    /**
     * A {@link Spawn} already joined to every namespace of the sandbox (user first), working in
     * {@link #workDir()}, and, when the sandbox was made for another user ({@link Builder#runAs}), running as
     * that user. Add options (environment, redirects) and start it. A process started from it must end before
     * the test does, or the extension reports it as a leak.
     */
    public Spawn spawn() {
        checkOpen();
        Spawn s = Namespaces.spawn();
        if (options.runAsUid >= 0) {
            s.runAs(options.runAsUid, options.runAsGid);
        }
        for (NsHandle h : handles.values()) {
            s.join(h);
        }
        if (options.limits != null) {
            s.limits(options.limits);
        }
        return s.directory(workDir);
    }

    /**
     * The sandbox's namespace of {@code type}. The handle belongs to the sandbox: do not close it.
     *
     * @throws IllegalArgumentException when the sandbox has no namespace of that type
     */
    public NsHandle namespace(NamespaceType type) {
        checkOpen();
        NsHandle h = handles.get(type);
        if (h == null) {
            throw new IllegalArgumentException("this sandbox has no " + type.procName() + " namespace of its own (it has "
                    + handles.keySet() + "); name it in @SandboxConfig(namespaces = ...) or Sandbox.builder()");
        }
        return h;
    }

    /** The types of namespace the sandbox has. */
    public Set<NamespaceType> namespaces() {
        return Collections.unmodifiableSet(handles.keySet());
    }

    /** A directory of the host, writable inside (by root inside), deleted when the sandbox closes. */
    public Path workDir() {
        return workDir;
    }

    /** The hostname inside, or null when the sandbox has no uts namespace of its own. */
    public String hostname() {
        return handles.containsKey(NamespaceType.UTS) ? options.hostname : null;
    }

    /** The host pid of the holder's first process (PID 1 inside when the sandbox has a pid namespace). */
    public long pid() {
        return holder.pid();
    }

    /** The host pids of the holder (its init and the process it keeps), which are not leaks. */
    public List<Long> holderPids() {
        return holderPids;
    }

    /**
     * Host pids of the processes in the sandbox now, the holder's excluded: those whose namespace of one of the
     * sandbox's types (pid first) is the sandbox's.
     */
    public List<Long> strayProcesses() {
        NamespaceType key = handles.containsKey(NamespaceType.PID) ? NamespaceType.PID
                : handles.keySet().stream().filter(t -> t != NamespaceType.USER).findFirst()
                        .orElse(NamespaceType.USER);
        NsHandle h = handles.get(key);
        if (h == null || !h.isOpen()) {
            return List.of();
        }
        long inode = h.inode();
        List<Long> out = new ArrayList<>();
        for (long p : ProcFs.pids()) {
            if (!holderPids.contains(p) && ProcFs.nsInode(p, key.procName()) == inode) {
                out.add(p);
            }
        }
        return out;
    }

    /** Ends the holder (and with a pid namespace every process in it), closes the handles, deletes the work dir. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        List<Long> strays = strayProcesses();
        closed = true;
        RuntimeException failure = null;
        for (NsHandle h : handles.values()) {
            h.close();
        }
        try {
            holder.close();
        } catch (RuntimeException e) {
            failure = e;
        }
        // with a pid namespace the kernel ended them with the holder; without one, nothing else would
        for (long p : strays) {
            ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly);
        }
        deleteTree(workDir);
        if (failure != null) {
            throw failure;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the sandbox is closed");
        }
    }

    @Override
    public String toString() {
        return "Sandbox[pid=" + holder.pid() + ", " + handles.keySet() + ", workDir=" + workDir + "]";
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort: a file made unreadable inside; the temp dir cleaner takes it
                }
            });
        } catch (IOException e) {
            // best effort, as above
        }
    }

    /** How the caller's ids appear inside the sandbox's user namespace. */
    public enum IdMapping {
        /** The caller is root (uid and gid 0) inside, as {@code unshare -r}. */
        ROOT,
        /** The caller keeps its own uid and gid inside. */
        CURRENT
    }

    /** Options of a sandbox; {@link #open()} makes it. Reusable. */
    public static final class Builder {
        private EnumSet<NamespaceType> namespaces = EnumSet.copyOf(DEFAULT_NAMESPACES);
        private String hostname = "sandbox";
        private boolean loopback = true;
        private Duration monotonicOffset = Duration.ZERO;
        private Duration boottimeOffset = Duration.ZERO;
        private IdMapping idMapping = IdMapping.ROOT;
        private long runAsUid = -1;
        private long runAsGid = -1;
        private final MountPlan mounts = new MountPlan();
        private Limits limits;
        private boolean hostsFile = true;

        private Builder() {
        }

        /**
         * Whether the sandbox gets its own {@code /etc/hosts} and {@code /etc/hostname} (default true; made when
         * it has a uts and a mount namespace): the hostname resolves to loopback ({@code 127.0.1.1} and
         * {@code ::1}, as Debian writes it) and {@code localhost} keeps working, so
         * {@code InetAddress.getLocalHost()} and {@code getent hosts $(hostname)} work inside. The files are on a
         * small tmpfs of the sandbox, bound over the host's in the sandbox's mount namespace only (writable by
         * root inside; the host's files are never touched): {@link MountPlan#hostsFile}. Names of the outside world do not resolve in a net
         * namespace with only loopback: the resolver's query to the host's nameserver fails at once (no route),
         * and Java throws {@code UnknownHostException}.
         */
        public Builder hostsFile(boolean on) {
            hostsFile = on;
            return this;
        }

        /**
         * The namespaces to make. A user namespace is always added (it owns the others, and lets a process of
         * the caller join them without root).
         */
        public Builder namespaces(NamespaceType... types) {
            namespaces = EnumSet.of(NamespaceType.USER, types);
            return this;
        }

        /** The hostname inside (with a uts namespace). Default {@code "sandbox"}. */
        public Builder hostname(String name) {
            hostname = Objects.requireNonNull(name, "name");
            return this;
        }

        /** Whether to bring the loopback device up (with a net namespace). Default true. */
        public Builder loopback(boolean up) {
            loopback = up;
            return this;
        }

        /** Clock offsets of a time namespace (added when either is not zero). */
        public Builder timeOffsets(Duration monotonic, Duration boottime) {
            monotonicOffset = Objects.requireNonNull(monotonic, "monotonic");
            boottimeOffset = Objects.requireNonNull(boottime, "boottime");
            if (!monotonic.isZero() || !boottime.isZero()) {
                namespaces.add(NamespaceType.TIME);
            }
            return this;
        }

        /** How the caller's ids appear inside. Default {@link IdMapping#ROOT}. */
        public Builder idMapping(IdMapping mapping) {
            idMapping = Objects.requireNonNull(mapping, "mapping");
            return this;
        }

        /**
         * For a root JVM: make the sandbox, and run every command in it, as this unprivileged uid/gid, so that
         * the rootless path is what a test exercises. Ignored (-1) by default.
         */
        public Builder runAs(long uid, long gid) {
            runAsUid = uid;
            runAsGid = gid;
            return this;
        }

        /** {@link #runAs(long, long)} of a user named in /etc/passwd. */
        public Builder runAsUser(String name) {
            long[] ids = ProcFs.user(name);
            if (ids == null) {
                throw new IllegalArgumentException("no user '" + name + "' in /etc/passwd");
            }
            return runAs(ids[0], ids[1]);
        }

        /**
         * Appends a mount plan (binds, tmpfs, directories, files, symlinks, read-only remounts: see
         * {@link MountPlan}), applied in order by the holder in the sandbox's mount namespace, after its
         * {@code /proc}. A mount namespace is added to the sandbox. Rules of jns's launcher:
         * <ul>
         * <li>there is no root switch: the sandbox keeps the host's tree and mounts over it, in its private
         * mount namespace; nothing appears on the host, nothing is left when the sandbox closes;</li>
         * <li>paths are absolute and normalized, sources are host paths (readable by the user making the
         * sandbox);</li>
         * <li>a destination must already exist on the host and be of the source's kind (a directory for a
         * directory, a file for a file); missing destinations are created only inside a tmpfs the plan
         * mounted itself (e.g. {@code tmpfs(/mnt/x)} then {@code bind(src, /mnt/x/y)}), never on a host file
         * system;</li>
         * <li>an invalid entry fails {@link #open()} with an {@link InvalidSpecException} naming it; a failing
         * mount with a {@code NamespaceException} naming the entry, the errno and a hint.</li>
         * </ul>
         * The holder (a {@code sleep}) runs without capabilities, as a spawn with a mount plan does; the
         * commands {@link Sandbox#run} and {@link Sandbox#spawn()} start are spawns of their own that join the
         * namespaces and keep root's capabilities inside (they can {@code mount}, set the hostname, and also
         * undo these mounts: the sandbox is a test fixture, not a security boundary).
         */
        public Builder mounts(MountPlan plan) {
            mounts.addAll(Objects.requireNonNull(plan, "plan"));
            return this;
        }

        /**
         * Limits for each command the sandbox runs ({@link #spawn()}, {@link #run}): with cgroup limits each runs
         * in a cgroup of its own that ends with it (the holder that keeps the namespaces has none).
         */
        public Builder limits(Limits value) {
            limits = Objects.requireNonNull(value, "limits");
            return this;
        }

        /** The extra mounts so far, in order. */
        public MountPlan mountPlan() {
            return new MountPlan().addAll(mounts);
        }

        /** The namespaces this builder makes (a mount namespace included when there are extra mounts). */
        public Set<NamespaceType> namespaceTypes() {
            return Collections.unmodifiableSet(effectiveNamespaces());
        }

        private EnumSet<NamespaceType> effectiveNamespaces() {
            EnumSet<NamespaceType> set = EnumSet.copyOf(namespaces);
            if (!mounts.isEmpty()) {
                set.add(NamespaceType.MOUNT);
            }
            return set;
        }

        /** Whether the sandbox is made as another user ({@link #runAs}). */
        public boolean rootless() {
            return runAsUid >= 0 || ProcFs.euid() != 0;
        }

        /**
         * Makes the sandbox: starts the holder, waits until it is ready (loopback up), and opens a handle to
         * each namespace.
         *
         * @throws NamespaceException when the namespaces cannot be made (with the step, errno and hint)
         */
        public Sandbox open() {
            MountPlan.validate(mounts.entries()); // InvalidSpecException before anything is made
            MountPlan plan = new MountPlan();
            if (writesHostsFile()) {
                plan.hostsFile(hostname); // first, so that the caller's own mounts may still replace the files
            }
            plan.addAll(mounts);
            MountPlan.validate(plan.entries());
            Path dir = null;
            NsProcess holder = null;
            Map<NamespaceType, NsHandle> handles = new EnumMap<>(NamespaceType.class);
            try {
                dir = tempDir("jns-sandbox-");
                holder = startHolder(dir, plan);
                awaitReady(holder);
                List<Long> holderPids = ProcFs.descendantsAndSelf(holder.pid());
                for (NamespaceType t : effectiveNamespaces()) {
                    handles.put(t, holder.namespace(t));
                }
                return new Sandbox(this, holder, handles, List.copyOf(holderPids), dir);
            } catch (RuntimeException e) {
                handles.values().forEach(NsHandle::close);
                if (holder != null) {
                    holder.close();
                }
                deleteTree(dir);
                throw e;
            }
        }

        /** Whether {@link #open()} gives the sandbox its own /etc/hosts (asked, and with uts and mount namespaces). */
        boolean writesHostsFile() {
            EnumSet<NamespaceType> types = effectiveNamespaces();
            return hostsFile && types.contains(NamespaceType.UTS) && types.contains(NamespaceType.MOUNT);
        }

        private Path tempDir(String prefix) {
            try {
                Path dir = Files.createTempDirectory(prefix);
                if (runAsUid >= 0) {
                    Files.setAttribute(dir, "unix:uid", (int) runAsUid);
                    Files.setAttribute(dir, "unix:gid", (int) runAsGid);
                }
                return dir;
            } catch (IOException e) {
                throw new UncheckedIOException("create the sandbox's directory " + prefix + "*", e);
            }
        }

        private NsProcess startHolder(Path dir, MountPlan plan) {
            Spawn s = Namespaces.spawn();
            if (runAsUid >= 0) {
                s.runAs(runAsUid, runAsGid);
            }
            if (idMapping == IdMapping.ROOT) {
                s.mapRootUser();
            } else {
                s.mapCurrentUser();
            }
            EnumSet<NamespaceType> types = effectiveNamespaces();
            for (NamespaceType t : types) {
                switch (t) {
                    case CGROUP -> s.newCgroup();
                    case IPC -> s.newIpc();
                    case MOUNT -> s.newMount();
                    case NET -> s.newNet();
                    case PID -> s.newPid();
                    case UTS -> s.newUts();
                    case USER, TIME -> { } // mapped above; time through its offsets below
                }
            }
            if (namespaces.contains(NamespaceType.TIME)) {
                s.timeOffsets(monotonicOffset, boottimeOffset);
            }
            if (types.contains(NamespaceType.PID) && types.contains(NamespaceType.MOUNT)) {
                s.mountProc();
            }
            if (!plan.isEmpty()) {
                // applied after /proc, in the holder's new mount namespace, which every command joins
                s.mounts(plan);
                // a test fixture, not a security boundary: a root JVM's commands join the holder's user namespace
                // as root anyway, so the holder keeps the caller's ids too (jns's sandboxes would not: issue 13)
                s.security(dev.jns.sandbox.Security.builder().allowHostRoot(true).build());
            }
            if (namespaces.contains(NamespaceType.UTS)) {
                s.hostname(hostname);
            }
            // the launcher brings lo up in the new net namespace (Spawn.loopback), no iproute2 needed
            s.loopback(loopback);
            String script = "echo ready; exec sleep 2147483647";
            return s.directory(dir).redirectErrorStream(true).start("/bin/sh", "-c", script);
        }

        private static void awaitReady(NsProcess holder) {
            try {
                holder.getOutputStream().close();
                BufferedReader r = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
                StringBuilder out = new StringBuilder();
                String line;
                while ((line = r.readLine()) != null) {
                    if (line.equals("ready")) {
                        return;
                    }
                    out.append(line).append('\n');
                }
                int code = holder.waitFor();
                throw NamespaceException.builder("open a sandbox").step("start the holder")
                        .detail("the holder exited with " + code + ": " + out.toString().trim()).build();
            } catch (IOException e) {
                throw new UncheckedIOException("read the sandbox holder's output", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the sandbox started", e);
            }
        }
    }
}
