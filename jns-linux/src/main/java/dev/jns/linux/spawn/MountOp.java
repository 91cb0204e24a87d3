package dev.jns.linux.spawn;

import dev.jns.sandbox.Mount;

/**
 * The MOUNT record's operation codes: the twin of {@code enum mount_op} in {@code src/main/c/spec.h} (same names
 * without {@code MOUNT_}, same codes, checked by {@code ProtocolTablesTest}), and the one place that maps the
 * public {@link Mount.Kind} to them.
 */
public enum MountOp {
    BIND(1),
    RO_BIND(2),
    DEV_BIND(3),
    TMPFS(4),
    PROC(5),
    DEV(6),
    MQUEUE(7),
    DIR(8),
    SYMLINK(9),
    FILE(10),
    REMOUNT_RO(11),
    BIND_DATA(12),
    OVERLAY_SRC(13),
    OVERLAY(14),
    TMP_OVERLAY(15),
    RO_OVERLAY(16),
    CHMOD(17),
    LOCK_FILE(18);

    private final int code;

    MountOp(int code) {
        this.code = code;
    }

    /** The code in the protocol. */
    public int code() {
        return code;
    }

    /** The operation of a mount plan entry's kind. */
    public static MountOp of(Mount.Kind kind) {
        return switch (kind) {
            case BIND, BIND_FD -> BIND;
            case RO_BIND, RO_BIND_FD -> RO_BIND;
            case DEV_BIND -> DEV_BIND;
            case TMPFS -> TMPFS;
            case PROC -> PROC;
            case DEV -> DEV;
            case MQUEUE -> MQUEUE;
            case DIR -> DIR;
            case SYMLINK -> SYMLINK;
            case FILE, RO_FILE -> FILE;
            case REMOUNT_READ_ONLY -> REMOUNT_RO;
            case BIND_DATA -> BIND_DATA;
            case OVERLAY_SRC -> OVERLAY_SRC;
            case OVERLAY -> OVERLAY;
            case TMP_OVERLAY -> TMP_OVERLAY;
            case RO_OVERLAY -> RO_OVERLAY;
            case CHMOD -> CHMOD;
            case LOCK_FILE -> LOCK_FILE;
        };
    }
}
