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
     * Ends the process if it still runs (SIGKILL: the whole sandbox), waits for it, and closes its streams
     * and the descriptors jns holds for it. Idempotent.
     */
    @Override
    public abstract void close();
}
