package dev.jns.linux.spawn;

import dev.jns.Errno;
import dev.jns.NamespaceException;
import dev.jns.NsHandle;
import dev.jns.NsProcess;
import dev.jns.SpawnResult;
import dev.jns.linux.ffi.Native;
import dev.jns.linux.ffi.Sys;
import dev.jns.spi.SpawnSpec;

import java.io.File;
import java.lang.ProcessBuilder.Redirect;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;


/**
 * Starts the launcher with {@code posix_spawn} and exact fds, sends it the spec, and reads how setup went.
 *
 * <p>Every posix_spawn runs on one long-lived daemon thread, "jns-spawner": the launcher's
 * PR_SET_PDEATHSIG fires when the thread that spawned it ends, so that thread must live as long as the JVM.
 * The lifeline pipe, whose write end only the JVM holds, covers the rest: its EOF tells launchers that the
 * JVM is gone, however it ended.
 */
public final class Spawner {

    /** Fds of the launcher: 0-2 stdio, then these. */
    private static final int SPEC_FD = 3;
    private static final int STATUS_FD = 4;
    private static final int LIFELINE_FD = 5;

    static {
        // Before any fd of jns exists: a JVM started with fd 0, 1 or 2 closed would otherwise hand jns's own
        // pipes to a command that inherits that stdio slot.
        StdFds.fill();
        Hints.preload();
    }

    private static final String SPAWNER_NAME = "jns-spawner";

    /**
     * The spawner thread's executor, made at its first task: a JVM's first {@code run()} spawns on the calling
     * thread and the fork server starts only at the second spawn, so a first spawn loads none of the executor's
     * classes (some 15 of the JDK's, not in its class-data archive).
     */
    private static final class SpawnThread {
        // Classes, not lambdas, on the path of a JVM's first spawn (here and in the rest of jns-linux's spawn
        // path): each lambda's class is spun at its first run, and the first one of a JVM starts the lambda
        // machinery (README, "Performance"; FirstSpawnClassesTest fails on any).
        static final ExecutorService EXECUTOR = Executors.newSingleThreadExecutor(new ThreadFactory() {
            @Override
            public Thread newThread(Runnable r) {
                return daemon(r, SPAWNER_NAME);
            }
        });
    }

    private static final int[] LIFELINE = lifeline();
    private static final Privileges JVM = Privileges.current();
    /**
     * /dev/null, read-only, open for the JVM's life (close-on-exec, like the lifeline): the stdin of every
     * {@code run()}, whose command gets no input; one open and one close fewer per run.
     */
    private static final int NULL_STDIN = Sys.moveAtOrAbove(
            Sys.open("open /dev/null for the stdin of run()", "/dev/null", Native.O_RDONLY, 0), 3);

    static {
        // The reaper (a thread and its wake-up pipe) is made with the other things jns keeps for the JVM's life,
        // at its first spawn, rather than at the first that needs it (a start(), or a run() whose launcher ends
        // after it): what a test counts after its first spawn does not change under it.
        Reaper.instance();
    }

    private static int[] lifeline() {
        int[] p = Sys.pipe("create the jns lifeline pipe");
        return new int[] {Sys.moveAtOrAbove(p[0], 3), Sys.moveAtOrAbove(p[1], 3)};
    }

