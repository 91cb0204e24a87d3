package dev.jns.linux;

import dev.jns.Errno;
import dev.jns.NamespaceException;
import dev.jns.NamespaceType;
import dev.jns.linux.ffi.Sys;

import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs Java code inside namespaces: on a new platform thread that joins them with setns(2), runs the code,
 * and ends. The thread is never handed back to any pool, so no other code ever runs in changed namespaces.
 */
final class Enter {
    private static final int CLONE_FS = 0x200;

    private Enter() {
    }

    static NamespaceException setnsFailure(String what, LinuxNsHandle h, int e) {
        return NamespaceException.builder(what).step("setns " + h).errno(e).hint(e == Errno.EPERM
                ? "entering a namespace needs CAP_SYS_ADMIN in the user namespace that owns " + h
                  + " (and in the caller's own); without it, run a process there with Namespaces.spawn().join(handle)"
                : null).build();
    }

    static <T> T call(LinuxNsHandle[] handles, Callable<T> task) {
        if (handles.length == 1 && handles[0].type() != NamespaceType.USER) {
            return handles[0].call(task);
        }
        LinuxNsHandle[] ordered = handles.clone();
        Arrays.sort(ordered, Comparator.comparingInt(h -> h.type() == NamespaceType.MOUNT ? 1 : 0));
        String what = "call in " + Arrays.toString(ordered);
        for (LinuxNsHandle h : ordered) {
            if (h.type() == NamespaceType.USER) {
                throw NamespaceException.builder(what).step("setns " + h).errno(Errno.EINVAL)
                        .detail("a JVM is multithreaded")
                        .hint("the kernel lets only single-threaded processes join a user namespace: "
                        + "run a process there with Namespaces.spawn().join(handle)").build();
            }
            h.fd(what);
        }
        AtomicReference<Object> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                for (LinuxNsHandle h : ordered) {
                    if (h.type() == NamespaceType.MOUNT) {
                        Sys.unshare(what, "unshare CLONE_FS", CLONE_FS, Sys.Hint.NONE);
                    }
                    int err = h.withFd(what, f -> Sys.setnsErrno(f, (int) h.type().cloneFlag()));
                    if (err != 0) {
                        throw setnsFailure(what, h, err);
                    }
                }
                result.set(task.call());
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "jns-enter");
        t.start();
        Threads.joinUninterruptibly(t);
        Throwable f = failure.get();
        if (f instanceof RuntimeException re) {
            throw re;
        }
        if (f instanceof Error err) {
            throw err;
        }
        if (f != null) {
            throw NamespaceException.builder(what).step("run the task").detail(f.toString()).cause(f).build();
        }
        @SuppressWarnings("unchecked")
        T r = (T) result.get();
        return r;
    }
}
