package dev.jns.sandbox;

/**
 * Mount propagation applied recursively to {@code /} in a new mount namespace, as
 * {@code unshare --propagation}. {@link #PRIVATE} is the default, as in util-linux since 2.27, so that
 * mounts made inside never show outside.
 */
public enum Propagation {
    /** {@code MS_REC|MS_PRIVATE}: no events in either direction. */
    PRIVATE,
    /** {@code MS_REC|MS_SLAVE}: mounts from outside show inside, not the other way round. */
    SLAVE,
    /** {@code MS_REC|MS_SHARED}: events in both directions. */
    SHARED,
    /** Leave the copied mounts' propagation as it is (shared mounts stay shared!). */
    UNCHANGED
}
