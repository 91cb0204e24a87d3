package dev.jns.sandbox;

import dev.jns.InvalidSpecException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Resource limits of a spawned command, as an immutable value built with {@link #builder()} and handed to
 * {@link dev.jns.Spawn#limits}. {@link #none()} is the default. Two kinds:
 * <ul>
 *   <li>{@code setrlimit(2)} limits ({@link Builder#rlimit}), set before exec and inherited by the command's
 *       children, each process on its own;</li>
 *   <li>cgroup limits ({@link Builder#memory}, {@link Builder#memorySwap}, {@link Builder#pids},
 *       {@link Builder#cpus}): the whole sandbox, every process it starts included, runs in a cgroup of its own
 *       that jns creates for it (below the JVM's own cgroup, or below {@link Builder#cgroup(Path)}), places the
 *       command in before it runs, and removes when the sandbox ends. What the sandbox used comes back in
 *       {@link dev.jns.Outcome#cgroup()} (peak memory, OOM kills, CPU time), and a command the kernel's OOM
 *       killer ended is {@link dev.jns.Outcome.Kind#OOM_KILLED}.</li>
 * </ul>
 * The cgroup limits speak systemd's vocabulary ({@code systemd-run -p MemoryMax= -p MemorySwapMax= -p TasksMax=
 * -p CPUQuota=}) and work on cgroup v2 and on v1 (or hybrid) hosts, where each controller is taken from the
 * hierarchy that has it. Without root they need a cgroup v2 subtree delegated to the caller; otherwise
 * {@code start()} throws a {@link dev.jns.NamespaceException} whose hint says what to enable
 * ({@code jns doctor} shows what the host offers).
 *
 * <pre>{@code
 * Limits limits = Limits.builder().memory(256L << 20).pids(100).cpus(1.5)
 *         .rlimit(Rlimit.NOFILE, 256).build();
 * }</pre>
 */
public final class Limits {
    private static final Limits NONE = new Builder().build();
    private static final long UNSET = -1;
    private static final long MIB = 1L << 20;

    /** The smallest {@link Builder#memory} limit: below it nothing, not even the sandbox's init, can run. */
    public static final long MIN_MEMORY = MIB;
    /** The smallest {@link Builder#cpus} share: the kernel's smallest CFS quota is 1 ms per 100 ms period. */
    public static final double MIN_CPUS = 0.01;

    private final List<ResourceLimit> rlimits;
    private final long memory;
    private final long memorySwap;
    private final long pids;
    private final double cpus;
    private final Path cgroup;

    private Limits(Builder b) {
        // no iteration of an empty map: the default limits are made in a JVM's first spawn, and an EnumMap's
        // iterator classes are not in the JDK's class-data archive
        rlimits = b.rlimits.isEmpty() ? List.of() : List.copyOf(new ArrayList<>(b.rlimits.values()));
        memory = b.memory;
        memorySwap = b.memorySwap;
        pids = b.pids;
        cpus = b.cpus;
        cgroup = b.cgroup;
    }

    /** No limits but those the command inherits. */
    public static Limits none() {
        return NONE;
    }

    /** An empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder that starts from this value. */
    public Builder toBuilder() {
        Builder b = new Builder();
        rlimits.forEach(l -> b.rlimits.put(l.resource(), l));
        b.memory = memory;
        b.memorySwap = memorySwap;
        b.pids = pids;
        b.cpus = cpus;
        b.cgroup = cgroup;
        return b;
    }

    /** The rlimits, in {@link Rlimit} order. */
    public List<ResourceLimit> rlimits() {
        return rlimits;
    }

    /** The sandbox's memory limit in bytes ({@code memory.max}), if set. */
    public OptionalLong memory() {
        return memory == UNSET ? OptionalLong.empty() : OptionalLong.of(memory);
    }

    /**
     * The swap the sandbox may use, in bytes ({@code memory.swap.max}), if set. With a {@link #memory()} limit
     * and no swap limit the sandbox gets no swap (see {@link Builder#memorySwap}).
     */
    public OptionalLong memorySwap() {
        return memorySwap == UNSET ? OptionalLong.empty() : OptionalLong.of(memorySwap);
    }

    /** The most processes and threads the sandbox may have at once ({@code pids.max}), if set. */
    public OptionalLong pids() {
        return pids == UNSET ? OptionalLong.empty() : OptionalLong.of(pids);
    }

    /** The CPU share of the sandbox, in CPUs ({@code cpu.max}), if set. */
    public OptionalDouble cpus() {
        return cpus < 0 ? OptionalDouble.empty() : OptionalDouble.of(cpus);
    }

    /** The delegated cgroup below which the sandbox's own cgroup is made, if set. */
    public Optional<Path> cgroup() {
        return Optional.ofNullable(cgroup);
    }

    /** Whether the sandbox gets a cgroup of its own: a cgroup limit or {@link Builder#cgroup(Path)} is set. */
    public boolean usesCgroup() {
        return memory != UNSET || memorySwap != UNSET || pids != UNSET || cpus >= 0 || cgroup != null;
    }

    /**
     * Reads a byte size as systemd and docker write it: a number with an optional binary suffix {@code K},
     * {@code M}, {@code G}, {@code T} (also {@code KiB}, {@code KB}, {@code k}: all powers of 1024), e.g.
     * {@code "256M"}, {@code "1.5G"}, {@code "65536"}.
     *
     * @param field the field to name when the text is bad ({@code "memory"})
     * @throws InvalidSpecException naming {@code field} when the text is not such a size, or not above 0
     */
    public static long parseBytes(String field, String text) {
        Objects.requireNonNull(field, "field");
        if (text == null || text.isBlank()) {
            throw new InvalidSpecException(field, "a size is needed, e.g. 256M", null);
        }
        String t = text.trim().toUpperCase(Locale.ROOT);
        int end = t.length();
        while (end > 0 && Character.isLetter(t.charAt(end - 1))) {
            end--;
        }
        String unit = t.substring(end).replace("IB", "").replace("B", "");
        int shift = switch (unit) {
            case "" -> 0;
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            default -> -1;
        };
        String number = t.substring(0, end).trim();
        if (shift < 0 || number.isEmpty() || !number.matches("[0-9]+(\\.[0-9]+)?")) {
            throw new InvalidSpecException(field, "\"" + text + "\" is not a size",
                    "write a number of bytes with an optional unit K, M, G or T (powers of 1024), e.g. 256M");
        }
        double value = Double.parseDouble(number) * (1L << shift);
        if (value >= 0x1p63) {
            throw new InvalidSpecException(field, "\"" + text + "\" is too large", null);
        }
        return (long) value;
    }

    /** A byte count as people read it: {@code "64 MiB"}, {@code "1.5 GiB"}, {@code "1000 bytes"}. */
    public static String formatBytes(long bytes) {
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
        if (bytes < 1024) {
            return bytes + " bytes";
        }
        double v = bytes;
        int i = -1;
        while (v >= 1024 && i < units.length - 1) {
            v /= 1024;
            i++;
        }
        String n = v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.1f", v);
        return n + " " + units[i];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Limits l && rlimits.equals(l.rlimits) && memory == l.memory
                && memorySwap == l.memorySwap && pids == l.pids && Double.compare(cpus, l.cpus) == 0
                && Objects.equals(cgroup, l.cgroup);
    }

    @Override
    public int hashCode() {
        return Objects.hash(rlimits, memory, memorySwap, pids, cpus, cgroup);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("Limits").append(rlimits);
        memory().ifPresent(v -> s.append(" memory=").append(formatBytes(v)));
        memorySwap().ifPresent(v -> s.append(" memorySwap=").append(formatBytes(v)));
        pids().ifPresent(v -> s.append(" pids=").append(v));
        cpus().ifPresent(v -> s.append(" cpus=").append(v));
        cgroup().ifPresent(v -> s.append(" cgroup=").append(v));
        return s.toString();
    }

    /**
     * One {@code setrlimit(2)} limit.
     *
     * @param resource the resource
     * @param soft     the soft limit, {@link Rlimit#INFINITY} for none
     * @param hard     the hard limit, at least {@code soft}
     */
    public record ResourceLimit(Rlimit resource, long soft, long hard) {
        /** Checks the values. */
        public ResourceLimit {
            Objects.requireNonNull(resource, "resource");
            String field = "rlimit " + resource;
            if (soft < -1 || hard < -1) {
                throw new InvalidSpecException(field, "limits are >= 0 or Rlimit.INFINITY", null);
            }
            if (Long.compareUnsigned(soft, hard) > 0) {
                throw new InvalidSpecException(field, "soft limit " + soft + " is above the hard limit " + hard,
                        null);
            }
        }
    }

    /** Builds {@link Limits}; every setter checks its argument and names it when it fails. */
    public static final class Builder {
        private final Map<Rlimit, ResourceLimit> rlimits = new EnumMap<>(Rlimit.class);
        private long memory = UNSET;
        private long memorySwap = UNSET;
        private long pids = UNSET;
        private double cpus = -1;
        private Path cgroup;

        private Builder() {
        }

        /**
         * Sets a resource limit (setrlimit before exec; inherited by the command's children).
         *
         * @param soft the soft limit, {@link Rlimit#INFINITY} for none
         * @param hard the hard limit, at least {@code soft}; raising it above the current one needs
         *             CAP_SYS_RESOURCE
         */
        public Builder rlimit(Rlimit resource, long soft, long hard) {
            ResourceLimit l = new ResourceLimit(resource, soft, hard);
            rlimits.put(l.resource(), l);
            return this;
        }

        /** Sets the soft and hard limit of {@code resource} to {@code limit}. */
        public Builder rlimit(Rlimit resource, long limit) {
            return rlimit(resource, limit, limit);
        }

        /**
         * Limits the memory of the whole sandbox to {@code bytes} ({@code memory.max} on cgroup v2,
         * {@code memory.limit_in_bytes} on v1; systemd's {@code MemoryMax=}, docker's {@code --memory}). Page
         * cache and tmpfs pages the sandbox touches count too, so a sandbox that fills its {@code /tmp} is
         * stopped by this limit. When the sandbox cannot reclaim enough, the kernel's OOM killer ends a process
         * in it: {@link dev.jns.Outcome.Kind#OOM_KILLED} when that was the command. Unless
         * {@link #memorySwap} says otherwise, the sandbox gets no swap. At most the limit of the cgroup it is
         * made in (checked when it starts).
         *
         * @throws InvalidSpecException ({@code limits.memory}) below {@link #MIN_MEMORY}
         */
        public Builder memory(long bytes) {
            if (bytes < MIN_MEMORY) {
                throw new InvalidSpecException("limits.memory", bytes + " bytes is below the smallest limit, "
                        + formatBytes(MIN_MEMORY), "give a positive size of at least 1 MiB, e.g. 256L << 20");
            }
            memory = bytes;
            return this;
        }

        /**
         * Lets the sandbox use {@code bytes} of swap ({@code memory.swap.max}; systemd's
         * {@code MemorySwapMax=}; on cgroup v1 {@code memory.memsw.limit_in_bytes} is set to memory + swap).
         * 0 means no swap, which is also what a {@link #memory} limit alone gives. Needs {@link #memory}.
         *
         * @throws InvalidSpecException ({@code limits.memorySwap}) when negative
         */
        public Builder memorySwap(long bytes) {
            if (bytes < 0) {
                throw new InvalidSpecException("limits.memorySwap", "swap of " + bytes + " bytes is negative",
                        "give 0 (no swap) or more");
            }
            memorySwap = bytes;
            return this;
        }

        /**
         * Limits the processes and threads the sandbox may have at once ({@code pids.max}; systemd's
         * {@code TasksMax=}, docker's {@code --pids-limit}). A fork beyond it fails with EAGAIN, so a fork bomb
         * is held there; the sandbox still ends cleanly. With a new pid namespace jns's init counts as one.
         *
         * @throws InvalidSpecException ({@code limits.pids}) when below 1
         */
        public Builder pids(long n) {
            if (n < 1) {
                throw new InvalidSpecException("limits.pids", n + " processes: at least 1 is needed", null);
            }
            pids = n;
            return this;
        }

        /**
         * Limits the sandbox to {@code cpus} CPUs' worth of time ({@code cpu.max "150000 100000"} for 1.5: a
         * CFS quota per 100 ms period; docker's {@code --cpus}, systemd's {@code CPUQuota=150%}). A busy sandbox
         * with {@code cpus(0.5)} gets about half of one CPU. At most the CPUs this host has online.
         *
         * @throws InvalidSpecException ({@code limits.cpus}) when not a number, below {@link #MIN_CPUS}, or
         *                              above 1,000,000
         */
        public Builder cpus(double cpus) {
            if (!(cpus >= MIN_CPUS) || cpus > 1_000_000) {
                throw new InvalidSpecException("limits.cpus", cpus + " CPUs is out of range",
                        "give at least " + MIN_CPUS + " (1 ms per 100 ms period), e.g. 0.5 or 1.5");
            }
            this.cpus = cpus;
            return this;
        }

        /**
         * Makes the sandbox's cgroup below {@code dir}, a cgroup the caller manages (delegated to it), instead
         * of below the JVM's own cgroup. jns only creates its own child there ({@code jns-...}), writes that
         * child's files and removes it when the sandbox ends: it never writes the files of {@code dir} itself.
         * So the limits the caller set on {@code dir} hold for the sandbox as well, and the cgroup limits of
         * this value apply on top, per sandbox. Without root this is how cgroup limits work on a host where the
         * JVM's cgroup is not delegated: e.g. a directory of {@code systemd-run --user -p Delegate=yes}'s
         * scope, without processes of its own, whose {@code cgroup.subtree_control} enables the controllers.
         *
         * <p>This lives on {@code Limits}, not on {@code Spawn}, because it only says where the cgroup limits
         * apply: it is part of the same value, and {@code Spawn} stays at ProcessBuilder's size.
         *
         * @param dir an absolute directory of a cgroup file system ({@code /sys/fs/cgroup/...}); a cgroup v2
         *            directory, or on a v1 host a directory of one controller's hierarchy (e.g.
         *            {@code /sys/fs/cgroup/memory/ci}), which then replaces the JVM's cgroup for that
         *            hierarchy only
         * @throws InvalidSpecException ({@code limits.cgroup}) when not absolute
         */
        public Builder cgroup(Path dir) {
            Objects.requireNonNull(dir, "dir");
            if (!dir.isAbsolute()) {
                throw new InvalidSpecException("limits.cgroup", dir + " is not an absolute path",
                        "give the cgroup's directory, e.g. /sys/fs/cgroup/user.slice/.../jns.scope");
            }
            cgroup = dir.normalize();
            return this;
        }

        /**
         * The value.
         *
         * @throws InvalidSpecException ({@code limits.memorySwap}) for a swap limit without a memory limit
         */
        public Limits build() {
            if (memorySwap != UNSET && memory == UNSET) {
                throw new InvalidSpecException("limits.memorySwap", "a swap limit needs a memory limit",
                        "set memory(bytes) too");
            }
            return new Limits(this);
        }
    }
}
