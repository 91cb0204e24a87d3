package dev.jns.sandbox;

import dev.jns.InvalidSpecException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A seccomp filter for a spawned command: which system calls it may not make. An immutable value handed to
 * {@link Security.Builder#seccomp(SeccompFilter)}; each method returns a new value.
 *
 * <p>{@link #defaults()} is jns's default filter for a sandbox: every system call that Docker's default profile
 * refuses to a process without capabilities is refused (EPERM; {@code clone3} ENOSYS), among them {@code keyctl},
 * {@code add_key}, {@code request_key}, {@code io_uring_*}, {@code userfaultfd}, {@code bpf},
 * {@code perf_event_open}, {@code kexec_*}, {@code personality} beyond the default persona, {@code socket} of
 * the AF_VSOCK and AF_ALG families, {@code open_by_handle_at}, and — unless the sandbox keeps the capability
 * Docker asks for — the mount family, {@code unshare}, {@code setns} and {@code clone} with namespace flags.
 * Calls of another ABI of the CPU (i386 or x32 on x86-64) kill the process. It is a deny list: what it does not
 * name is allowed (SECURITY.md says why, and lists every entry).
 *
 * <pre>{@code
 * SeccompFilter.defaults()                              // jns's default
 * SeccompFilter.defaults().errno("ptrace", Errno.EPERM) // and no ptrace either
 * SeccompFilter.defaults().allow("personality")         // lift one default refusal
 * SeccompFilter.none()                                  // no filter at all
 * SeccompFilter.none().kill("socket", Condition.eq(0, 10)) // only this: kill on an AF_INET6 socket
 * SeccompFilter.none().withBpf(program)                 // only the caller's compiled program (bwrap --seccomp FD)
 * }</pre>
 *
 * <p>Rules are checked here (names, errno values, conditions) when they are made; names are checked against
 * the launcher's libseccomp when the command starts: an unknown name fails the spawn with a
 * {@link dev.jns.NamespaceException} of step "seccomp filter" that names the rule. Rules for a name replace jns's
 * default refusals of that name.
 */
public final class SeccompFilter {
    /** At most this many rules (the launcher's limit). */
    public static final int MAX_RULES = 256;
    /** At most this many instructions in a BPF program (the kernel's BPF_MAXINSNS). */
    public static final int MAX_BPF_INSTRUCTIONS = 4096;

    private static final SeccompFilter NONE = new SeccompFilter(false, false, List.of(), null);
    private static final SeccompFilter DEFAULTS = new SeccompFilter(true, true, List.of(), null);

    private final boolean active;
    private final boolean defaultRefusals;
    private final List<Rule> rules;
    private final byte[] bpf;

    private SeccompFilter(boolean active, boolean defaultRefusals, List<Rule> rules, byte[] bpf) {
        this.active = active;
        this.defaultRefusals = defaultRefusals;
        this.rules = List.copyOf(rules);
        this.bpf = bpf;
    }

    /** jns's default filter (see the class description). */
    public static SeccompFilter defaults() {
        return DEFAULTS;
    }

    /** No filter: the command may make every system call its privileges allow. Add rules to get only those. */
    public static SeccompFilter none() {
        return NONE;
    }

    /** What a rule does when its call (and conditions) match. */
    public enum Action {
        /** Let the call through: lifts jns's default refusal of that name. */
        ALLOW,
        /** Fail the call with an errno. */
        ERRNO,
        /** Kill the whole process (SIGSYS). */
        KILL
    }

    /** How a {@link Condition} compares a system call argument (the kernel's and libseccomp's comparisons). */
    public enum Op {
        /** argument != value */
        NE(1),
        /** argument &lt; value (unsigned) */
        LT(2),
        /** argument &lt;= value (unsigned) */
        LE(3),
        /** argument == value */
        EQ(4),
        /** argument &gt;= value (unsigned) */
        GE(5),
        /** argument &gt; value (unsigned) */
        GT(6),
        /** (argument &amp; mask) == value */
        MASKED_EQ(7);

        private final int code;

        Op(int code) {
            this.code = code;
        }

        /** The code of the launcher protocol (libseccomp's {@code scmp_compare}). */
        public int code() {
            return code;
        }
    }

    /**
     * A condition on one argument (0..5) of a system call: the rule applies only when every condition holds. At
     * most one condition per argument (libseccomp's rule).
     *
     * @param argument the argument's index, 0..5
     * @param op the comparison
     * @param value what the argument (masked, for {@link Op#MASKED_EQ}) is compared with
     * @param mask the mask for {@link Op#MASKED_EQ}, else 0
     */
    public record Condition(int argument, Op op, long value, long mask) {
        /** Checks the fields. */
        public Condition {
            Objects.requireNonNull(op, "op");
            if (argument < 0 || argument > 5) {
                throw new InvalidSpecException("security.seccomp", "argument " + argument + " is not 0..5",
                        "system calls have at most six arguments, counted from 0");
            }
            if (op != Op.MASKED_EQ && mask != 0) {
                throw new InvalidSpecException("security.seccomp", "a mask only goes with MASKED_EQ", null);
            }
        }

        /** argument == value */
        public static Condition eq(int argument, long value) {
            return new Condition(argument, Op.EQ, value, 0);
        }

        /** argument != value */
        public static Condition ne(int argument, long value) {
            return new Condition(argument, Op.NE, value, 0);
        }

        /** argument &lt; value */
        public static Condition lt(int argument, long value) {
            return new Condition(argument, Op.LT, value, 0);
        }

        /** argument &lt;= value */
        public static Condition le(int argument, long value) {
            return new Condition(argument, Op.LE, value, 0);
        }

        /** argument &gt; value */
        public static Condition gt(int argument, long value) {
            return new Condition(argument, Op.GT, value, 0);
        }

        /** argument &gt;= value */
        public static Condition ge(int argument, long value) {
            return new Condition(argument, Op.GE, value, 0);
        }

        /** (argument &amp; mask) == value */
        public static Condition maskedEq(int argument, long mask, long value) {
            return new Condition(argument, Op.MASKED_EQ, value, mask);
        }
    }

    /**
     * One rule: a system call by its name (as libseccomp and {@code ausyscall} name it), an action, the errno for
     * {@link Action#ERRNO}, and conditions.
     *
     * @param syscall the system call's name
     * @param action what happens
     * @param errno 1..4095 for {@link Action#ERRNO}, else 0
     * @param conditions when the rule applies (all must hold); empty: always
     */
    public record Rule(String syscall, Action action, int errno, List<Condition> conditions) {
        /** Checks the fields. */
        public Rule {
            Objects.requireNonNull(action, "action");
            if (!isSyscallName(syscall)) {
                throw new InvalidSpecException("security.seccomp", "system call name \"" + syscall
                        + "\" is not 1..63 characters of [a-z0-9_]", "use the kernel's name, e.g. \"ptrace\"");
            }
            if ((action == Action.ERRNO) != (errno != 0) || errno < 0 || errno > 4095) {
                throw new InvalidSpecException("security.seccomp", "errno " + errno + " for " + syscall
                        + " does not fit " + action, "an ERRNO rule takes an errno of 1..4095, others none");
            }
            conditions = List.copyOf(conditions);
            if (action == Action.ALLOW && !conditions.isEmpty()) {
                throw new InvalidSpecException("security.seccomp", "allow(" + syscall + ") with conditions",
                        "the filter allows what it does not refuse: refuse the other cases with errno(..) or kill(..)");
            }
            if (conditions.size() > 6) {
                throw new InvalidSpecException("security.seccomp", "more than 6 conditions for " + syscall, null);
            }
            Set<Integer> seen = new HashSet<>();
            for (Condition c : conditions) {
                if (!seen.add(c.argument())) {
                    throw new InvalidSpecException("security.seccomp", "two conditions on argument " + c.argument()
                            + " of " + syscall, "libseccomp takes one condition per argument in a rule: "
                            + "add a second rule for the other case");
                }
            }
        }
    }

    /** Lifts jns's default refusal of {@code syscall} (no effect on a call no rule refuses). */
    public SeccompFilter allow(String syscall) {
        return with(new Rule(syscall, Action.ALLOW, 0, List.of()));
    }

    /** Makes {@code syscall} fail with {@code errno} (1..4095) when all {@code when} hold. */
    public SeccompFilter errno(String syscall, int errno, Condition... when) {
        return with(new Rule(syscall, Action.ERRNO, errno, List.of(nonNull(when))));
    }

    /** Kills the process (SIGSYS) when it makes {@code syscall} and all {@code when} hold. */
    public SeccompFilter kill(String syscall, Condition... when) {
        return with(new Rule(syscall, Action.KILL, 0, List.of(nonNull(when))));
    }

    /**
     * Adds a compiled classic-BPF seccomp program ({@code struct sock_filter[]}, 8 bytes per instruction, as
     * {@code seccomp_export_bpf} writes it), loaded before jns's own filter; filters stack and the kernel takes
     * the strictest answer. Replaces an earlier program.
     */
    public SeccompFilter withBpf(byte[] program) {
        Objects.requireNonNull(program, "program");
        if (program.length == 0 || program.length % 8 != 0 || program.length > 8 * MAX_BPF_INSTRUCTIONS) {
            throw new InvalidSpecException("security.seccomp", "a BPF program of " + program.length
                    + " bytes is not 1.." + MAX_BPF_INSTRUCTIONS + " instructions of 8 bytes",
                    "pass the bytes of struct sock_filter[] (seccomp_export_bpf)");
        }
        return new SeccompFilter(true, defaultRefusals, rules, program.clone());
    }

    /**
     * As {@link #withBpf(byte[])}, reading the program from {@code in} to its end (e.g. {@code new
     * FileInputStream(fd)} for a file descriptor, as bubblewrap's {@code --seccomp FD}); does not close it.
     */
    public SeccompFilter withBpf(InputStream in) {
        Objects.requireNonNull(in, "in");
        try {
            return withBpf(in.readNBytes(8 * MAX_BPF_INSTRUCTIONS + 8));
        } catch (IOException e) {
            throw new UncheckedIOException("reading a seccomp BPF program", e);
        }
    }

    private SeccompFilter with(Rule rule) {
        if (rules.size() == MAX_RULES) {
            throw new InvalidSpecException("security.seccomp", "more than " + MAX_RULES + " rules", null);
        }
        List<Rule> more = new ArrayList<>(rules);
        more.add(rule);
        return new SeccompFilter(true, defaultRefusals, more, bpf);
    }

    private static Condition[] nonNull(Condition[] when) {
        Objects.requireNonNull(when, "conditions");
        for (Condition c : when) {
            Objects.requireNonNull(c, "condition");
        }
        return when;
    }

    /** Whether any filter is loaded ({@code false} only for {@link #none()} without rules or program). */
    public boolean active() {
        return active;
    }

    /** Whether jns's default refusals are part of it. */
    public boolean defaultRefusals() {
        return defaultRefusals;
    }

    /** The rules, in order. */
    public List<Rule> rules() {
        return rules;
    }

    /** The caller's compiled program, if one was given (a copy). */
    public Optional<byte[]> bpf() {
        return Optional.ofNullable(bpf == null ? null : bpf.clone());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SeccompFilter f && active == f.active && defaultRefusals == f.defaultRefusals
                && rules.equals(f.rules) && Arrays.equals(bpf, f.bpf);
    }

    @Override
    public int hashCode() {
        return Objects.hash(active, defaultRefusals, rules, Arrays.hashCode(bpf));
    }

    @Override
    public String toString() {
        if (!active) {
            return "SeccompFilter.none()";
        }
        return "SeccompFilter[" + (defaultRefusals ? "defaults" : "no defaults") + ", " + rules.size() + " rules"
                + (bpf == null ? "" : ", BPF " + bpf.length / 8 + " instructions") + "]";
    }

    /**
     * Whether {@code s} is 1..63 characters of [a-z0-9_], the form of a system call's name. A loop, not a regular
     * expression: this class is loaded by every spawn's defaults, and a JVM's first Pattern costs its first spawn
     * several milliseconds (java.util.regex's classes and lambdas).
     */
    static boolean isSyscallName(String s) {
        if (s == null || s.isEmpty() || s.length() > 63) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_')) {
                return false;
            }
        }
        return true;
    }
}
