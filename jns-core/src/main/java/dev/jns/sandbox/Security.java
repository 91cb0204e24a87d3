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
 *   <li>ids (issue 13): a sandbox started by root never runs as host root. Its ids live in a user namespace of
 *       their own and map to an unprivileged host range: {@link Builder#subordinateIds(String)}, else the system
 *       property {@code jns.sandbox.subids}, else the overflow id 65534 alone as root inside. This holds for
 *       {@code mapRootUser()}, {@code mapCurrentUser()} and no user namespace asked; explicit maps are used as
 *       given but may not map host id 0. Host root inside takes {@link Builder#allowHostRoot(boolean)}. A plain
 *       spawn by root (no sandbox) keeps running as root, as {@code unshare}; a caller without root is unchanged
 *       (its own ids, or the ranges {@code newuidmap} grants it).</li>
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
    private final boolean allowHostRoot;
    private final String subordinateIds;

    private Security(Builder b) {
        keep = b.keep == null ? null : Set.copyOf(b.keep);
        drop = b.drop == null ? null : Set.copyOf(b.drop);
        noNewPrivileges = b.noNewPrivileges;
        ownSession = b.ownSession;
        newKeyring = b.newKeyring;
        seccomp = b.seccomp;
        maskProc = b.maskProc;
        noNestedUserNamespaces = b.noNestedUserNamespaces;
        allowHostRoot = b.allowHostRoot;
        subordinateIds = b.subordinateIds;
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
        b.allowHostRoot = allowHostRoot;
        b.subordinateIds = subordinateIds;
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

    /** Whether a root caller's sandbox may run as host root ({@link Builder#allowHostRoot}). */
    public boolean allowsHostRoot() {
        return allowHostRoot;
    }

    /** The unprivileged host ids of a root caller's sandbox, as given to {@link Builder#subordinateIds}. */
    public Optional<String> subordinateIds() {
        return Optional.ofNullable(subordinateIds);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Security s && Objects.equals(keep, s.keep) && Objects.equals(drop, s.drop)
                && noNewPrivileges == s.noNewPrivileges && Objects.equals(ownSession, s.ownSession)
                && Objects.equals(newKeyring, s.newKeyring) && Objects.equals(seccomp, s.seccomp)
                && maskProc == s.maskProc && noNestedUserNamespaces == s.noNestedUserNamespaces
                && allowHostRoot == s.allowHostRoot && Objects.equals(subordinateIds, s.subordinateIds);
    }

    @Override
    public int hashCode() {
        return Objects.hash(keep, drop, noNewPrivileges, ownSession, newKeyring, seccomp, maskProc,
                noNestedUserNamespaces, allowHostRoot, subordinateIds);
    }

    @Override
    public String toString() {
        return "Security[keep=" + keep + ", drop=" + drop + ", noNewPrivileges=" + noNewPrivileges
                + ", ownSession=" + (ownSession == null ? "default" : ownSession)
                + ", newKeyring=" + (newKeyring == null ? "default" : newKeyring)
                + ", seccomp=" + (seccomp == null ? "default" : seccomp) + ", maskProc=" + maskProc
                + ", disableNestedUserNamespaces=" + noNestedUserNamespaces
                + (allowHostRoot ? ", ALLOWS HOST ROOT" : "")
                + (subordinateIds != null ? ", subordinateIds=" + subordinateIds : "") + "]";
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
        private boolean allowHostRoot;
        private String subordinateIds;

        private Builder() {
        }

        /**
         * <b>Dangerous.</b> Lets a sandbox started by root run as host root (uid 0 inside is kernel uid 0
         * outside), as before jns 0.2. The kernel checks some things by uid alone, whatever the capabilities:
         * such a sandbox can write global sysctls under a writable {@code /proc/sys} ({@code kernel.core_pattern}
         * then runs a program of its choice as root on the host), plant setuid-root files through a writable
         * bind, and is not held to {@code RLIMIT_NPROC}. Default: {@code false}, and the sandbox runs as the
         * unprivileged ids of {@link #subordinateIds(String)}. No effect for a caller without root.
         */
        public Builder allowHostRoot(boolean allow) {
            allowHostRoot = allow;
            return this;
        }

        /**
         * The host ids a sandbox started by root runs as: a user name (or uid) whose first {@code /etc/subuid}
         * and {@code /etc/subgid} ranges are used (uid and gid 0 inside are the first ids of those ranges), or
         * {@code BASE:COUNT} for both. Default: the system property {@code jns.sandbox.subids} (same syntax),
         * else the overflow id 65534 alone, mapped as root inside (the sandbox then has one uid and one gid).
         * Give the range to jns alone (as to a dedicated user): two sandboxes with the same range share host ids.
         * A name without ranges or a range that includes host id 0 is an error when the spawn starts. No effect
         * for a caller without root (its ids are its own, or what {@code newuidmap} grants).
         */
        public Builder subordinateIds(String userOrRange) {
            if (userOrRange == null || userOrRange.isBlank()) {
                throw new InvalidSpecException("subordinateIds", "is empty", "a user name, or BASE:COUNT");
            }
            dev.jns.internal.Checks.checkNoNul("subordinateIds", userOrRange);
            subordinateIds = userOrRange.trim();
            return this;
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
