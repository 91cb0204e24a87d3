package dev.jns.linux;

import dev.jns.doctor.DoctorReport;
import dev.jns.NamespaceException;
import dev.jns.inspect.NamespaceInfo;
import dev.jns.NamespaceType;
import dev.jns.NsHandle;
import dev.jns.NsProcess;
import dev.jns.linux.doctor.Doctor;
import dev.jns.linux.ffi.Sys;
import dev.jns.linux.spawn.Preload;
import dev.jns.linux.spawn.Spawner;
import dev.jns.spi.NamespaceProvider;
import dev.jns.spi.SpawnSpec;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * The Linux implementation of jns, found by {@link java.util.ServiceLoader}. Each operation first makes sure jns's
 * native library is loaded ({@link Sys#requireLibrary}): where it cannot be, every call throws a
 * {@link NamespaceException} that says why. {@link #doctor()} does not: its attempts report it.
 */
public final class LinuxNamespaceProvider implements NamespaceProvider {
    /** For ServiceLoader. */
    public LinuxNamespaceProvider() {
    }

    @Override
    public boolean isAvailable() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
    }

    /**
     * Loads jns's native library (a failure is kept: {@link Sys#requireLibrary} throws it at the spawn) and the
     * classes of a first spawn ({@link Preload}). Keeps no fd open and starts no thread: the launcher's memfd and
     * the reaper stay with the spawn (made here too, they measured no faster: −0.5 and +2.2 ms, 30 pairs).
     */
    @Override
    public void prepare() {
        Preload.library();
        Preload.classes();
    }

    @Override
    public NsHandle open(Path nsFile) {
        Sys.requireLibrary();
        return LinuxNsHandle.open("open " + nsFile, nsFile, -1);
    }

    @Override
    public NsHandle of(long pid, NamespaceType type) {
        Sys.requireLibrary();
        if (pid <= 0) {
            throw new dev.jns.InvalidSpecException("pid", pid + " is not a process id", null);
        }
        Path p = Path.of("/proc", Long.toString(pid), "ns", type.procName());
        return LinuxNsHandle.open("open " + type.procName() + " namespace of process " + pid, p, pid);
    }

    @Override
    public NsHandle current(NamespaceType type) {
        Sys.requireLibrary();
        Path p = Path.of("/proc/thread-self/ns", type.procName());
        return LinuxNsHandle.open("open the current thread's " + type.procName() + " namespace", p, -1);
    }

    @Override
    public List<NamespaceInfo> list() {
        Sys.requireLibrary();
        return NamespaceListing.list();
    }

    @Override
    public List<Long> members(NsHandle handle) {
        Sys.requireLibrary();
        if (!handle.isOpen()) {
            throw NamespaceException.builder("members of " + handle).step("use handle " + handle)
                    .errno(dev.jns.Errno.EBADF).detail("the handle is closed")
                    .hint("keep a handle open while it is in use").build();
        }
        return dev.jns.linux.proc.ProcScan.members(handle.type(), handle.inode());
    }

    @Override
    public void unpersist(Path path) {
        Sys.requireLibrary();
        Persistence.unbind(path);
    }

    @Override
    public NsProcess start(SpawnSpec spec) {
        Sys.requireLibrary();
        return Spawner.start(spec);
    }

    @Override
    public dev.jns.SpawnResult run(SpawnSpec spec) {
        Sys.requireLibrary();
        return Spawner.run(spec);
    }

    @Override
    public List<NsHandle> create(List<NamespaceType> types) {
        Sys.requireLibrary();
        return Create.create(types);
    }

    @Override
    public <T> T call(List<NsHandle> handles, Callable<T> task) {
        Sys.requireLibrary();
        LinuxNsHandle[] hs = new LinuxNsHandle[handles.size()];
        for (int i = 0; i < hs.length; i++) {
            if (!(handles.get(i) instanceof LinuxNsHandle h)) {
                throw new dev.jns.InvalidSpecException("handles[" + i + "]", "is not a jns-linux handle",
                        "open handles with dev.jns.Namespaces");
            }
            hs[i] = h;
        }
        return Enter.call(hs, task);
    }

    @Override
    public DoctorReport doctor() {
        return Doctor.report();
    }

    @Override
    public NsHandle addNetNs(String name) {
        Sys.requireLibrary();
        return NamedNetNs.add(name);
    }

    @Override
    public void deleteNetNs(String name) {
        Sys.requireLibrary();
        NamedNetNs.delete(name);
    }

    @Override
    public dev.jns.spi.NetworkProvider network() {
        Sys.requireLibrary();
        return new dev.jns.linux.net.LinuxNetworkProvider();
    }
}
