package dev.jns.linux.spawn;

import dev.jns.Errno;

/** Hints for errnos that mean a resource of the process or the machine ran out, whatever the step. */
final class Hints {
    private static final int ENFILE = 23;

    private Hints() {
    }

    /** The hint for {@code errno} when it names an exhausted resource, else null. */
    static String forErrno(int errno) {
        if (errno == Errno.EAGAIN) {
            return "process limit reached: RLIMIT_NPROC (ulimit -u) of the user, or pids.max of the JVM's pids "
                    + "cgroup; end processes you no longer need";
        }
        if (errno == Errno.EMFILE) {
            return "this JVM has too many open files (RLIMIT_NOFILE, ulimit -n): close handles, processes and "
                    + "streams you no longer need, or raise the limit";
        }
        if (errno == ENFILE) {
            return "the system-wide open file limit (fs.file-max) is reached";
        }
        if (errno == Errno.ENOMEM) {
            return "out of memory (or a memory limit of the JVM's cgroup)";
        }
        return null;
    }

    /**
     * Loads now what error reporting needs later: when the JVM has run out of fds, loading a class from a jar
     * or a class directory fails, and the error would become a NoClassDefFoundError instead of the real one.
     */
    static void preload() {
        Class<?>[] needed = {
            Errno.class, dev.jns.NamespaceException.class, dev.jns.InvalidSpecException.class, SetupFailure.class,
            Step.class, ExitStatus.class, StatusReader.Record.class, FdMessage.Received.class, Hints.class,
            dev.jns.Outcome.class, dev.jns.Outcome.Kind.class,
        };
        for (Class<?> c : needed) {
            try {
                Class.forName(c.getName(), true, c.getClassLoader());
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }
        Errno.name(Errno.EMFILE);   // its tables, and the String concatenation bootstrap of the message
        String ignored = new dev.jns.NamespaceException("a", "b", Errno.EMFILE, "c", forErrno(Errno.EMFILE)).getMessage();
        if (ignored.isEmpty()) {
            throw new IllegalStateException();
        }
    }
}
