package dev.jns;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * An open namespace: an open file descriptor of a {@code /proc/PID/ns/TYPE} file (or of a bind mount of one).
 * While it is open the namespace lives, even with no process in it. Two handles are {@code equals}
 * when they refer to the same namespace (same device and inode), however they were opened.
 *
 * <p>Close it when done; closing is idempotent. Using a closed handle throws {@link NamespaceException}.
 */
public interface NsHandle extends AutoCloseable {
    /** The namespace's type, as the kernel reports it ({@code NS_GET_NSTYPE}). */
    NamespaceType type();

    /** The namespace's inode number: the number in {@code readlink /proc/PID/ns/TYPE} and in lsns. */
    long inode();

    /** The device of the nsfs file system the namespace lives on (with {@link #inode()}, its identity). */
    long device();

    /**
     * Keeps the namespace alive after this handle and every process in it are gone, by bind-mounting it
     * on {@code target} (an existing file, or one this call creates), as {@code unshare --net=FILE}. Undo with
     * {@link Namespaces#unpersist(Path)}. Needs {@code CAP_SYS_ADMIN} in the mount namespace's owner.
     *
     * <p>Never follows another user's symlink: the directory is opened one component at a time (a symlink is
     * followed only when root or the caller owns it), {@code target} is created there with
     * {@code O_CREAT|O_EXCL|O_NOFOLLOW} and the namespace is mounted onto that fd. An existing {@code target} is
     * reused only when it is an empty regular file of the caller's own (as after {@code touch}); a symlink there
     * is refused with ELOOP, a kept namespace with EBUSY, anything else with EEXIST.
     */
    void persist(Path target);

    /**
     * Runs Java code inside this namespace, on a dedicated platform thread that has joined it, and returns
     * its result. Needs {@code CAP_SYS_ADMIN} over the namespace (root, or the owner of its user namespace
     * in a way the kernel accepts for threads); user namespaces cannot be entered by a JVM thread at all:
     * use {@link Spawn#join(NsHandle...)} to run a process there instead.
     *
     * <p>What follows the calling thread inside: sockets (opened there, they stay in the namespace), name
     * lookups of network interfaces, {@code /proc/thread-self}. What does not: APIs that read {@code /proc/self}
     * or {@code /proc/net}, which follow the JVM's main thread ({@code NetworkInterface.getNetworkInterfaces()}
     * lists the host's interfaces even here).
     */
    <T> T call(Callable<T> task);

    /** {@link #call(Callable)} for code without a result. */
    default void run(Runnable task) {
        call(() -> {
            task.run();
            return null;
        });
    }

    /** The user namespace that owns this namespace ({@code NS_GET_USERNS}), as a new handle. */
    NsHandle owner();

    /** The parent of a user or pid namespace ({@code NS_GET_PARENT}), as a new handle. */
    NsHandle parent();

    /** For a user namespace: the uid (in the caller's namespace) of its creator ({@code NS_GET_OWNER_UID}). */
    long ownerUid();

    /** Whether {@link #close()} has not been called yet. */
    boolean isOpen();

    /** Closes the file descriptor. Idempotent. */
    @Override
    void close();
}
