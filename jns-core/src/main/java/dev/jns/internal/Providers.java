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

    /**
     * The system property that names the provider class to try first; by default jns-linux's. ServiceLoader finds
     * any other (and this one, where it cannot be instantiated directly: on the module path, where jns-linux
     * exports no package).
     */
    public static final String PROPERTY = "jns.provider";

    /** The provider jns ships, tried first: a direct load costs a fresh JVM about 3 ms, ServiceLoader's scan 11. */
    static final String DEFAULT_PROVIDER = "dev.jns.linux.LinuxNamespaceProvider";

    private static final class Holder {
        static final NamespaceProvider PROVIDER = load();

        private static NamespaceProvider load() {
            NamespaceProvider named = named(System.getProperty(PROPERTY, DEFAULT_PROVIDER));
            if (named != null && named.isAvailable()) {
                return named;
            }
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

    /**
     * The provider class {@code name} made with its public no-argument constructor, or null where it is absent,
     * inaccessible (a named module that does not export it) or not a provider: ServiceLoader then decides.
     */
    static NamespaceProvider named(String name) {
        try {
            Class<?> c = Class.forName(name, true, Providers.class.getClassLoader());
            if (!NamespaceProvider.class.isAssignableFrom(c)) {
                return null;
            }
            return (NamespaceProvider) c.getConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError | SecurityException e) {
            return null;
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