    private Spawner() {
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Starts {@code spec}; returns once the command was executed, or throws why it was not. */
    public static NsProcess start(SpawnSpec spec) {
        try {
            Launched l = launch(spec, false, false);
            return LinuxNsProcess.of(l.plan, l.launcher, l.childPid, l.childPidfd,
                    l.ours[0], l.ours[1], l.ours[2], l.status, l.statusFd, l.namespaceIds);
        } finally {
            Logs.launched(); // SLF4J starts after a JVM's first start(), not during it
        }
    }

    /**
     * Starts {@code spec}, waits for it and collects its output on the calling thread alone: one poll loop over
     * stdout, stderr and the launcher's status, no other thread involved (no reaper, no drainer, no spawner
     * hand-off), because the caller is blocked here for the command's whole life anyway. A caller that runs
     * inside namespaces it entered with {@code NsHandle.call} goes through the spawner thread instead, so that
     * every spawn starts from the JVM's own namespaces.
     */
    public static SpawnResult run(SpawnSpec spec) {
        long t0 = System.nanoTime();
        boolean here = !Thread.currentThread().getName().startsWith("jns-enter");
        try {
            Launched l = launch(spec, here, true);
            Collected c = RunLoop.collect(l, spec, spec.captureLimit());
            return new SpawnResult(c.stdout(), c.stderr(), Duration.ofNanos(System.nanoTime() - t0),
                    c.exit().outcome(l.namespaceIds, c.cgroupUsage()), c.truncated());
        } finally {
            Logs.launched(); // SLF4J starts after a JVM's first run(), not during it
        }
    }

    /** What a successful launch hands on: the launcher, the command, our ends of its pipes, the status reader. */
    static final class Launched {
        final LaunchPlan plan;
        final LauncherProc launcher;
        final int childPid;
        final int childPidfd;
        final int[] ours;
        final StatusReader status;
        final int statusFd;
        final java.util.Map<dev.jns.NamespaceType, Long> namespaceIds;

        Launched(LaunchPlan plan, LauncherProc launcher, int childPid, int childPidfd, int[] ours,
                 StatusReader status, int statusFd, java.util.Map<dev.jns.NamespaceType, Long> namespaceIds) {
            this.plan = plan;
            this.launcher = launcher;
            this.childPid = childPid;
            this.childPidfd = childPidfd;
            this.ours = ours;
            this.status = status;
            this.statusFd = statusFd;
            this.namespaceIds = namespaceIds;
        }
    }

    /**
     * What {@link RunLoop#collect} gathered; {@code truncated}: a stream went past the capture limit;
     * {@code cgroupUsage}: what the sandbox's cgroup counted, or null.
     */
    record Collected(CommandEnd exit, String stdout, String stderr, boolean truncated,
                     dev.jns.Outcome.CgroupUsage cgroupUsage) {
    }


    /**
     * Spawns the launcher (on this thread when {@code here}, else on the spawner thread), sends the spec and
     * reads the status up to STARTED. {@code forRun}: for a run(), where a piped stdin becomes /dev/null (run()
     * closes it at once anyway) and nothing opens the init's /proc (LaunchPlan.encode).
     */
    private static Launched launch(SpawnSpec spec, boolean here, boolean forRun) {
        LaunchPlan plan = LaunchPlan.of(spec, JVM);
        try {
            return launch(spec, plan, here, forRun, true);
        } catch (ForkServer.Abandoned a) {
            // the request was given up after the fds were sent: a late launcher may hold them, so this spawn
            // starts over with new pipes (the old ones are closed: such a launcher reads EOF and ends), and
            // without the server (a new one is ready for the next spawn)
            Logs.SPAWNER.debug("{}: starting over without the fork server", spec.describe());
            return launch(spec, plan, here, forRun, false);
        }
    }

    private static Launched launch(SpawnSpec spec, LaunchPlan plan, boolean here, boolean forRun,
                                   boolean useServer) {
        String what = spec.describe();
        Launcher launcher = Launcher.get();
        FdList parentSide = new FdList();  // ours; closed on failure
        FdList childSide = new FdList();   // the launcher's; closed once it runs
        LauncherProc proc = null;
        boolean ok = false;
        List<FdHolder> pinned = new ArrayList<>();
        try {
            int[] stdio = new int[3];
            int[] ours = {-1, -1, -1};
            stdio[0] = forRun && spec.stdin() == Redirect.PIPE ? NULL_STDIN
                    : redirect(what, spec.stdin(), true, ours, 0, parentSide, childSide);
            stdio[1] = redirect(what, spec.stdout(), false, ours, 1, parentSide, childSide);
            stdio[2] = spec.redirectErrorStream() ? stdio[1]
                    : redirect(what, spec.stderr(), false, ours, 2, parentSide, childSide);
            int[] specPipe = Sys.pipe(what);
            parentSide.add(specPipe[1]);
            childSide.add(specPipe[0]);
            int[] statusPipe = Sys.pipe(what);
            parentSide.add(statusPipe[0]);
            childSide.add(statusPipe[1]);

            FdList sources = FdList.of(stdio[0], stdio[1], stdio[2], specPipe[0], statusPipe[1], LIFELINE[0]);
            List<long[]> devIno = new ArrayList<>();
            for (NsHandle h : spec.joins()) {
                // pinned until launch returns: a concurrent close() cannot free the number (and let another
                // open reuse it) while the fd is sent; the launcher checks the identity recorded at open
                int fd = pin(what, h, pinned);
                sources.add(fd);
                devIno.add(new long[] {h.device(), h.inode()});
            }
            for (java.util.Map.Entry<Integer, Integer> pass : spec.sandbox().passFds().entrySet()) {
                int open = Sys.tryFcntl(pass.getValue(), Native.F_GETFD, 0);
                if (open < 0) {
                    throw NamespaceException.builder(what)
                            .step("pass fd " + pass.getValue() + " as fd " + pass.getKey()).errno(-open)
                            .detail("fd " + pass.getValue() + " is not open in this process")
                            .hint("keep the descriptor open until start() returns").build();
                }
                sources.add(pass.getValue());
            }
            mountFds(what, plan, sources, childSide);
            byte[] encoded = plan.encode(devIno, forRun);
            // A spec that fits in a pipe for sure (one page: the least a pipe holds, even past the user's pipe
            // quota) is written before the launcher exists, so the launcher finds it at once instead of waiting
            // for this thread to wake up after the fork: one hand-off fewer on every spawn.
            boolean specWritten = encoded.length <= PIPE_PAGE;
            if (specWritten) {
                Sys.writeFully(what, specPipe[1], encoded);
            }
            // jns.testing.lightAlways (test aid only): asks for a light supervisor whatever the spec, so that a test
            // can see the launcher refuse one for a spec with namespaces
            // the server's forks keep the server's own lifeline: all but the one at LIFELINE_FD go
            proc = useServer && serverAskedBefore() ? ForkServer.fork(what, sources.toArrayWithout(LIFELINE_FD),
                    ForkServer.LIGHT
                    && (SpecEncoder.light(encoded, JVM.realRoot()) || Boolean.getBoolean("jns.testing.lightAlways")),
                    specWritten ? statusPipe[0] : -1) : null;
            if (proc == null) {
                // no fork server to be had: spawn the launcher directly
                int pid = here ? check(what, SpawnCall.spawnHere(launcher.path(), sources.toArray()))
                        : posixSpawn(what, launcher.path(), sources.toArray());
                int pidfd = Sys.tryPidfdOpen(pid);
                if (pidfd < 0) {
                    int e = -pidfd;
                    Sys.tryKill(pid, Native.SIGKILL); // our child, not yet waited for: the pid is still its own
                    Sys.waitpid(pid);
                    throw NamespaceException.builder(what).step("pidfd_open of the launcher").errno(e)
                            .hint("jns needs Linux 5.3 or later").build();
                }
                proc = new LauncherProc(pid, pidfd);
            }
            childSide.closeAll();
            parentSide.add(proc.pidfd);
            int launcherPid = proc.pid;
            try {
                if (!specWritten) {
                    Sys.writeFully(what, specPipe[1], encoded);
                }
            } catch (NamespaceException e) {
                // the launcher ended early; its status says why
                Logs.SPAWNER.debug("writing the spec failed: {}", e.getMessage());
            }
            StatusReader status = new StatusReader(statusPipe[0]);
            int childPid = -1;
            int childPidfd = -1;
            List<StatusReader.Record> early = new ArrayList<>();
            java.util.Map<dev.jns.NamespaceType, Long> ids = new java.util.EnumMap<>(dev.jns.NamespaceType.class);
            List<Step> steps = Logs.SPAWNER.isDebugEnabled() ? plan.steps() : List.of();
            int logged = 0;
            while (true) {
                StatusReader.Record r = status.next();
                if (r == null) {
                    int raw = proc.awaitExit();
                    int pid = proc.pid;
                    proc = null;
                    throw NamespaceException.builder(what).step("run the launcher").detail("the jns launcher (pid "
                            + pid + ") ended with " + ExitStatus.describe(raw) + " before the command started")
                            .hint("this is a jns bug, or the launcher was killed; run with DEBUG logging of dev.jns")
                            .build();
                }
                if (r.kind() == StatusReader.PID) {
                    childPid = r.a();
                    childPidfd = Sys.tryPidfdOpen(childPid);
                    if (childPidfd >= 0) {
                        parentSide.add(childPidfd);
                    }
                    // the launcher reaps its child only after this EOF: the pid stays ours until now
                    closeAndForget(parentSide, specPipe[1]);
                    Logs.SPAWNER.debug("{}: launcher {} cloned {}", what, launcherPid, childPid);
                    logged = logSteps(what, steps, logged, Step.CLONE, null);
                } else if (r.kind() == StatusReader.ERROR) {
                    logSteps(what, steps, logged, Step.of(r.a()), r);
                    closeAndForget(parentSide, specPipe[1]);
                    proc.awaitExit();
                    proc = null;
                    throw SetupFailure.of(plan, r.a(), r.b(), r.detail());
                } else if (r.kind() == StatusReader.STARTED) {
                    logSteps(what, steps, logged, Step.EXEC, null);
                    break;
                } else if (r.kind() == StatusReader.NSIDS) {
                    NamespaceIds.parse(r.detail(), ids);
                } else {
                    // a quick command's init may report its end (EXIT, TIMEOUT) before the launcher reports the
                    // exec: keep it for whoever reads the rest, it is the command's exact status
                    early.add(r);
                }
            }
            closeAndForget(parentSide, specPipe[1]);
            for (StatusReader.Record r : early) {
                status.pushBack(r);
            }
            Launched l = new Launched(plan, proc, childPid, childPidfd, ours, status,
                    statusPipe[0], java.util.Collections.unmodifiableMap(ids));
            ok = true;
            return l;
        } finally {
            for (FdHolder h : pinned) {
                h.unpin();
            }
            childSide.closeAll();
            if (!ok) {
                if (proc != null) {
                    proc.killSandbox(); // a sandbox may exist already: S kills it all, then ends
                    if (!awaitEnd(proc, 1000)) {
                        proc.signal(Native.SIGKILL); // a stopped launcher
                    }
                    proc.awaitExit();
                }
                if (plan.cgroup != null) {
                    plan.cgroup.removeLeftovers(); // a no-op when the launcher removed it
                }
                parentSide.closeAll();
            }
        }
    }

    /**
     * Whether this JVM has asked for a fork server yet. Its first spawn goes without one (and does not load the
     * server's class): a JVM that spawns once (a command-line tool, a build step, a test JVM) does not pay for
     * starting a server it never uses again (one exec of the launcher and a round trip: about 13 ms of a fresh
     * JVM's first spawn, six alternating runs); the second spawn begins its start.
     */
    private static volatile boolean serverAsked;
    /** Guards the change of {@link #serverAsked}: a lock, not an AtomicBoolean (see OutputScratch). */
    private static final Object SERVER_ASKED_LOCK = new Object();

    /** Whether a spawn has asked for a fork server before this call; from now on, one has. */
    private static boolean serverAskedBefore() {
        if (serverAsked) {
            return true; // every spawn after the first: no lock
        }
        synchronized (SERVER_ASKED_LOCK) {
            boolean before = serverAsked;
            serverAsked = true;
            return before;
        }
    }

    /** PIPE_BUF and the page size: a write this small into an empty pipe never blocks. */
    private static final int PIPE_PAGE = 4096;

    /**
     * The mount plan's launcher fds, after the fds to pass (LaunchPlan numbers them in this order): one sealed
     * memfd with every content too big for the spec (issue 16: files from Java of any size up to
     * MountPlan.MAX_FILE_BYTES, never a host file), then the caller's descriptor of each fd bind.
     */
    private static void mountFds(String what, LaunchPlan plan, FdList sources, FdList childSide) {
        List<dev.jns.sandbox.Mount> contents = plan.memfdContents();
        if (!contents.isEmpty()) {
            int fd = Sys.memfdCreate(what, "jns-plan-data", Sys.Hint.NONE);
            childSide.add(fd); // closed once the launcher has it, or on failure
            for (dev.jns.sandbox.Mount m : contents) {
                Sys.writeFully(what, fd, m.content());
            }
            Sys.fcntl(what, "seal the mount plan's memfd", fd, Native.F_ADD_SEALS,
                    Native.F_SEAL_WRITE | Native.F_SEAL_SHRINK | Native.F_SEAL_GROW | Native.F_SEAL_SEAL,
                    Sys.Hint.NONE);
            sources.add(fd);
        }
        for (int fd : plan.fdBindSources()) {
            int open = Sys.tryFcntl(fd, Native.F_GETFD, 0);
            if (open < 0) {
                throw NamespaceException.builder(what).step("bind fd " + fd).errno(-open)
                        .detail("fd " + fd + " of MountPlan.bindFd/roBindFd is not open in this process")
                        .hint("keep the descriptor open until start() returns").build();
            }
            sources.add(fd);
        }
    }

    /**
     * DEBUG: one line per launcher step of the plan from {@code from} up to {@code upTo} ({@code failure}: the
     * ERROR record of that step). Returns the index after the last step logged.
     */
    private static int logSteps(String what, List<Step> steps, int from, Step upTo, StatusReader.Record failure) {
        if (steps.isEmpty()) {
            return from;
        }
        int end = steps.subList(from, steps.size()).indexOf(upTo);
        end = end < 0 ? (failure != null ? from : steps.size()) : from + end + (failure != null ? 0 : 1);
        for (int i = from; i < end; i++) {
            Logs.SPAWNER.debug("{}: launcher step {} ({}) done", what, steps.get(i).code(), steps.get(i).label());
        }
        if (failure != null) {
            Logs.SPAWNER.debug("{}: launcher step {} ({}) failed: {} {}", what, upTo.code(), upTo.label(),
                    Errno.name(failure.b()), failure.detail());
        }
        return end;
    }

    private static void closeAndForget(FdList fds, int fd) {
        if (fds.remove(fd)) {
            Sys.closeQuietly(fd);
        }
    }

    private static int pin(String what, NsHandle h, List<FdHolder> pinned) {
        if (h instanceof FdHolder f) {
            int fd = f.pin(what);
            pinned.add(f);
            return fd;
        }
        throw NamespaceException.builder(what).step("join " + h).errno(Errno.EINVAL)
                .detail("the handle is not a jns-linux handle").hint("open handles with dev.jns.Namespaces").build();
    }

    /** Waits up to {@code ms} for the launcher's end (its pidfd); true when it has ended. */
    static boolean awaitEnd(LauncherProc proc, int ms) {
        long deadline = System.nanoTime() + ms * 1_000_000L;
        while (!proc.ended()) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            if (left <= 0) {
                return false;
            }
            Sys.pollOne(proc.pidfd, Native.POLLIN, (int) Math.min(left, 50));
        }
        return true;
    }

