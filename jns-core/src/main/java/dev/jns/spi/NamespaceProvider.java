package dev.jns.spi;

import dev.jns.doctor.DoctorReport;
import dev.jns.inspect.NamespaceInfo;
import dev.jns.NamespaceType;
import dev.jns.NsHandle;
import dev.jns.NsProcess;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * What an implementation of jns provides ({@code jns-linux} is the one). Found with
 * {@link java.util.ServiceLoader}; the first one whose {@link #isAvailable()} is true serves
 * {@link dev.jns.Namespaces}. Users do not call this interface.
 */
public interface NamespaceProvider {
    /** Whether this provider can work on this machine (the right OS and architecture). */
    boolean isAvailable();

    /**
     * Loads, ahead of a JVM's first spawn, the code that spawn will need (its classes, a native library), so that
     * the spawn finds it loaded. {@link dev.jns.Namespaces#spawn()} calls it once per JVM, on a thread of its
     * own, while the caller describes its spawn; the first spawn waits for that thread to end before it returns.
     * It must not throw, must keep nothing the caller could count (no file descriptor, no thread), and must
     * change only when a spawn's code is loaded, never what the spawn does: a failure to load is left for the
     * spawn to meet and report. The default does nothing.
     */
    default void prepare() {
    }

    /** See {@link dev.jns.Namespaces#open(Path)}. */
    NsHandle open(Path nsFile);

    /** See {@link dev.jns.Namespaces#of(long, NamespaceType)}. */
    NsHandle of(long pid, NamespaceType type);

    /** See {@link dev.jns.Namespaces#current(NamespaceType)}. */
    NsHandle current(NamespaceType type);

    /** See {@link dev.jns.Namespaces#list()}. */
    List<NamespaceInfo> list();

    /** See {@link dev.jns.Namespaces#unpersist(Path)}. */
    void unpersist(Path path);

    /** Starts a process as the validated {@code spec} says. See {@link dev.jns.Spawn#start(String...)}. */
    NsProcess start(SpawnSpec spec);

    /**
     * Starts a process as {@code spec} says, waits for it and collects its output. See
     * {@link dev.jns.Spawn#run(String...)}. The default is {@link RunSupport#run}; an implementation may do it
     * with fewer threads.
     */
    default dev.jns.SpawnResult run(SpawnSpec spec) {
        return RunSupport.run(this, spec);
    }

    /** See {@link dev.jns.Namespaces#create(NamespaceType...)}. */
    List<NsHandle> create(List<NamespaceType> types);

    /** See {@link dev.jns.Namespaces#enter(NsHandle, NsHandle, NsHandle...)}: runs {@code task} on a thread inside {@code handles}. */
    <T> T call(List<NsHandle> handles, Callable<T> task);

    /** See {@link dev.jns.net.NetNs#create(String)}. */
    NsHandle addNetNs(String name);

    /** See {@link dev.jns.net.NetNs#unpersist(String)}. */
    void deleteNetNs(String name);

    /** See {@link dev.jns.Namespaces#members(NsHandle)}. */
    default List<Long> members(NsHandle handle) {
        throw dev.jns.NamespaceException.builder("members of " + handle).step("list member processes")
                .detail("not supported by " + getClass().getName()).build();
    }

    /**
     * See {@link dev.jns.Namespaces#doctor()}: what works here and why not, found by real attempts made once
     * per JVM. The default says that this provider cannot tell.
     */
    default DoctorReport doctor() {
        return DoctorReport.unavailable(getClass().getName() + " has no doctor", "use jns-linux");
    }

    /** Networking between namespaces ({@link dev.jns.net.Net}); an implementation without it throws. */
    default NetworkProvider network() {
        throw dev.jns.NamespaceException.builder("jns networking").step("find an implementation")
                .detail(getClass().getName() + " has no networking support").hint("use dev.jns:jns-linux").build();
    }
}
