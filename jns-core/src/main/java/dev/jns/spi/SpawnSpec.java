package dev.jns.spi;

import dev.jns.Capability;
import dev.jns.IdMap;
import dev.jns.Mount;
import dev.jns.NamespaceType;
import dev.jns.NsHandle;
import dev.jns.Propagation;
import dev.jns.Rlimit;
import dev.jns.SetGroups;

import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A validated, immutable description of one spawn, made by {@link dev.jns.Spawn} for a
 * {@link NamespaceProvider}. Implied options are already resolved ({@code mountProc} implies a new mount
 * namespace, a mapping implies a new user namespace, time offsets a new time namespace).
 *
 * @param command             program and arguments, at least one element
 * @param newNamespaces       the namespaces to create
 * @param joins               namespaces to join, at most one per type, none of a type in {@code newNamespaces}
 * @param userMapping         how ids are mapped in a new user namespace
 * @param uidMap              the uid map for {@link UserMapping#EXPLICIT}, else empty
 * @param gidMap              the gid map for {@link UserMapping#EXPLICIT} (may be empty), else empty
 * @param setGroups           what to write to {@code setgroups}, null for the implementation's default
 * @param hostname            hostname to set in the new or joined uts namespace, or null
 * @param domainname          NIS domain name to set, or null
 * @param mountProc           mount a new proc on /proc inside
 * @param propagation         propagation applied to / in a new mount namespace
 * @param monotonicOffset     CLOCK_MONOTONIC offset of a new time namespace (zero: none)
 * @param boottimeOffset      CLOCK_BOOTTIME offset of a new time namespace (zero: none)
 * @param directory           absolute working directory of the command, or null for the JVM's
 * @param environment         the command's whole environment
 * @param stdin               where stdin comes from
 * @param stdout              where stdout goes
 * @param stderr              where stderr goes
 * @param redirectErrorStream stderr goes where stdout goes
 * @param runAsUid            uid to switch to before anything else (root callers only), or -1
 * @param runAsGid            gid to switch to, or -1
 * @param sandbox             mount plan, root switch and hardening ({@link Sandbox#DEFAULT} when none was asked)
 */
public record SpawnSpec(List<String> command, Set<NamespaceType> newNamespaces, List<NsHandle> joins,
                        UserMapping userMapping, List<IdMap> uidMap, List<IdMap> gidMap, SetGroups setGroups,
                        String hostname, String domainname, boolean mountProc, Propagation propagation,
                        Duration monotonicOffset, Duration boottimeOffset, Path directory,
                        Map<String, String> environment, Redirect stdin, Redirect stdout, Redirect stderr,
                        boolean redirectErrorStream, long runAsUid, long runAsGid, Sandbox sandbox) {

    /** As the canonical constructor, with {@link Sandbox#DEFAULT}. */
    public SpawnSpec(List<String> command, Set<NamespaceType> newNamespaces, List<NsHandle> joins,
                     UserMapping userMapping, List<IdMap> uidMap, List<IdMap> gidMap, SetGroups setGroups,
                     String hostname, String domainname, boolean mountProc, Propagation propagation,
                     Duration monotonicOffset, Duration boottimeOffset, Path directory,
                     Map<String, String> environment, Redirect stdin, Redirect stdout, Redirect stderr,
                     boolean redirectErrorStream, long runAsUid, long runAsGid) {
        this(command, newNamespaces, joins, userMapping, uidMap, gidMap, setGroups, hostname, domainname, mountProc,
                propagation, monotonicOffset, boottimeOffset, directory, environment, stdin, stdout, stderr,
                redirectErrorStream, runAsUid, runAsGid, Sandbox.DEFAULT);
    }

    /** Null sandbox means {@link Sandbox#DEFAULT}. */
    public SpawnSpec {
        if (sandbox == null) {
            sandbox = Sandbox.DEFAULT;
        }
    }

    /**
     * The sandbox part of a spawn (issue 5): validated by {@link dev.jns.Spawn}.
     *
     * @param mounts         the mount plan, in order (validated: see {@link dev.jns.MountPlan#validate})
     * @param root           what becomes the root: null (none), "" (an empty tmpfs), or an absolute directory
     * @param keepCaps       capabilities to keep (all others dropped, the kept ones made ambient), or null
     * @param dropCaps       capabilities to drop (the others unchanged), or null; never both with keepCaps
     * @param rlimits        resource limits: resource, soft, hard ({@link Rlimit#INFINITY} for none)
     * @param noNewPrivileges set PR_SET_NO_NEW_PRIVS before exec
     * @param newSession     setsid() before exec
     * @param init           run an init when a new pid namespace asks for one (false: the command is PID 1)
     * @param timeout        how long the command may run from exec, or null
     * @param killGrace      how long after SIGTERM the timeout sends SIGKILL
     * @param loopback       bring {@code lo} up in a new network namespace
     * @param passFds        fds of the caller to give the command: target fd in the command → the caller's fd
     */
    public record Sandbox(List<Mount> mounts, String root, Set<Capability> keepCaps, Set<Capability> dropCaps,
                          List<Limit> rlimits, boolean noNewPrivileges, boolean newSession, boolean init,
                          Duration timeout, Duration killGrace, boolean loopback, Map<Integer, Integer> passFds) {
        /** Nothing asked: no plan, no root, capabilities as the namespaces give them, no_new_privs, an init, lo up. */
        public static final Sandbox DEFAULT = new Sandbox(List.of(), null, null, null, List.of(), true, false, true,
                null, Duration.ofSeconds(2), true, Map.of());

        /** Copies the lists. */
        public Sandbox {
            mounts = List.copyOf(mounts);
            rlimits = List.copyOf(rlimits);
            keepCaps = keepCaps == null ? null : Set.copyOf(keepCaps);
            dropCaps = dropCaps == null ? null : Set.copyOf(dropCaps);
            passFds = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(passFds));
        }

        /** Whether this is a sandbox in bubblewrap's sense: a mount plan or a root switch. */
        public boolean confines() {
            return !mounts.isEmpty() || root != null;
        }
    }

    /** One resource limit. */
    public record Limit(Rlimit resource, long soft, long hard) {
    }

    /** How ids are mapped in a new user namespace. */
    public enum UserMapping {
        /** No map was asked for; the implementation maps the caller's own ids when it must add a user namespace. */
        NONE,
        /** The caller's uid and gid are 0 inside ({@code unshare -r}). */
        ROOT,
        /** The caller's uid and gid are the same inside ({@code unshare --map-current-user}). */
        CURRENT,
        /** {@code uidMap} and {@code gidMap} as given. */
        EXPLICIT
    }

    /** Whether a namespace of {@code type} is created or joined. */
    public boolean touches(NamespaceType type) {
        return newNamespaces.contains(type) || joins.stream().anyMatch(h -> h.type() == type);
    }

    /** A short description for error messages: {@code "spawn [user, pid] of 'ps -e'"}. */
    public String describe() {
        StringBuilder sb = new StringBuilder("spawn ");
        sb.append(newNamespaces.stream().map(NamespaceType::procName).toList());
        if (!joins.isEmpty()) {
            sb.append(" joining ").append(joins);
        }
        String cmd = String.join(" ", command);
        if (cmd.length() > 80) {
            cmd = cmd.substring(0, 77) + "...";
        }
        return sb.append(" of '").append(cmd).append('\'').toString();
    }
}
