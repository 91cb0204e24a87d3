package dev.jns.sandbox;

import dev.jns.InvalidSpecException;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Resource limits of a spawned command, as an immutable value built with {@link #builder()} and handed to
 * {@link dev.jns.Spawn#limits}. Today: {@code setrlimit(2)} limits, set before exec and inherited by the
 * command's children. {@link #none()} is the default.
 *
 * <pre>{@code
 * Limits limits = Limits.builder().rlimit(Rlimit.NOFILE, 256).rlimit(Rlimit.FSIZE, 1L << 30).build();
 * }</pre>
 */
public final class Limits {
    private static final Limits NONE = new Builder().build();

    private final List<ResourceLimit> rlimits;

    private Limits(Builder b) {
        rlimits = List.copyOf(new ArrayList<>(b.rlimits.values()));
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
        return b;
    }

    /** The rlimits, in {@link Rlimit} order. */
    public List<ResourceLimit> rlimits() {
        return rlimits;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Limits l && rlimits.equals(l.rlimits);
    }

    @Override
    public int hashCode() {
        return rlimits.hashCode();
    }

    @Override
    public String toString() {
        return "Limits" + rlimits;
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

        /** The value. */
        public Limits build() {
            return new Limits(this);
        }
    }
}
