package dev.jns.doctor;

import dev.jns.NamespaceType;
import dev.jns.Namespaces;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

/**
 * What works here and why not: the result of {@link Namespaces#doctor()}. For each of the eight namespace
 * types, a real attempt as the JVM's user and, when the JVM is root, as an unprivileged user; an attempt to
 * make a user namespace and mount a tmpfs in it (some hosts let the namespace be made and refuse its use,
 * AppArmor's {@code apparmor_restrict_unprivileged_userns} for one); and the {@link DoctorFacts facts} that
 * explain the outcomes. Test kits skip tests with {@link #whyNot}; a {@code jns doctor} command prints
 * {@link #toString()} or {@link #toJson()}.
 */
public final class DoctorReport {
    private final DoctorFacts facts;
    private final List<DoctorProbe> probes;

    /**
     * @param facts  what was read from the machine
     * @param probes every attempt made, as the caller and (for a root caller) as an unprivileged user
     */
    public DoctorReport(DoctorFacts facts, List<DoctorProbe> probes) {
        this.facts = facts;
        this.probes = List.copyOf(probes);
    }

    /**
     * The report of a machine where jns cannot work at all: every probe fails with {@code why}. Used when no
     * implementation is on the class path, or the OS is not Linux.
     */
    public static DoctorReport unavailable(String why, String fix) {
        List<DoctorProbe> ps = new ArrayList<>();
        for (boolean rootless : new boolean[] {false, true}) {
            for (NamespaceType t : NamespaceType.values()) {
                ps.add(new DoctorProbe(t.procName(), t, -1, rootless, false, "find an implementation", 0, why, fix,
                        Duration.ZERO));
            }
            ps.add(new DoctorProbe(DoctorProbe.USERNS_MOUNT, null, -1, rootless, false, "find an implementation", 0,
                    why, fix, Duration.ZERO));
        }
        return new DoctorReport(DoctorFacts.unknown(), ps);
    }

    /** The facts read from the machine. */
    public DoctorFacts facts() {
        return facts;
    }

    /** Every attempt, as made. */
    public List<DoctorProbe> probes() {
        return probes;
    }

    /**
     * The attempts as the JVM's user ({@code rootless} false) or as an unprivileged user ({@code rootless}
     * true). For a JVM that is not root both are the same attempts.
     */
    public List<DoctorProbe> probes(boolean rootless) {
        List<DoctorProbe> out = new ArrayList<>();
        for (DoctorProbe p : probes) {
            if (rootless ? p.rootless() : p.uid() == facts.euid()) {
                out.add(p);
            }
        }
        return out;
    }

    /** The attempt for one namespace type, as the JVM's user or as an unprivileged user. */
    public Optional<DoctorProbe> probe(NamespaceType type, boolean rootless) {
        return probes(rootless).stream().filter(p -> p.type() == type).findFirst();
    }

    /** The user namespace + tmpfs attempt, as the JVM's user or as an unprivileged user. */
    public Optional<DoctorProbe> userNamespaceMount(boolean rootless) {
        return probes(rootless).stream().filter(p -> DoctorProbe.USERNS_MOUNT.equals(p.name())).findFirst();
    }

    /** Whether namespaces of all these types can be created (see {@link #whyNot}). */
    public boolean supports(Collection<NamespaceType> types, boolean rootless) {
        return whyNot(types, rootless).isEmpty();
    }

    /**
     * Why namespaces of these types cannot be created, as the JVM's user or as an unprivileged user: the
     * first failed attempt among those that matter (each type's; and the user namespace + tmpfs attempt when a
     * user namespace is involved, which it always is without root), with its step, errno, cause and fix.
     * Empty when all of them worked.
     */
    public Optional<String> whyNot(Collection<NamespaceType> types, boolean rootless) {
        EnumSet<NamespaceType> need = types.isEmpty() ? EnumSet.noneOf(NamespaceType.class) : EnumSet.copyOf(types);
        boolean unprivileged = rootless || !facts.root();
        if (unprivileged && !need.isEmpty()) {
            need.add(NamespaceType.USER);
        }
        List<DoctorProbe> relevant = new ArrayList<>();
        for (NamespaceType t : need) {
            relevant.add(probe(t, rootless).orElse(null));
            if (t == NamespaceType.USER) {
                userNamespaceMount(rootless).ifPresent(relevant::add);
            }
        }
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < relevant.size(); i++) {
            DoctorProbe p = relevant.get(i);
            if (p == null) {
                problems.add("no attempt was made for " + need);
            } else if (!p.works()) {
                problems.add(p.describe());
            }
        }
        return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
    }

    /** The report as one JSON object: {@code {"facts":{...},"probes":[{...},...]}}. */
    public String toJson() {
        Json j = new Json().open().key("facts").raw(facts.toJson()).key("probes");
        StringBuilder arr = new StringBuilder("[");
        for (int i = 0; i < probes.size(); i++) {
            arr.append(i == 0 ? "" : ",").append(probes.get(i).toJson());
        }
        return j.raw(arr.append(']').toString()).close().toString();
    }

    /** The report for people: the facts, then one line per attempt. */
    @Override
    public String toString() {
        DoctorFacts f = facts;
        StringBuilder sb = new StringBuilder("jns doctor\n");
        sb.append("  kernel            ").append(f.kernel()).append('\n');
        sb.append("  user              ").append(f.user()).append(" (euid ").append(f.euid()).append(")\n");
        sb.append("  newuidmap         ").append(f.newuidmap()).append('\n');
        sb.append("  newgidmap         ").append(f.newgidmap()).append('\n');
        sb.append("  /etc/subuid       ").append(f.subuid().isEmpty() ? "no range" : String.join(", ", f.subuid())).append('\n');
        sb.append("  /etc/subgid       ").append(f.subgid().isEmpty() ? "no range" : String.join(", ", f.subgid())).append('\n');
        new java.util.TreeMap<>(f.sysctls()).forEach((k, v) ->
                sb.append("  ").append(String.format("%-17s ", "sysctl")).append(k).append(" = ").append(v).append('\n'));
        sb.append("  seccomp           ").append(switch (f.seccomp()) {
            case 0 -> "off";
            case 1 -> "strict";
            default -> "filter (" + f.seccompFilters() + " filters)";
        }).append('\n');
        sb.append("  sandbox seccomp   ").append(f.sandboxSeccomp().isEmpty() ? "unknown" : f.sandboxSeccomp())
                .append('\n');
        sb.append("  container         ").append(f.inContainer() ? f.container() : "no").append('\n');
        sb.append("  cgroup v2         ").append(f.cgroupV2() ? f.cgroup() + (f.cgroupWritable() ? " (writable: delegated)"
                : " (not writable)") : "no").append('\n');
        sb.append("  cgroup limits     ").append(f.cgroups().describe()).append('\n');
        sb.append("  time namespaces   ").append(f.timeNamespaces() ? "yes" : "no").append('\n');
        sb.append("  pidfd             ").append(f.pidfd() ? "yes" : "no").append('\n');
        for (DoctorProbe p : probes) {
            sb.append("  ").append(p.works() ? "ok   " : "FAIL ").append(p.describe()).append('\n');
        }
        return sb.toString();
    }
}
