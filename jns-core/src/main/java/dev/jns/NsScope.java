package dev.jns;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * Several namespaces to run Java code in at once: {@code Namespaces.enter(net, uts).call(() -> ...)}. The code
 * runs on a dedicated platform thread that has joined all of them (mount last), and that thread is never used
 * for anything else. Needs {@code CAP_SYS_ADMIN} over each namespace; user namespaces cannot be entered by a
 * JVM thread (use {@link Spawn#join(NsHandle...)}).
 */
public final class NsScope {
    private final List<NsHandle> handles;

    NsScope(List<NsHandle> handles) {
        this.handles = handles;
    }

    /** Runs {@code task} inside the namespaces and returns its result; its exceptions reach the caller. */
    public <T> T call(Callable<T> task) {
        return Namespaces.provider().call(handles, task);
    }

    /** {@link #call(Callable)} for code without a result. */
    public void run(Runnable task) {
        call(() -> {
            task.run();
            return null;
        });
    }
}
