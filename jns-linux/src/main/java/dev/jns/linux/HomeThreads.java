package dev.jns.linux;

import dev.jns.Errno;
import dev.jns.NamespaceException;
import dev.jns.NamespaceType;
import dev.jns.linux.ffi.Sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The threads that run {@link LinuxNsHandle#call} for one handle: platform threads that joined the handle's
 * namespace once and stay there, so that repeated calls do not pay for a new thread and a setns each time
 * (measured: about 300 µs per call with a new thread, a few µs here). A thread is used only for calls into
 * this one namespace; after each call it proves that it is still there (its {@code /proc/thread-self/ns} link
 * names the namespace) and is retired otherwise, as is a thread whose join failed. Idle threads end after
 * {@link #IDLE_SECONDS}; all end when the handle is closed. Concurrent calls get threads of their own.
 */
final class HomeThreads {
    static final int IDLE_SECONDS = 30;
    private static final int CLONE_FS = 0x200;

    private final LinuxNsHandle handle;
    private final ThreadPoolExecutor pool;
    private final ThreadLocal<Boolean> joined = ThreadLocal.withInitial(() -> false);

    /** Thrown inside a worker to end it: the executor then drops the thread. */
    private static final class Retire extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Retire() {
            super("retired", null, false, false);
        }
    }

    HomeThreads(LinuxNsHandle handle) {
        this.handle = handle;
        this.pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, IDLE_SECONDS, TimeUnit.SECONDS,
                new SynchronousQueue<>(), r -> {
                    Thread t = new Thread(r, "jns-enter-" + handle);
                    t.setDaemon(true);
                    t.setUncaughtExceptionHandler((th, e) -> {
                        // a retired thread ends quietly
                    });
                    return t;
                });
    }

    <T> T call(String what, Callable<T> task) {
        CompletableFuture<Object> result = new CompletableFuture<>();
        try {
            pool.execute(() -> runHere(what, task, result));
        } catch (RejectedExecutionException e) {
            throw NamespaceException.builder(what).step("use handle " + handle).errno(Errno.EBADF)
                    .detail("the handle is closed").hint("keep a handle open while it is in use").build();
        }
        Object r;
        boolean interrupted = false;
        while (true) {
            try {
                r = result.get();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException e) {
                if (interrupted) {
                    Thread.currentThread().interrupt();
                }
                Throwable f = e.getCause();
                if (f instanceof RuntimeException re) {
                    throw re;
                }
                if (f instanceof Error err) {
                    throw err;
                }
                throw NamespaceException.builder(what).step("run the task").detail(f.toString()).cause(f).build();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        @SuppressWarnings("unchecked")
        T t = (T) r;
        return t;
    }

    private void runHere(String what, Callable<?> task, CompletableFuture<Object> result) {
        if (!joined.get()) {
            try {
                if (handle.type() == NamespaceType.MOUNT) {
                    Sys.unshare(what, "unshare CLONE_FS", CLONE_FS, Sys.Hint.NONE);
                }
                int err = handle.withFd(what, f -> Sys.setnsErrno(f, (int) handle.type().cloneFlag()));
                if (err != 0) {
                    throw Enter.setnsFailure(what, handle, err);
                }
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
                throw new Retire(); // it may have changed in part: never reuse it
            }
            joined.set(true);
        }
        try {
            result.complete(task.call());
        } catch (Throwable e) {
            result.completeExceptionally(e);
        }
        if (!atHome()) {
            throw new Retire();
        }
    }

    /** Whether this thread is still in the handle's namespace (the task may have moved it). */
    private boolean atHome() {
        try {
            return Files.readSymbolicLink(Path.of("/proc/thread-self/ns", handle.type().procName())).toString()
                    .equals(handle.toString());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    void close() {
        pool.shutdown();
    }
}
