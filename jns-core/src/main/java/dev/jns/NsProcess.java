package dev.jns;


/**
 * A process started in namespaces by {@link Spawn#start(String...)}: a {@link Process} in every respect
 * (streams, {@code waitFor}, {@code destroy}, {@code onExit}, {@code toHandle}), plus handles to the
 * namespaces it runs in.
 *
 * <p>{@link #pid()} is the host pid of the first process in the new namespaces: the command itself, or,
 * with a new pid namespace, the init that runs it (PID 1 inside). {@link #destroy()} sends SIGTERM, which the
 * init forwards to the command; {@link #destroyForcibly()} sends SIGKILL and ends the whole sandbox (every
 * process of a new pid namespace). The exit value is the command's exit code, or 128 + the signal that
 * ended it.
 */
public abstract class NsProcess extends Process implements AutoCloseable {
    /** For implementations. */
    protected NsProcess() {
    }

    /**
     * A new handle to the namespace of {@code type} that the process runs in. The caller closes it. Works
     * while the process runs; afterwards throws {@link NamespaceException}.
     */
    public abstract NsHandle namespace(NamespaceType type);

    /**
     * The inode numbers ({@code lsns}'s NS column, {@code readlink /proc/PID/ns/TYPE}) of the namespaces the
     * process runs in, by type, every type included: known as soon as {@link Spawn#start} returns, while the
     * command runs (what bubblewrap's {@code --info-fd} gives tools that watch a sandbox from outside). The same
     * map as the {@link Outcome#namespaceIds()} of its outcome. Unmodifiable.
     */
    public java.util.Map<NamespaceType, Long> namespaceIds() {
        throw new UnsupportedOperationException(getClass().getName() + " does not report namespace ids");
    }

    /**
     * Waits for the command to end and returns how it ended: {@link Outcome.Kind#EXITED},
     * {@link Outcome.Kind#SIGNALED} or {@link Outcome.Kind#TIMED_OUT}, with its CPU time, peak memory and the
     * inode numbers of its namespaces. (Setup failures are thrown by {@link Spawn#start}; see
     * {@link Outcome#setupFailed}.)
     *
     * @throws InterruptedException when the waiting thread is interrupted
     */
    public Outcome outcome() throws InterruptedException {
        throw new UnsupportedOperationException(getClass().getName() + " does not report outcomes");
    }

    /**
     * Sends {@code signal} to the command, as {@code kill -SIGNAL} of the command's own pid would: through the
     * sandbox's supervisor and, with a new pid namespace, its init, which forward these signals and no other (a
     * shell's job control, a daemon's reload on HUP, a graceful stop on TERM). {@code signal(Signal.TERM)} is
     * {@link #destroy()}; to end the whole sandbox at once, {@link #destroyForcibly()}. Does nothing once the
     * process has ended.
     */
    public void signal(Signal signal) {
        throw new UnsupportedOperationException(getClass().getName() + " does not send signals");
    }

    /**
     * The signals {@link #signal(Signal)} sends to the command: those the sandbox's supervisor and init forward.
     * The numbers are Linux's on x86-64 and arm64.
     */
    public enum Signal {
        /** SIGHUP (1). */
        HUP(1),
        /** SIGINT (2). */
        INT(2),
        /** SIGQUIT (3). */
        QUIT(3),
        /** SIGUSR1 (10). */
        USR1(10),
        /** SIGUSR2 (12). */
        USR2(12),
        /** SIGTERM (15). */
        TERM(15);

        private final int number;

        Signal(int number) {
            this.number = number;
        }

        /** The signal's number, as {@code kill -l} lists it. */
        public int number() {
            return number;
        }
    }

    /**
     * Ends the process if it still runs (SIGKILL: the whole sandbox), waits for it, and closes its streams
     * and the descriptors jns holds for it. Idempotent.
     */
    @Override
    public abstract void close();
}
