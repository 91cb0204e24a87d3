package dev.jns;

/**
 * Every failure of jns. The message says what was asked, which step failed, the errno and what to do, for
 * example {@code "spawn of new [user, pid] running 'ps': write /proc/4242/uid_map: EPERM (Operation not permitted) -- ..."}.
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
     * The exception {@code b} describes; for subclasses. Others use {@link #builder(String)}.
     *
     * @param b the parts; {@code step} must have been set
     */
    protected NamespaceException(Builder b) {
        super(compose(b.what, b.step, b.errno, b.detail, b.hint), b.cause);
        this.what = b.what;
        this.step = b.step;
        this.errno = b.errno;
        this.detail = b.detail;
        this.hint = b.hint;
    }

    /**
     * Starts a failure of {@code what}: {@code NamespaceException.builder("open /proc/12/ns/net").step("open")
     * .errno(Errno.ENOENT).hint("is process 12 still running?").build()}.
     *
     * @param what what the caller asked for ({@code "open /proc/12/ns/net"}), or null
     * @return a builder; {@link Builder#step(String)} is required before {@link Builder#build()}
     */
    public static Builder builder(String what) {
        return new Builder(what);
    }

    /** The parts of a {@link NamespaceException}; only {@link #step(String)} is required. */
    public static final class Builder {
        private final String what;
        private String step;
        private int errno;
        private String detail;
        private String hint;
        private Throwable cause;

        private Builder(String what) {
            this.what = what;
        }

        /**
         * @param step the step that failed ({@code "mount /proc"})
         * @return this builder
         */
        public Builder step(String step) {
            this.step = step;
            return this;
        }

        /**
         * @param errno the errno the kernel returned; 0 (the default) when none applies
         * @return this builder
         */
        public Builder errno(int errno) {
            this.errno = errno;
            return this;
        }

        /**
         * @param detail extra facts from the failure (a path, a helper's stderr), or null
         * @return this builder
         */
        public Builder detail(String detail) {
            this.detail = detail;
            return this;
        }

        /**
         * @param hint what the caller can do about it, or null
         * @return this builder
         */
        public Builder hint(String hint) {
            this.hint = hint;
            return this;
        }

        /**
         * @param cause the underlying failure, or null
         * @return this builder
         */
        public Builder cause(Throwable cause) {
            this.cause = cause;
            return this;
        }

        /**
         * @return the exception
         * @throws NullPointerException when no step was given
         */
        public NamespaceException build() {
            java.util.Objects.requireNonNull(step, "step");
            return new NamespaceException(this);
        }
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

    /** What was asked ({@code "spawn of new [user, pid] running 'ps'"}). */
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
