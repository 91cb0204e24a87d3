package dev.jns.sandbox;

import java.util.Arrays;
import java.util.Objects;

/**
 * One entry of a {@link MountPlan}: what the launcher does, in order, in the sandbox's new mount namespace.
 * Paths are absolute; with a root switch ({@link MountPlan#root}, {@link MountPlan#emptyRoot}) destinations are in
 * the new root and sources in the caller's file system.
 *
 * @param kind        what to do
 * @param source      the source path (binds), the link target ({@link Kind#SYMLINK}), a lower layer
 *                    ({@link Kind#OVERLAY_SRC}), the upper directory ({@link Kind#OVERLAY}), the file descriptor
 *                    in decimal ({@link Kind#BIND_FD}, {@link Kind#RO_BIND_FD}), else ""
 * @param destination where, absolute
 * @param mode        permission bits of a created tmpfs root, directory or file (0..07777)
 * @param size        size limit of a tmpfs in bytes, 0 for the kernel's default (half the RAM)
 * @param content     the content of a {@link Kind#FILE}, {@link Kind#RO_FILE} or {@link Kind#BIND_DATA}; the work
 *                    directory of an {@link Kind#OVERLAY} (UTF-8); else empty
 * @param optional    {@code *Try} variants: a missing source skips the entry, as bubblewrap's
 *                    {@code --bind-try}; for {@link Kind#BIND_DATA}, a missing destination skips it
 * @param noSymlinks  binds only: the source is resolved through no symlink at all (any component), so that
 *                    a path under a directory others can write can not be redirected; see
 *                    {@link MountPlan#strictSources()}
 * @param owner       binds: who the sandbox's root is on its files (an idmapped bind, see {@link BindOwner}), or
 *                    null for the default; null for other kinds
 */
