package dev.jns.sandbox;

import dev.jns.InvalidSpecException;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How much a spawned command may do: its capabilities, whether exec can grant privileges, whether it gets its own
 * session. An immutable value, built with {@link #builder()} and handed to {@link dev.jns.Spawn#security}.
 *
 * <p><b>Defaults</b> ({@link #defaults()}, what a spawn gets without {@code security(..)}) are the safe choice
 * for a <em>sandbox</em> — a spawn with a {@link MountPlan} that {@linkplain MountPlan#confines() confines} it —
 * and what {@code unshare} does otherwise:
 * <ul>
 *   <li>capabilities: a sandbox drops every capability (as bubblewrap), so the command can neither undo the
 *       plan (umount, remount read-write) nor mount anything; a plain spawn keeps what its namespaces give
 *       (full inside a new user namespace for uid 0 inside; none after exec for any other uid);</li>
 *   <li>no_new_privs: on, for every spawn (setuid bits and file capabilities are then ignored by exec);</li>
 *   <li>own session ({@code setsid}): on for a sandbox, so it can neither push input into the caller's terminal
 *       ({@code TIOCSTI}) nor signal the caller's process group; off for a plain spawn, as {@code unshare}.</li>
 *   <li>a new session keyring: on for a sandbox, so the caller's session keys (tokens) are out of its reach and
 *       keys it adds end with it; off for a plain spawn;</li>
 *   <li>seccomp: {@link SeccompFilter#defaults()} for a sandbox (Docker's refusals, as a deny list), none for a
 *       plain spawn;</li>
 *   <li>masked proc: every proc jns mounts ({@code Spawn.mountProc()}, {@link MountPlan#proc}) is masked as
 *       runc masks a container's ({@code /proc/sys} read-only, {@code /proc/kcore}, {@code /proc/keys} ...
 *       empty), sandbox or not;</li>
 *   <li>nested user namespaces: refused by the default filter (without CAP_SYS_ADMIN kept);
 *       {@link Builder#disableNestedUserNamespaces} refuses them whatever the filter.</li>
 * </ul>
 * Every opt-out is explicit and named for what it gives away.
 */
public final class Security {
    private static final Security DEFAULTS = new Builder().build();

    private final Set<Capability> keep;
    private final Set<Capability> drop;
    private final boolean noNewPrivileges;
    private final Boolean ownSession;
    private final Boolean newKeyring;
    private final SeccompFilter seccomp;
    private final boolean maskProc;
    private final boolean noNestedUserNamespaces;

    private Security(Builder b) {
        keep = b.keep == null ? null : Set.copyOf(b.keep);
        drop = b.drop == null ? null : Set.copyOf(b.drop);
        noNewPrivileges = b.noNewPrivileges;
        ownSession = b.ownSession;
        newKeyring = b.newKeyring;
        seccomp = b.seccomp;
        maskProc = b.maskProc;
        noNestedUserNamespaces = b.noNestedUserNamespaces;
    }

    /** The defaults described above. */
    public static Security defaults() {
        return DEFAULTS;
    }

    /** A builder that starts from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from this value. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.keep = keep == null ? null : EnumSet.copyOf(keep.isEmpty() ? EnumSet.noneOf(Capability.class) : keep);
        b.drop = drop == null ? null : EnumSet.copyOf(drop);
        b.noNewPrivileges = noNewPrivileges;
        b.ownSession = ownSession;
        b.newKeyring = newKeyring;
        b.seccomp = seccomp;
        b.maskProc = maskProc;
        b.noNestedUserNamespaces = noNestedUserNamespaces;
        return b;
    }

    /** The capabilities to keep (all others dropped), if {@link Builder#keepCapabilities} was called. */
    public Optional<Set<Capability>> keptCapabilities() {
        return Optional.ofNullable(keep);
    }

    /** The capabilities to drop (the others as the namespaces give them), if {@link Builder#dropCapabilities} was called. */
    public Optional<Set<Capability>> droppedCapabilities() {
        return Optional.ofNullable(drop);
    }

    /** Whether the command runs with {@code PR_SET_NO_NEW_PRIVS}. */
    public boolean noNewPrivileges() {
        return noNewPrivileges;
    }

    /** Whether the command gets its own session; empty: the default (a sandbox does, a plain spawn does not). */
    public Optional<Boolean> ownSession() {
        return Optional.ofNullable(ownSession);
    }

    /** Whether a spawn that is a sandbox ({@code confined}) or not gets its own session with this value. */
    public boolean ownSession(boolean confined) {
        return ownSession == null ? confined : ownSession;
    }

    /** Whether the command joins a new session keyring; empty: the default (a sandbox does, a plain spawn not). */
    public Optional<Boolean> newKeyring() {
        return Optional.ofNullable(newKeyring);
    }

    /** Whether a spawn that is a sandbox ({@code confined}) or not joins a new session keyring with this value. */
    public boolean newKeyring(boolean confined) {
        return newKeyring == null ? confined : newKeyring;
    }

    /** The seccomp filter asked for; empty: the default ({@link SeccompFilter#defaults()} for a sandbox, none otherwise). */
    public Optional<SeccompFilter> seccomp() {
        return Optional.ofNullable(seccomp);
    }

    /** The seccomp filter a spawn that is a sandbox ({@code confined}) or not gets with this value. */
    public SeccompFilter seccomp(boolean confined) {
        return seccomp != null ? seccomp : confined ? SeccompFilter.defaults() : SeccompFilter.none();
    }

    /** Whether a proc that jns mounts is masked (runc's masked and read-only paths). */
    public boolean maskProc() {
        return maskProc;
    }

    /** Whether new user namespaces are refused to the command whatever the seccomp filter. */
    public boolean disableNestedUserNamespaces() {
        return noNestedUserNamespaces;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Security s && Objects.equals(keep, s.keep) && Objects.equals(drop, s.drop)
                && noNewPrivileges == s.noNewPrivileges && Objects.equals(ownSession, s.ownSession)
                && Objects.equals(newKeyring, s.newKeyring) && Objects.equals(seccomp, s.seccomp)
                && maskProc == s.maskProc && noNestedUserNamespaces == s.noNestedUserNamespaces;
    }

    @Override
    public int hashCode() {
        return Objects.hash(keep, drop, noNewPrivileges, ownSession, newKeyring, seccomp, maskProc,
                noNestedUserNamespaces);
    }

    @Override
    public String toString() {
        return "Security[keep=" + keep + ", drop=" + drop + ", noNewPrivileges=" + noNewPrivileges
                + ", ownSession=" + (ownSession == null ? "default" : ownSession)
                + ", newKeyring=" + (newKeyring == null ? "default" : newKeyring)
                + ", seccomp=" + (seccomp == null ? "default" : seccomp) + ", maskProc=" + maskProc
                + ", disableNestedUserNamespaces=" + noNestedUserNamespaces + "]";
    }

    /** Builds a {@link Security}; every setter checks its argument and names it when it fails. */
    public static final class Builder {
        private Set<Capability> keep;
        private Set<Capability> drop;
        private boolean noNewPrivileges = true;
        private Boolean ownSession;
        private Boolean newKeyring;
        private SeccompFilter seccomp;
        private boolean maskProc = true;
        private boolean noNestedUserNamespaces;

        private Builder() {
        }

        /**
         * Keeps exactly these capabilities (bounding, permitted, effective, inheritable and ambient sets, so they
         * survive the exec also for a uid other than 0) and drops all others; none given: drops all. Replaces
         * {@link #dropCapabilities}.
         */
        public Builder keepCapabilities(Capability... capabilities) {
            keep = capSet("keepCapabilities", capabilities);
            drop = null;
            return this;
        }

        /**
         * Drops these capabilities from every set (the bounding set included: they cannot come back through a
         * setuid program) and leaves the others as the namespaces give them. Replaces {@link #keepCapabilities}.
         */
        public Builder dropCapabilities(Capability first, Capability... more) {
            Objects.requireNonNull(first, "dropCapabilities first");
            Set<Capability> set = capSet("dropCapabilities", more);
            set.add(first);
            drop = set;
            keep = null;
            return this;
        }

        /**
         * Whether the command runs with {@code PR_SET_NO_NEW_PRIVS}: execve can then never grant privileges.
         * <b>On by default</b>; turn it off only for a command that must run setuid programs (sudo, newuidmap)
         * inside.
         */
        public Builder noNewPrivileges(boolean on) {
            noNewPrivileges = on;
            return this;
        }

        /**
         * Whether the command starts a new session ({@code setsid}), detached from the caller's controlling
         * terminal and process group. Default: yes for a sandbox, no for a plain spawn. {@code false} for a
         * sandbox lets it push input into the caller's terminal ({@code TIOCSTI}) and signal the caller's
         * process group ({@code kill(0, ..)}): use it only for a trusted command that needs the terminal.
         */
        public Builder ownSession(boolean on) {
            ownSession = on;
            return this;
        }

        /**
         * Whether the command joins a new, empty session keyring ({@code KEYCTL_JOIN_SESSION_KEYRING}). Default: yes
         * for a sandbox, no for a plain spawn. {@code false} for a sandbox lets it read the caller's session keys
         * (login tokens, credentials a tool cached) and leave keys behind in the caller's session.
         */
        public Builder newKeyring(boolean on) {
            newKeyring = on;
            return this;
        }

        /**
         * The seccomp filter: {@link SeccompFilter#defaults()} (the default for a sandbox), an extension of it,
         * a filter of one's own, a compiled BPF program, or {@link SeccompFilter#none()} (the default for a plain
         * spawn). {@code none()} for a sandbox gives the command the kernel's whole system call surface: keyrings,
         * io_uring, bpf, userfaultfd, new user namespaces. A filter needs {@link #noNewPrivileges} on (or
         * CAP_SYS_ADMIN kept).
         */
        public Builder seccomp(SeccompFilter filter) {
            seccomp = Objects.requireNonNull(filter, "seccomp");
            return this;
        }

        /**
         * Whether a proc that jns mounts is masked as runc masks a container's: {@code /proc/sys},
         * {@code /proc/sysrq-trigger}, {@code /proc/irq}, {@code /proc/bus}, {@code /proc/fs} read-only;
         * {@code /proc/kcore}, {@code /proc/keys}, {@code /proc/timer_list}, {@code /proc/sched_debug},
         * {@code /proc/latency_stats}, {@code /proc/acpi}, {@code /proc/scsi} ... empty. <b>On by default</b>;
         * {@code false} exposes writable sysctls to a command that holds the privilege to write them.
         */
        public Builder maskProc(boolean on) {
            maskProc = on;
            return this;
        }

        /**
         * Refuses new user namespaces to the command (as bubblewrap's {@code --disable-userns}): {@code unshare}
         * and {@code clone} with CLONE_NEWUSER fail with EPERM, {@code clone3} with ENOSYS, by a seccomp rule
         * that holds whatever {@link #seccomp} says (the default filter refuses them anyway unless CAP_SYS_ADMIN
         * is kept). Off by default. Needs {@link #noNewPrivileges} on (or CAP_SYS_ADMIN kept).
         */
        public Builder disableNestedUserNamespaces(boolean on) {
            noNestedUserNamespaces = on;
            return this;
        }

        /** The value. */
        public Security build() {
            return new Security(this);
        }

        private static Set<Capability> capSet(String field, Capability... capabilities) {
            if (capabilities == null) {
                throw new InvalidSpecException(field, "is null", null);
            }
            EnumSet<Capability> set = EnumSet.noneOf(Capability.class);
            for (Capability c : capabilities) {
                if (c == null) {
                    throw new InvalidSpecException(field, "has a null element", null);
                }
                set.add(c);
            }
            return set;
        }
    }
}
