package dev.jns.linux.spawn;

import dev.jns.Errno;
import dev.jns.NamespaceException;
import dev.jns.NamespaceType;
import dev.jns.NsHandle;
import dev.jns.NsProcess;
import dev.jns.Namespaces;
import dev.jns.Outcome;
import dev.jns.linux.ffi.Native;
import dev.jns.linux.ffi.Sys;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A process started through the launcher. The {@link Reaper} reads the launcher's remaining status records
 * (the command's EXIT) and then reaps the launcher; the process counts as ended once the launcher has ended,
 * that is once every process of the sandbox is gone. Pidfds make signals and namespace lookups safe from pid
 * reuse.
 */
final class LinuxNsProcess extends NsProcess {

    private final Object lock = new Object();
    private final LaunchPlan plan;
    private final int childPid;
    private final OutputStream stdin;
    private final InputStream stdout;
    private final InputStream stderr;
    private final CompletableFuture<CommandEnd> exit = new CompletableFuture<>();
    private final LauncherProc launcher;
    private boolean launcherEnded;
    private volatile boolean killedByUs;
    private int childPidfd;
    private final Map<NamespaceType, Long> namespaceIds;
    /** What the sandbox's cgroup counted; set before {@link #exit} completes. */
    private volatile Outcome.CgroupUsage cgroupUsage;

    /**
     * The process of a started sandbox. A factory typed {@link NsProcess}, not the constructor, for
     * {@link Spawner}: its bytecode then names no subclass to verify against NsProcess, so a JVM's first
     * {@code run()} does not load this class.
     */
    static NsProcess of(LaunchPlan plan, LauncherProc launcher, int childPid, int childPidfd,
                        int stdinFd, int stdoutFd, int stderrFd, StatusReader status, int statusFd,
                        Map<NamespaceType, Long> namespaceIds) {
        return new LinuxNsProcess(plan, launcher, childPid, childPidfd, stdinFd, stdoutFd, stderrFd, status,
                statusFd, namespaceIds);
    }

    private LinuxNsProcess(LaunchPlan plan, LauncherProc launcher, int childPid, int childPidfd,
                   int stdinFd, int stdoutFd, int stderrFd, StatusReader status, int statusFd,
                   Map<NamespaceType, Long> namespaceIds) {
        this.plan = plan;
        this.childPid = childPid;
        this.launcher = launcher;
        this.childPidfd = childPidfd;
        this.stdin = stdinFd >= 0 ? new BufferedOutputStream(new FdStreams.Out(stdinFd)) : OutputStream.nullOutputStream();
        this.stdout = stdoutFd >= 0 ? new BufferedInputStream(new FdStreams.In(stdoutFd)) : InputStream.nullInputStream();
        this.stderr = stderrFd >= 0 ? new BufferedInputStream(new FdStreams.In(stderrFd)) : InputStream.nullInputStream();
        this.namespaceIds = Map.copyOf(namespaceIds);
        ExitCollector exits = new ExitCollector();
        Reaper.watch(new Reaper.Watch() {
            @Override
            public int fd() {
                return statusFd;
            }

            @Override
            public boolean readable() {
                boolean open;
                try {
                    // to EOF, which comes when the launcher has killed and reaped what was left of the sandbox
                    open = status.readAvailable(exits);
                } catch (RuntimeException e) {
                    Logs.PROCESS.debug("reading the status of launcher {} failed", launcher.pid, e);
                    open = false;
                }
                if (!open) {
                    Sys.closeQuietly(statusFd);
                    // the launcher has closed its status fd: it is ending, so this wait is short
                    Background.run(() -> finish(exits));
                }
                return open;
            }
        });
    }

    private void finish(ExitCollector exits) {
        int raw = launcher.awaitExit();
        int first;
        synchronized (lock) {
            first = childPidfd; // only this method closes it
        }
        Spawner.awaitFirstProcess(first);
        synchronized (lock) {
            Sys.closeQuietly(launcher.pidfd);
            launcherEnded = true;
            Sys.closeQuietly(childPidfd);
            childPidfd = -1;
        }
        if (plan.cgroup != null && exits.cgroupRecord() == null) {
            plan.cgroup.removeLeftovers(); // the launcher did not get to it
        }
        cgroupUsage = plan.cgroupUsage(exits.cgroupRecord());
        CommandEnd result = exits.result(raw, launcher.pid, plan.hasInit(), killedByUs);
        if (Logs.PROCESS.isDebugEnabled()) { // describe() builds a string: not for every run()
            Logs.PROCESS.debug("{}: ended with {}", plan.spec.describe(),
                    result.lost() != null ? result.lost() : ExitStatus.describe(result.rawStatus()));
        }
        exit.complete(result);
    }

    @Override
    public OutputStream getOutputStream() {
        return stdin;
    }

    @Override
    public InputStream getInputStream() {
        return stdout;
    }

    @Override
    public InputStream getErrorStream() {
        return stderr;
    }

    @Override
    public int waitFor() throws InterruptedException {
        try {
            return exit.get().code();
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
        try {
            exit.get(timeout, unit);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        }
    }

    @Override
    public int exitValue() {
        CommandEnd e = exit.getNow(null);
        if (e == null) {
            throw new IllegalThreadStateException("process hasn't exited");
        }
        return e.code();
    }

    /** "utime_us stime_us maxrss_kb" of the command, once it has ended (empty when unknown). */
    String rusage() {
        CommandEnd e = exit.getNow(null);
        return e == null ? "" : e.rusage();
    }

    @Override
    public Outcome outcome() throws InterruptedException {
        try {
            CommandEnd e = exit.get();
            return e.outcome(namespaceIds, cgroupUsage);
        } catch (ExecutionException ex) {
            throw new IllegalStateException(ex.getCause());
        }
    }

    @Override
    public Map<NamespaceType, Long> namespaceIds() {
        return namespaceIds;
    }

    @Override
    public void destroy() {
        signalLauncher(Native.SIGTERM);
    }

    /** Through the launcher, which forwards each of these signals to its first process (the init forwards it on). */
    @Override
    public void signal(Signal signal) {
        signalLauncher(java.util.Objects.requireNonNull(signal, "signal").number());
    }

    /**
     * Kills every process of the sandbox: the launcher kills the command and then each process left, and
     * ends; the command's process is also SIGKILLed directly, in case the launcher cannot act (stopped).
     */
    @Override
    public Process destroyForcibly() {
        killedByUs = true;
        signalLauncher(LauncherProc.SIG_KILL_SANDBOX);
        synchronized (lock) {
            if (childPidfd >= 0) {
                Sys.tryPidfdSignal(childPidfd, Native.SIGKILL);
            }
        }
        return this;
    }

    @Override
    public boolean supportsNormalTermination() {
        return true;
    }

    private void signalLauncher(int sig) {
        synchronized (lock) {
            if (!launcherEnded) {
                // the launcher forwards SIGTERM to the command; SIG_KILL_SANDBOX makes it kill the sandbox
                launcher.signal(sig);
            }
        }
    }

    @Override
    public boolean isAlive() {
        return !exit.isDone();
    }

    @Override
    public CompletableFuture<Process> onExit() {
        return exit.thenApply(e -> this);
    }

    @Override
    public long pid() {
        return childPid;
    }

    @Override
    public ProcessHandle toHandle() {
        return ProcessHandle.of(childPid).orElseThrow(() -> new IllegalStateException("process " + childPid + " has exited"));
    }

    @Override
    public NsHandle namespace(NamespaceType type) {
        String what = "namespace " + type.procName() + " of process " + childPid;
        // the time namespace made for the command is the launcher child's "for children" one
        String name = type == NamespaceType.TIME && plan.created.contains(NamespaceType.TIME)
                ? "time_for_children" : type.procName();
        synchronized (lock) {
            if (!childAlive()) {
                throw ended(what);
            }
            NsHandle h;
            try {
                h = Namespaces.open(java.nio.file.Path.of("/proc", Integer.toString(childPid), "ns", name));
            } catch (NamespaceException e) {
                if (!childAlive()) {
                    throw ended(what);
                }
                throw e;
            }
            if (!childAlive()) {
                // the process ended while we opened: the pid may already be someone else's
                h.close();
                throw ended(what);
            }
            return h;
        }
    }

    /** Whether the first process in the namespaces still runs (its pidfd pins its identity). Under lock. */
    private boolean childAlive() {
        return childPidfd >= 0 && Sys.tryPidfdSignal(childPidfd, 0) == 0 && !exit.isDone();
    }

    private static NamespaceException ended(String what) {
        return NamespaceException.builder(what).step("check the process").errno(Errno.ESRCH).detail("it has exited")
                .hint("take handles while the process runs").build();
    }

    @Override
    public void close() {
        if (isAlive()) {
            destroyForcibly();
        }
        exit.join();
        try {
            stdin.close();
        } catch (java.io.IOException ignored) {
            // closing a pipe we own: nothing to report
        }
        closeQuietly(stdout);
        closeQuietly(stderr);
    }

    private static String describe(CommandEnd e) {
        return e.lost() != null ? "launcher lost" : "exit " + ExitStatus.describe(e.rawStatus());
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (java.io.IOException ignored) {
            // closing a pipe we own: nothing to report
        }
    }

    @Override
    public String toString() {
        return "NsProcess[pid=" + childPid + ", " + plan.spec.describe()
                + (exit.isDone() ? ", " + describe(exit.join()) : ", running") + "]";
    }
}