    /**
     * Waits (at most a second) until the sandbox's first process has ended. After a normal end the launcher has
     * reaped it already; when the launcher was killed, the first process dies by PR_SET_PDEATHSIG, and as a pid
     * namespace's init it ends only once the kernel has killed everything in its namespace.
     */
    static void awaitFirstProcess(int childPidfd) {
        if (childPidfd >= 0) {
            Sys.pollOne(childPidfd, Native.POLLIN, 1000);
        }
    }

    /** What jns-linux's handles give the spawner. */
    public interface FdHolder {
        /** The open fd; throws a NamespaceException naming {@code what} when closed. */
        int fd(String what);

        /**
         * The open fd, pinned: a concurrent close of the handle is deferred (the number cannot be reused)
         * until {@link #unpin()}; throws a NamespaceException naming {@code what} when closed.
         */
        int pin(String what);

        /** Ends one {@link #pin}. */
        void unpin();
    }

    /**
     * The launcher-side fd for one stdio stream; for a pipe, our end goes to {@code ours[slot]}.
     */
    private static int redirect(String what, Redirect r, boolean input, int[] ours, int slot,
                                FdList parentSide, FdList childSide) {
        // if, not switch, over the enum: see the user maps in LaunchPlan.of
        Redirect.Type type = r.type();
        if (type == Redirect.Type.INHERIT) {
            return slot;
        }
        if (type == Redirect.Type.PIPE) {
            int[] p = Sys.pipe(what);
            ours[slot] = input ? p[1] : p[0];
            parentSide.add(ours[slot]);
            int theirs = input ? p[0] : p[1];
            childSide.add(theirs);
            return theirs;
        }
        File f = r.file();
        int flags;
        if (type == Redirect.Type.READ) {
            flags = Native.O_RDONLY;
        } else if (type == Redirect.Type.WRITE) {
            flags = Native.O_WRONLY | Native.O_CREAT | Native.O_TRUNC;
        } else if (type == Redirect.Type.APPEND) {
            flags = Native.O_WRONLY | Native.O_CREAT | Native.O_APPEND;
        } else {
            throw new IllegalStateException(r.toString());
        }
        String stream = slot == 0 ? "stdin" : slot == 1 ? "stdout" : "stderr";
        int fd = Sys.tryOpen(f.getPath(), flags, 0666);
        if (fd < 0) {
            int e = -fd;
            String hint = Hints.forErrno(e);
            throw NamespaceException.builder(what).step("open " + stream + " redirect " + f).errno(e)
                    .hint(hint != null ? hint : "the file must be " + (input ? "readable" : "writable")
                            + " by the JVM").build();
        }
        childSide.add(fd);
        return fd;
    }

