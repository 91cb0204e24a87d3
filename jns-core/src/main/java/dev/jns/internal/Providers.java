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

    /**
     * The system property that turns off {@link #prepare()}'s thread: {@code -Djns.prepare=false}. A first spawn
     * then loads its code itself.
     */
    public static final String PREPARE_PROPERTY = "jns.prepare";

    /** Whether {@link #prepare()} has been called in this JVM. Written under {@code Providers.class}. */
    private static volatile boolean prepareCalled;
    /** The thread of {@link #prepare()} until a spawn has waited for its end; then null. */
    private static volatile Thread preparing;

    /**
     * At a JVM's first {@link dev.jns.Namespaces#spawn()}: starts the thread {@code jns-prepare}, which finds the
     * provider and lets it load what the first spawn will need ({@link NamespaceProvider#prepare()}) while the
     * caller describes its spawn, on the other CPU. A fresh JVM's first spawn spends most of its time loading
     * classes, one after another; this loads the later ones alongside. Not where the JVM has one CPU (the two
     * threads would only take turns), nor with {@value #PREPARE_PROPERTY}{@code =false}; without a thread to be
     * had, the spawn loads its code itself. Later calls return at once.
     */
    public static void prepare() {
        if (prepareCalled) {
            return;
        }
        synchronized (Providers.class) {
            if (prepareCalled) {
                return;
            }
            prepareCalled = true;
        }
        if (Runtime.getRuntime().availableProcessors() < 2
                || "false".equalsIgnoreCase(System.getProperty(PREPARE_PROPERTY))) {
            return;
        }
        // a class, not a lambda: the first spawn's path spins none (the first lambda of a JVM costs milliseconds)
        Thread t = new Thread(new Runnable() {
            @Override
            public void run() {
                try {
                    // jns.testing.prepareDelayMs (test aid only): a preparation that takes this long, so that a
                    // test can see the spawn wait for its end
                    long delay = Long.getLong("jns.testing.prepareDelayMs", 0);
                    if (delay > 0) {
                        Thread.sleep(delay);
                    }
                    namespaces().prepare();
                } catch (InterruptedException e) {
                    // nobody interrupts it
                } catch (RuntimeException | LinkageError e) {
                    // the spawn meets the same failure and reports it where it can say what was asked
                }
            }
        }, "jns-prepare");
        // not a daemon: a JVM that exits right after spawn() waits for the native library's temporary file to
        // be deleted rather than leave it behind
        t.setDaemon(false);
        try {
            t.start();
        } catch (OutOfMemoryError | SecurityException e) {
            return; // no thread to be had: the spawn loads its code itself, and says what fails there
        }
        preparing = t;
    }

    /**
     * Waits for {@link #prepare()}'s thread to end, once: the end of a JVM's first {@code run()} or
     * {@code start()} calls it, so that no thread of the preparation is left after it. Returns at once later, or
     * when the calling thread is interrupted (keeping the interrupt).
     */
    public static void prepared() {
        Thread t = preparing;
        if (t == null) {
            return;
        }
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        preparing = null;
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
