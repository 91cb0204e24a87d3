package dev.jns;

/**
 * What a new user namespace's {@code /proc/PID/setgroups} says. An unprivileged process may write its own
 * gid map only after {@link #DENY}; {@code newgidmap} and root may leave it at {@link #ALLOW}.
 */
public enum SetGroups {
    /** setgroups(2) is permitted inside (once the gid map is written). */
    ALLOW,
    /** setgroups(2) is refused inside, so that nobody can drop a group that denies access. */
    DENY
}