    private static int posixSpawn(String what, String path, int[] sources) {
        Future<int[]> f = SpawnThread.EXECUTOR.submit(new SpawnCall(path, sources, SpawnCall.ARGV));
        int[] r;
        try {
            r = f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            try {
                r = f.get(); // the spawn is quick and must not be abandoned: the pid needs a reaper
            } catch (InterruptedException | ExecutionException again) {
                throw NamespaceException.builder(what).step("posix_spawn").errno(Errno.EINTR).cause(again).build();
            }
        } catch (ExecutionException e) {
            throw NamespaceException.builder(what).step("posix_spawn").detail(e.getCause().toString())
                    .cause(e.getCause()).build();
        }
        return check(what, r);
    }

    /**
     * Starts the fork server (the launcher with argv "--server") with {@code fds} as its 0..4, the lifeline as 5 and
     * {@code lightSock}, unless -1, as 6 (the light socket: ForkServer); returns its pid. Only on the spawner
     * thread, in a task of {@link #onSpawnerThread}: PR_SET_PDEATHSIG is per thread, and that thread lives as long
     * as the JVM.
     */
    static int spawnServer(int[] fds, int lightSock) {
        if (!Thread.currentThread().getName().equals(SPAWNER_NAME)) {
            throw new IllegalStateException("the fork server is started on the " + SPAWNER_NAME + " thread only");
        }
        int[] sources = java.util.Arrays.copyOf(fds, fds.length + (lightSock >= 0 ? 2 : 1));
        sources[fds.length] = LIFELINE[0];
        if (lightSock >= 0) {
            sources[fds.length + 1] = lightSock; // fd 6: the light socket (ForkServer)
        }
        return check("start the jns fork server",
                SpawnCall.spawn(Launcher.get().path(), sources, SpawnCall.SERVER_ARGV));
    }

