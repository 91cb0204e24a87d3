package dev.jns.internal;

import dev.jns.doctor.DoctorReport;
import dev.jns.inspect.NamespaceInfo;

import dev.jns.NamespaceException;
import dev.jns.NamespaceType;
import dev.jns.NsHandle;
import dev.jns.spi.NamespaceProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;

/** Finds the {@link NamespaceProvider} once. Internal: not exported by the {@code dev.jns} module. */
public final class Providers {
    private Providers() {
    }

    /** The first available provider, or one whose every method says what is missing. */
    public static NamespaceProvider namespaces() {
        return Holder.PROVIDER;
    }

    private static final class Holder {
        static final NamespaceProvider PROVIDER = load();

        private static NamespaceProvider load() {
            String seen = "";
            for (NamespaceProvider p : ServiceLoader.load(NamespaceProvider.class, Providers.class.getClassLoader())) {
                if (p.isAvailable()) {
                    return p;
                }
                seen += " " + p.getClass().getName();
            }
            return new Missing(seen.isEmpty() ? "none found" : "not available here:" + seen);
        }
    }

    /** Stands in when no implementation is available, so that each call says what to do. */
    private record Missing(String why) implements NamespaceProvider {
        private NamespaceException fail() {
            return NamespaceException.builder("jns").step("find an implementation").detail(why)
                    .hint("add dev.jns:jns-linux to the runtime class path (jns works on Linux only)").build();
        }

        @Override
        public boolean isAvailable() {
            return false;
        }

        @Override
        public NsHandle open(Path nsFile) {
            throw fail();
        }

        @Override
        public NsHandle of(long pid, NamespaceType type) {
            throw fail();
        }

        @Override
        public NsHandle current(NamespaceType type) {
            throw fail();
        }

        @Override
        public List<NamespaceInfo> list() {
            throw fail();
        }

        @Override
        public void unpersist(Path path) {
            throw fail();
        }

        @Override
        public dev.jns.NsProcess start(dev.jns.spi.SpawnSpec spec) {
            throw fail();
        }

        @Override
        public List<NsHandle> create(List<NamespaceType> types) {
            throw fail();
        }

        @Override
        public <T> T call(List<NsHandle> handles, java.util.concurrent.Callable<T> task) {
            throw fail();
        }

        @Override
        public DoctorReport doctor() {
            return DoctorReport.unavailable(why, "add dev.jns:jns-linux to the runtime class path (jns works on Linux only)");
        }

        @Override
        public NsHandle addNetNs(String name) {
            throw fail();
        }

        @Override
        public void deleteNetNs(String name) {
            throw fail();
        }
    }
}
