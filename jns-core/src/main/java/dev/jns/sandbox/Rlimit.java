package dev.jns.sandbox;

/**
 * Resource limits (setrlimit(2)), numbered as on Linux ({@link #ordinal()} is {@code RLIMIT_*}). See
 * {@link Limits.Builder#rlimit(Rlimit, long, long)}.
 */
public enum Rlimit {
    /** CPU time in seconds (SIGXCPU at the soft limit, SIGKILL at the hard one). */
    CPU,
    /** Largest file the process may create, in bytes (SIGXFSZ beyond). */
    FSIZE,
    /** Data segment size in bytes. */
    DATA,
    /** Stack size in bytes. */
    STACK,
    /** Core file size in bytes. */
    CORE,
    /** Resident set size (no effect on current kernels). */
    RSS,
    /** Processes (threads) of the real uid, counted in the user's namespace. */
    NPROC,
    /** Open file descriptors (the highest fd number + 1). */
    NOFILE,
    /** Locked memory in bytes. */
    MEMLOCK,
    /** Address space (virtual memory) in bytes. */
    AS,
    /** File locks. */
    LOCKS,
    /** Queued signals. */
    SIGPENDING,
    /** Bytes in POSIX message queues. */
    MSGQUEUE,
    /** Ceiling of the nice value. */
    NICE,
    /** Ceiling of the real-time priority. */
    RTPRIO,
    /** Real-time CPU time in microseconds. */
    RTTIME;

    /** No limit ({@code RLIM_INFINITY}). */
    public static final long INFINITY = -1L;
}
