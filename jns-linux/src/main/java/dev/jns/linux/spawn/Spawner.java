package dev.jns.linux.spawn;

import dev.jns.Errno;
import dev.jns.NamespaceException;
import dev.jns.NsHandle;
import dev.jns.NsProcess;
import dev.jns.SpawnResult;
import dev.jns.linux.ffi.Native;
import dev.jns.linux.ffi.Sys;
import dev.jns.spi.SpawnSpec;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.File;
import java.lang.ProcessBuilder.Redirect;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Starts the launcher with {@code posix_spawn} and exact fds, sends it the spec, and reads how setup went.
 *
 * <p>Every posix_spawn runs on one long-lived daemon thread, "jns-spawner": the launcher's
 * PR_SET_PDEATHSIG fires when the thread that spawned it ends, so that thread must live as long as the JVM.
 * The lifeline pipe, whose write end only the JVM holds, covers the rest: its EOF tells launchers that the
 * JVM is gone, however it ended.
 */
public final class Spawner {
    private static final Logger LOG = LoggerFactory.getLogger(Spawner.class);

    /** Fds of the launcher: 0-2 stdio, then these. */
    private static final int SPEC_FD = 3;
    private static final int STATUS_FD = 4;
    private static final int LIFELINE_FD = 5;

    private static final ExecutorService SPAWN_THREAD = Executors.newSingleThreadExecutor(r -> daemon(r, "jns-spawner"));
    static final ExecutorService REAPERS = Executors.newCachedThreadPool(r -> daemon(r, "jns-reaper"));
    private static final int[] LIFELINE = Sys.pipe("create the jns lifeline pipe");
    private static final Privileges JVM = Privileges.current();

