package dev.jns;

/**
 * Every failure of jns. The message says what was asked, which step failed, the errno and what to do, for
 * example {@code "spawn [user, pid] of 'ps': write /proc/4242/uid_map: EPERM (Operation not permitted) -- ..."}.
 * The parts are also available one by one.
 */
public class NamespaceException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String what;
    private final String step;
    private final int errno;
    private final String detail;
    private final String hint;

    /**
     * @param what   what the caller asked for ({@code "open /proc/12/ns/net"})
     * @param step   the step that failed ({@code "mount /proc"})
     * @param errno  the errno the kernel returned, 0 when none applies
     * @param detail extra facts from the failure (a path, a helper's stderr), or null
     * @param hint   what the caller can do about it, or null
     */
    public NamespaceException(String what, String step, int errno, String detail, String hint) {
        this(what, step, errno, detail, hint, null);
    }

    /** As {@link #NamespaceException(String, String, int, String, String)}, with a cause. */
    public NamespaceException(String what, String step, int errno, String detail, String hint, Throwable cause) {
        super(compose(what, step, errno, detail, hint), cause);
        this.what = what;
        this.step = step;
        this.errno = errno;
        this.detail = detail;
        this.hint = hint;
    }

    private static String compose(String what, String step, int errno, String detail, String hint) {
        StringBuilder sb = new StringBuilder();
        if (what != null && !what.isEmpty()) {
            sb.append(what).append(": ");
        }
        sb.append(step);
        if (errno != 0) {
            sb.append(": ").append(Errno.name(errno)).append(" (").append(Errno.describe(errno)).append(')');
        }
        if (detail != null && !detail.isEmpty()) {
            sb.append(": ").append(detail);
        }
        if (hint != null && !hint.isEmpty()) {
            sb.append(" -- ").append(hint);
        }
        return sb.toString();
    }

    /** What was asked ({@code "spawn [user, pid] of 'ps'"}). */
    public String what() {
        return what;
    }

    /** The step that failed ({@code "mount /proc"}). */
    public String step() {
        return step;
    }

    /** The errno of the failure, 0 when the failure was not a system call's. */
    public int errno() {
        return errno;
    }

    /** The symbolic name of {@link #errno()} ({@code "EPERM"}). */
    public String errnoName() {
        return Errno.name(errno);
    }

    /** Extra facts (a path, a helper's stderr), or null. */
    public String detail() {
        return detail;
    }

    /** What to do about it, or null. */
    public String hint() {
        return hint;
    }
}