    /** Runs {@code task} on the spawner thread, after what was given to it before; it must not throw. */
    static void onSpawnerThread(Runnable task) {
        SpawnThread.EXECUTOR.execute(task);
    }

    /**
     * What {@code jns-launcher --describe} prints: its protocol version, its libseccomp version, and whether this
     * kernel has seccomp filters (for the doctor).
     */
    public static String describeLauncher() {
        String what = "describe the jns launcher";
        int[] out = Sys.pipe(what);
        int nul = -1;
        try {
            nul = Sys.open(what, "/dev/null", Native.O_RDWR, 0);
            int[] sources = {nul, out[1], out[1]};
            String path = Launcher.get().path();
            Future<int[]> f = SpawnThread.EXECUTOR.submit(new SpawnCall(path, sources, SpawnCall.DESCRIBE_ARGV));
            int pid = check(what, f.get());
            Sys.closeQuietly(out[1]);
            out[1] = -1;
            java.io.ByteArrayOutputStream text = new java.io.ByteArrayOutputStream();
            byte[] buf = new byte[512];
            for (int n; (n = Sys.read(what, out[0], buf, buf.length)) > 0; ) {
                text.write(buf, 0, n);
            }
            Sys.waitpid(pid);
            return text.toString(java.nio.charset.StandardCharsets.UTF_8).trim();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw NamespaceException.builder(what).step("posix_spawn").errno(Errno.EINTR).cause(e).build();
        } catch (ExecutionException e) {
            throw NamespaceException.builder(what).step("posix_spawn").detail(e.getCause().toString())
                    .cause(e.getCause()).build();
        } finally {
            Sys.closeQuietly(out[0]);
            Sys.closeQuietly(out[1]);
            Sys.closeQuietly(nul);
        }
    }

