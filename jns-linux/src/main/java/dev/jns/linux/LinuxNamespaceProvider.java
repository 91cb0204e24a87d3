package dev.jns.linux;

import dev.jns.NamespaceException;
import dev.jns.NamespaceInfo;
import dev.jns.NamespaceType;
import dev.jns.NsHandle;
import dev.jns.NsProcess;
import dev.jns.linux.spawn.Spawner;
import dev.jns.spi.NamespaceProvider;
import dev.jns.spi.SpawnSpec;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** The Linux implementation of jns, found by {@link java.util.ServiceLoader}. */
public final class LinuxNamespaceProvider implements NamespaceProvider {
    /** For ServiceLoader. */
    public LinuxNamespaceProvider() {
    }

    @Override
    public boolean isAvailable() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
    }

    @Override
    public NsHandle open(Path nsFile) {
        return LinuxNsHandle.open("open " + nsFile, nsFile, -1);
    }

    @Override
    public NsHandle of(long pid, NamespaceType type) {
        if (pid <= 0) {
            throw new dev.jns.InvalidSpecException("pid", pid + " is not a process id", null);
        }
        Path p = Path.of("/proc", Long.toString(pid), "ns", type.procName());
        return LinuxNsHandle.open("open " + type.procName() + " namespace of process " + pid, p, pid);
    }

    @Override
    public NsHandle current(NamespaceType type) {
        Path p = Path.of("/proc/thread-self/ns", type.procName());
        return LinuxNsHandle.open("open the current thread's " + type.procName() + " namespace", p, -1);
    }

    @Override
    public List<NamespaceInfo> list() {
        throw new NamespaceException("list namespaces", "list", 0, "not implemented yet", null);
    }

    @Override
    public void unpersist(Path path) {
        Persistence.unbind(path);
    }

    @Override
    public NsProcess start(SpawnSpec spec) {
        return Spawner.start(spec);
    }

    @Override
    public List<NsHandle> create(List<NamespaceType> types) {
        throw new NamespaceException("create namespaces " + types, "create", 0, "not implemented yet", null);
    }

    @Override
    public <T> T call(List<NsHandle> handles, Callable<T> task) {
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
    public NsHandle addNetNs(String name) {
        throw new NamespaceException("ip netns add " + name, "add", 0, "not implemented yet", null);
    }

    @Override
    public void deleteNetNs(String name) {
        throw new NamespaceException("ip netns delete " + name, "delete", 0, "not implemented yet", null);
    }

    @Override
    public dev.jns.spi.NetworkProvider network() {
        return new dev.jns.linux.net.LinuxNetworkProvider();
    }
}