public record Mount(Kind kind, String source, String destination, int mode, long size, byte[] content,
                    boolean optional, boolean noSymlinks, BindOwner owner) {
    /** The kinds of entries; the launcher protocol numbers them in this order, from 1. */
    public enum Kind {
        /** Bind mount, recursive, read-write, nosuid and nodev; its source may not itself be a symlink. */
        BIND("bind"),
        /** Bind mount, recursive, read-only all the way down (every submount too), nosuid and nodev. */
        RO_BIND("roBind"),
        /** Bind mount, recursive, nosuid, that keeps device nodes usable; its source may not itself be a symlink. */
        DEV_BIND("devBind"),
        /** A new tmpfs (nosuid, nodev) with a size limit and mode. */
        TMPFS("tmpfs"),
        /** A new proc (nosuid, nodev, noexec) of the sandbox's pid namespace. */
        PROC("proc"),
        /** A minimal /dev: null, zero, full, random, urandom, tty, a private devpts (pts, ptmx), shm, fd links. */
        DEV("dev"),
        /** A POSIX message queue file system (of the sandbox's ipc namespace). */
        MQUEUE("mqueue"),
        /** A directory (kept as is when it exists). */
        DIR("dir"),
        /** A symbolic link {@code destination -> source}. */
        SYMLINK("symlink"),
        /** A regular file with the given content. */
        FILE("file"),
        /**
         * Remounts the mount at {@code destination} read-only, and every mount below it except those the plan
         * made itself (binds, tmpfs, proc, dev, mqueue keep what the plan gave them).
         */
        REMOUNT_READ_ONLY("remountReadOnly"),
        /**
         * A private file with the given content bound over an existing file (bubblewrap's {@code --bind-data}):
         * the file under it is never written; with {@code optional}, a missing destination skips the entry.
         */
        BIND_DATA("bindData"),
        /**
         * A lower layer of the overlay that follows (bubblewrap's {@code --overlay-src}): a run of these, lowest
         * last as in {@code lowerdir}, precedes each {@link #OVERLAY}, {@link #TMP_OVERLAY} or
         * {@link #RO_OVERLAY}, with its destination. Opened in the caller's view, as bind sources.
         */
        OVERLAY_SRC("overlaySrc"),
        /** A writable overlayfs; {@code source} is the upper directory, the content the work directory. */
        OVERLAY("overlay"),
        /** A writable overlayfs whose upper layer is a private tmpfs, thrown away with the sandbox. */
        TMP_OVERLAY("tmpOverlay"),
        /** A read-only overlayfs of the lower layers only. */
        RO_OVERLAY("roOverlay"),
        /** Changes the mode of an existing node (never through a symlink) to {@code mode}. */
        CHMOD("chmod"),
        /** As {@link #FILE}, then bound read-only onto itself (bubblewrap's {@code --ro-bind-data}). */
        RO_FILE("roFile"),
        /**
         * A bind of the object an open file descriptor of the caller names (bubblewrap's {@code --bind-fd}),
         * read-write as {@link #BIND}; {@code source} is the descriptor in decimal.
         */
        BIND_FD("bindFd"),
        /** As {@link #BIND_FD}, read-only all the way down as {@link #RO_BIND} (bubblewrap's {@code --ro-bind-fd}). */
        RO_BIND_FD("roBindFd"),
        /**
         * A read lock on an existing regular file, held until the sandbox's command ends (bubblewrap's
         * {@code --lock-file}).
         */
        LOCK_FILE("lockFile");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** The name of the builder method ({@code "roBind"}), used in messages. */
        public String label() {
            return label;
        }

        /** Whether entries of this kind take a source. */
        public boolean hasSource() {
            return this == BIND || this == RO_BIND || this == DEV_BIND || this == SYMLINK || this == OVERLAY_SRC
                    || this == OVERLAY || this == BIND_FD || this == RO_BIND_FD;
        }

        /** Whether entries of this kind bind a caller's file descriptor ({@link #BIND_FD}, {@link #RO_BIND_FD}). */
        public boolean isFdBind() {
            return this == BIND_FD || this == RO_BIND_FD;
        }

        /** Whether entries of this kind are an overlay (they follow a run of {@link #OVERLAY_SRC} entries). */
        public boolean isOverlay() {
            return this == OVERLAY || this == TMP_OVERLAY || this == RO_OVERLAY;
        }
    }

    /** An entry that resolves its source as the caller's file system does (symlinks followed, see {@link MountPlan}). */
    public Mount(Kind kind, String source, String destination, int mode, long size, byte[] content,
                 boolean optional) {
        this(kind, source, destination, mode, size, content, optional, false, null);
    }

    /** An entry with the default owner (see {@link BindOwner}). */
    public Mount(Kind kind, String source, String destination, int mode, long size, byte[] content,
                 boolean optional, boolean noSymlinks) {
        this(kind, source, destination, mode, size, content, optional, noSymlinks, null);
    }

    /** This entry with {@link #noSymlinks()} set. */
    public Mount withNoSymlinks() {
        return new Mount(kind, source, destination, mode, size, content, optional, true, owner);
    }

    /** Copies {@code content}; checks nothing else (see {@link MountPlan#validate}). */
    public Mount {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(destination, "destination");
        content = content == null ? new byte[0] : content.clone();
    }

    /** The content of a {@link Kind#FILE}, {@link Kind#RO_FILE} or {@link Kind#BIND_DATA}, or an overlay's work directory (a copy). */
    @Override
    public byte[] content() {
        return content.clone();
    }

    /** The length of {@link #content()}, without a copy. */
    public int contentLength() {
        return content.length;
    }

    /** {@code "roBind /src -> /work"}, as in error messages. */
    public String describe() {
        String name = kind.label() + (optional ? "Try" : "");
        String owned = owner == null ? "" : " (owner " + owner + ")";
        if (kind == Kind.OVERLAY) {
            return name + " upper " + source + " work " + new String(content, java.nio.charset.StandardCharsets.UTF_8)
                    + " -> " + destination + owned;
        }
        if (kind.isFdBind()) {
            return name + " fd " + source + " -> " + destination;
        }
        return kind.hasSource() ? name + " " + source + " -> " + destination + owned : name + " " + destination;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Mount m && kind == m.kind && source.equals(m.source) && destination.equals(m.destination)
                && mode == m.mode && size == m.size && Arrays.equals(content, m.content) && optional == m.optional
                && noSymlinks == m.noSymlinks && Objects.equals(owner, m.owner);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, source, destination, mode, size, Arrays.hashCode(content), optional, noSymlinks,
                owner);
    }

    @Override
    public String toString() {
        return "Mount[" + describe()
                + (kind == Kind.FILE || kind == Kind.RO_FILE || kind == Kind.BIND_DATA ? ", " + content.length + " bytes" : "")
                + "]";
    }
}