    private Spawner() {
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** Starts {@code spec}; returns once the command was executed, or throws why it was not. */
    public static NsProcess start(SpawnSpec spec) {
        Launched l = launch(spec, false, false);
        return new LinuxNsProcess(l.plan, l.launcher, l.childPid, l.childPidfd,
                l.ours[0], l.ours[1], l.ours[2], l.status, l.statusFd, l.namespaceIds);
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
        Launched l = launch(spec, here, true);
        Collected c = RunLoop.collect(l, spec);
        return new SpawnResult(c.stdout(), c.stderr(),
                Duration.ofNanos(System.nanoTime() - t0), LinuxNsProcess.outcome(c.exit(), l.namespaceIds));
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

    /** What {@link RunLoop#collect} gathered. */
    record Collected(LinuxNsProcess.Exit exit, String stdout, String stderr) {
    }

    /**
     * Spawns the launcher (on this thread when {@code here}, else on the spawner thread), sends the spec and
     * reads the status up to STARTED. With {@code nullStdin}, a piped stdin becomes /dev/null (run() closes it
     * at once anyway).
     */
    private static Launched launch(SpawnSpec spec, boolean here, boolean nullStdin) {
        LaunchPlan plan = LaunchPlan.of(spec, JVM);
        String what = spec.describe();
        Launcher launcher = Launcher.get();
        List<Integer> parentSide = new ArrayList<>();  // ours; closed on failure
        List<Integer> childSide = new ArrayList<>();   // the launcher's; closed once it runs
        LauncherProc proc = null;
        boolean ok = false;
        try {
            int[] stdio = new int[3];
            int[] ours = {-1, -1, -1};
            Redirect in = nullStdin && spec.stdin() == Redirect.PIPE ? Redirect.from(DEV_NULL) : spec.stdin();
            stdio[0] = redirect(what, in, true, ours, 0, parentSide, childSide);
            stdio[1] = redirect(what, spec.stdout(), false, ours, 1, parentSide, childSide);
            stdio[2] = spec.redirectErrorStream() ? stdio[1]
                    : redirect(what, spec.stderr(), false, ours, 2, parentSide, childSide);
            int[] specPipe = Sys.pipe(what);
            parentSide.add(specPipe[1]);
            childSide.add(specPipe[0]);
            int[] statusPipe = Sys.pipe(what);
            parentSide.add(statusPipe[0]);
            childSide.add(statusPipe[1]);

            List<Integer> sources = new ArrayList<>(List.of(stdio[0], stdio[1], stdio[2], specPipe[0], statusPipe[1],
                    LIFELINE[0]));
            List<long[]> devIno = new ArrayList<>();
            for (NsHandle h : spec.joins()) {
                sources.add(joinFd(what, h));
                // the identity the handle was opened with, not the fd's now: a handle closed meanwhile may have
                // freed its fd number for another file, which the launcher then refuses (ESTALE) instead of joining
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
            byte[] encoded = plan.encode(devIno);
            List<Integer> forServer = new ArrayList<>(sources);
            forServer.remove(LIFELINE_FD); // (by index) the server's forks keep the server's own lifeline
            proc = ForkServer.fork(what, forServer);
            if (proc == null) {
                // no fork server to be had: spawn the launcher directly
                int pid = here ? check(what, SpawnCall.spawnHere(launcher.path(), sources))
                        : posixSpawn(what, launcher.path(), sources);
                int pidfd = Sys.tryPidfdOpen(pid);
                if (pidfd < 0) {
                    int e = -pidfd;
                    Sys.tryKill(pid, Native.SIGKILL); // ours and not yet reaped: it cannot be gone
                    Sys.waitpid(pid);
                    throw NamespaceException.builder(what).step("pidfd_open of the launcher").errno(e)
                            .hint("jns needs Linux 5.3 or later").build();
                }
                proc = new LauncherProc(pid, pidfd, -1);
            }
            for (int fd : childSide) {
                Sys.closeQuietly(fd);
            }
            childSide.clear();
            parentSide.add(proc.pidfd);
            int launcherPid = proc.pid;
            try {
                Sys.writeFully(what, specPipe[1], encoded);
            } catch (NamespaceException e) {
                // the launcher ended early; its status says why
                LOG.debug("writing the spec failed: {}", e.getMessage());
            }
            StatusReader status = new StatusReader(statusPipe[0]);
            int childPid = -1;
            int childPidfd = -1;
            List<StatusReader.Record> early = new ArrayList<>();
            java.util.Map<dev.jns.NamespaceType, Long> ids = new java.util.EnumMap<>(dev.jns.NamespaceType.class);
            List<Step> steps = LOG.isDebugEnabled() ? plan.steps() : List.of();
            int logged = 0;
            while (true) {
                StatusReader.Record r = status.next();
                if (r == null) {
                    int raw = proc.awaitExit();
                    proc = null;
                    throw NamespaceException.builder(what).step("run the launcher").detail("it ended with "
                            + ExitStatus.describe(raw) + " before the command started")
                            .hint("this is a jns bug, or the launcher was killed; run with DEBUG logging of dev.jns")
                            .build();
                }
                if (r.kind() == StatusReader.PID) {
                    childPid = r.a();
                    childPidfd = Sys.tryPidfdOpen(childPid); // < 0: C has ended already (and is reaped later)
                    if (childPidfd >= 0) {
                        parentSide.add(childPidfd);
                    }
                    // the launcher reaps its child only after this EOF: the pid stays ours until now
                    closeAndForget(parentSide, specPipe[1]);
                    LOG.debug("{}: launcher {} cloned {}", what, launcherPid, childPid);
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
            early.forEach(status::pushBack);
            Launched l = new Launched(plan, proc, childPid, childPidfd, ours, status,
                    statusPipe[0], java.util.Collections.unmodifiableMap(ids));
            ok = true;
            return l;
        } finally {
            for (int fd : childSide) {
                Sys.closeQuietly(fd);
            }
            if (!ok) {
                if (proc != null) {
                    proc.signal(Native.SIGKILL); // before its pidfd is closed below
                    proc.awaitExit();
                }
                for (int fd : parentSide) {
                    Sys.closeQuietly(fd);
                }
            }
        }
    }

    private static final File DEV_NULL = new File("/dev/null");

    private static void closeAndForget(List<Integer> fds, int fd) {
        if (fds.remove(Integer.valueOf(fd))) {
            Sys.closeQuietly(fd);
        }
    }

    private static int joinFd(String what, NsHandle h) {
        if (h instanceof FdHolder f) {
            return f.fd(what);
        }
        throw NamespaceException.builder(what).step("join " + h).errno(Errno.EINVAL)
                .detail("the handle is not a jns-linux handle").hint("open handles with dev.jns.Namespaces").build();
    }

    /** What jns-linux's handles give the spawner. */
    public interface FdHolder {
        /** The open fd; throws a NamespaceException naming {@code what} when closed. */
        int fd(String what);
    }

    /**
     * The launcher-side fd for one stdio stream; for a pipe, our end goes to {@code ours[slot]}.
     */
    private static int redirect(String what, Redirect r, boolean input, int[] ours, int slot,
                                List<Integer> parentSide, List<Integer> childSide) {
        switch (r.type()) {
            case INHERIT:
                return slot;
            case PIPE: {
                int[] p = Sys.pipe(what);
                ours[slot] = input ? p[1] : p[0];
                parentSide.add(ours[slot]);
                int theirs = input ? p[0] : p[1];
                childSide.add(theirs);
                return theirs;
            }
            default: {
                File f = r.file();
                int flags = switch (r.type()) {
                    case READ -> Native.O_RDONLY;
                    case WRITE -> Native.O_WRONLY | Native.O_CREAT | Native.O_TRUNC;
                    case APPEND -> Native.O_WRONLY | Native.O_CREAT | Native.O_APPEND;
                    default -> throw new IllegalStateException(r.toString());
                };
                String stream = slot == 0 ? "stdin" : slot == 1 ? "stdout" : "stderr";
                int fd = Sys.open(what, "open " + stream + " redirect " + f, f.getPath(), flags, 0666,
                        e -> "the file must be " + (input ? "readable" : "writable") + " by the JVM");
                childSide.add(fd);
                return fd;
            }
        }
    }

    private static int posixSpawn(String what, String path, List<Integer> sources) {
        Future<int[]> f = SPAWN_THREAD.submit(() -> SpawnCall.spawn(path, sources));
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
     * Starts the fork server (the launcher with argv "--server") on the spawner thread, with {@code fds} as
     * its 0..4 and the lifeline as 5. Returns its pid.
     */
    static int spawnServer(List<Integer> fds) {
        List<Integer> sources = new ArrayList<>(fds);
        sources.add(LIFELINE[0]);
        String path = Launcher.get().path();
        Future<int[]> f = SPAWN_THREAD.submit(() -> SpawnCall.spawn(path, sources, SpawnCall.SERVER_ARGV));
        try {
            return check("start the jns fork server", f.get());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw NamespaceException.builder("start the jns fork server").step("posix_spawn").errno(Errno.EINTR)
                    .cause(e).build();
        } catch (ExecutionException e) {
            throw NamespaceException.builder("start the jns fork server").step("posix_spawn")
                    .detail(e.getCause().toString()).cause(e.getCause()).build();
        }
    }

    /**
     * DEBUG: one line per launcher step of the plan from {@code from} up to {@code upTo} ({@code failure}: the
     * ERROR record of that step). Returns the index after the last step logged.
     */
    private static int logSteps(String what, List<Step> steps, int from, Step upTo, StatusReader.Record failure) {
        if (!LOG.isDebugEnabled()) {
            return from;
        }
        int end = steps.subList(from, steps.size()).indexOf(upTo);
        end = end < 0 ? (failure != null ? from : steps.size()) : from + end + (failure != null ? 0 : 1);
        for (int i = from; i < end; i++) {
            LOG.debug("{}: launcher step {} ({}) done", what, steps.get(i).code(), steps.get(i).label());
        }
        if (failure != null) {
            LOG.debug("{}: launcher step {} ({}) failed: {} {}", what, upTo.code(), upTo.label(),
                    dev.jns.Errno.name(failure.b()), failure.detail());
        }
        return end;
    }

    /** The pid of a posix_spawn result {pid, error}, or the exception for its error. */
    private static int check(String what, int[] r) {
        if (r[1] != 0) {
            throw NamespaceException.builder(what).step("posix_spawn of the launcher").errno(r[1])
                    .hint(r[1] == Errno.EACCES ? "the launcher could not be executed (noexec memfd policy?)"
                            : r[1] == Errno.EAGAIN ? "process limit reached (ulimit -u, pids cgroup)" : null).build();
        }
        return r[0];
    }

    /** posix_spawn of the launcher with exact fds ({@link Sys#posixSpawn}). */
    private static final class SpawnCall {
        /** On the calling thread. */
        static int[] spawnHere(String path, List<Integer> sources) {
            return Sys.posixSpawn("spawn", path, sources, ARGV, ENVP);
        }

        /** On the spawner thread only. */
        static int[] spawn(String path, List<Integer> sources) {
            return Sys.posixSpawn("spawn", path, sources, ARGV, ENVP);
        }

        /** On the spawner thread only, with other arguments. */
        static int[] spawn(String path, List<Integer> sources, Native.StringArray argv) {
            return Sys.posixSpawn("spawn", path, sources, argv, ENVP);
        }

        /** The launcher's argv and (empty) environment: constant, built once. */
        private static final Native.StringArray ARGV = Native.strings(List.of("jns-launcher"));
        private static final Native.StringArray ENVP = Native.strings(List.of());
        static final Native.StringArray SERVER_ARGV = Native.strings(List.of("jns-launcher", "--server"));
    }

}
