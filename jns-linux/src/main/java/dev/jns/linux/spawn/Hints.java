package dev.jns.linux.spawn;

import dev.jns.Errno;

/** Hints for errnos that mean a resource of the process or the machine ran out, whatever the step. */
final class Hints {

    private Hints() {
    }

    /** The hint for {@code errno} when it names an exhausted resource, else null. */
    static String forErrno(int errno) {
        if (errno == Errno.EAGAIN) {
            return "process limit reached: RLIMIT_NPROC (ulimit -u) of the user, or pids.max of the JVM's pids "
                    + "cgroup; end processes you no longer need";
        }
        String files = dev.jns.linux.ffi.Sys.Hint.TOO_MANY_FILES.of(errno);
        if (files != null) {
            return files;
        }
        if (errno == Errno.ENOMEM) {
            return "out of memory (or a memory limit of the JVM's cgroup)";
        }
        return null;
    }

    /**
     * Loads now what error reporting needs later: when the JVM has run out of fds, loading a class from a class
     * directory fails (each class is a file to open), and the error would become a NoClassDefFoundError instead
     * of the real one. From a class directory, loads every class of this package (their switch-map and nested
     * classes included), and initializes the core classes errors are made of unless they come from a jar; from
     * a jar, which its class loader keeps open and reads without a new fd, neither (listing and loading them cost
     * a fresh JVM's first spawn about 25 ms, initializing the core's error classes and making one message about
     * 1.5 ms).
     */
    static void preload() {
        ClassLoader loader = Hints.class.getClassLoader();
        for (String name : packageClassesInADirectory()) {
            load(name, false, loader); // loaded (read from its file), initialized when first used
        }
        java.io.File core = dev.jns.linux.ffi.JarImages.origin(Errno.class);
        if (core != null && core.isFile()) {
            return; // a jar: see above (an unknown origin is initialized, to be safe)
        }
        for (Class<?> c : new Class<?>[] {Errno.class, dev.jns.NamespaceException.class,
            dev.jns.InvalidSpecException.class, dev.jns.Outcome.class, dev.jns.Outcome.Kind.class,
            dev.jns.spi.RunSupport.class}) {
            load(c.getName(), true, c.getClassLoader());
        }
        Errno.name(Errno.EMFILE); // its tables
        String m = dev.jns.NamespaceException.builder("a").step("b").errno(Errno.EMFILE).detail("c")
                .hint(forErrno(Errno.EMFILE)).build().getMessage();
        if (m.isEmpty()) {
            throw new IllegalStateException("empty message");
        }
    }

    private static void load(String name, boolean initialize, ClassLoader loader) {
        try {
            Class.forName(name, initialize, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            // not there: nothing to load
        }
    }

    /** The binary names of this package's classes when it was loaded from a class directory, else none. */
    private static java.util.List<String> packageClassesInADirectory() {
        String pkg = Hints.class.getPackageName();
        java.util.List<String> names = new java.util.ArrayList<>();
        java.io.File origin = dev.jns.linux.ffi.JarImages.origin(Hints.class);
        try {
            if (origin != null && origin.isDirectory()) {
                java.io.File[] files = new java.io.File(origin, pkg.replace('.', '/')).listFiles();
                for (java.io.File f : files == null ? new java.io.File[0] : files) {
                    if (f.getName().endsWith(".class")) {
                        names.add(pkg + "." + f.getName().substring(0, f.getName().length() - 6));
                    }
                }
            }
        } catch (RuntimeException e) {
            // the explicit list in preload still applies
        }
        names.remove("dev.jns.linux.spawn.package-info");
        return names;
    }
}