    /** The pid of a posix_spawn result {pid, error}, or the exception for its error. */
    private static int check(String what, int[] r) {
        if (r[1] != 0) {
            throw NamespaceException.builder(what).step("posix_spawn of the launcher").errno(r[1])
                    .hint(r[1] == Errno.EACCES ? Launcher.get().execRefusedHint() : Hints.forErrno(r[1])).build();
        }
        return r[0];
    }

    /** posix_spawn of the launcher with exact fds, through {@link Sys#posixSpawn}. */
    private static final class SpawnCall implements Callable<int[]> {
        private final String path;
        private final int[] sources;
        private final byte[][] argv;

        /** A spawn for the spawner thread. */
        SpawnCall(String path, int[] sources, byte[][] argv) {
            this.path = path;
            this.sources = sources;
            this.argv = argv;
        }

        @Override
        public int[] call() {
            return spawn(path, sources, argv);
        }

        /** On the calling thread (a spawn that must not go through the spawner thread). */
        static int[] spawnHere(String path, int[] sources) {
            return spawn(path, sources, ARGV);
        }

        /** With other arguments; the launcher's own fd survives the file actions (it is executed after them). */
        static int[] spawn(String path, int[] sources, byte[][] argv) {
            return Sys.posixSpawn(path, sources, Launcher.get().fd(), argv);
        }

        /** The launcher's argvs (its environment is empty): constant, built once. */
        private static final byte[][] ARGV = Sys.argv("jns-launcher");
        static final byte[][] SERVER_ARGV = Sys.argv("jns-launcher", "--server");
        static final byte[][] DESCRIBE_ARGV = Sys.argv("jns-launcher", "--describe");
    }

}
