package dev.jns;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An ordered list of mounts and file-system entries for a sandbox, as bubblewrap's command line: built
 * fluently, applied in order by the launcher in the sandbox's new mount namespace (so nothing of it is ever
 * visible on the host, and nothing is left behind when the sandbox ends). Give it to {@link Spawn#mounts}, or
 * use the same methods on {@link Spawn} directly.
 *
 * <p>Missing destinations are created (directories, or an empty file for a file bind) only inside file
 * systems the plan itself mounted (a {@link #tmpfs}, {@link #dev}, or the {@link Spawn#emptyRoot() empty
 * root}); anywhere else a missing destination is an error, so a plan never creates files on a host file
 * system. A missing source is an error unless the entry is a {@code *Try} variant.
 *
 * <p>Read-only binds are remounted read-only at their top mount; submounts below the source keep their own
 * flags. Whether the command can undo a mount depends on its capabilities: see {@link Spawn#keepCapabilities}.
 */
public final class MountPlan {
    /** The most entries a plan may have (the launcher's limit). */
    public static final int MAX_ENTRIES = 1024;
    /** The most bytes of one {@link #file} content (the launcher's record limit, less the paths). */
    public static final int MAX_FILE_BYTES = 60 * 1024;

    private final List<Mount> entries = new ArrayList<>();

    /** An empty plan. */
    public MountPlan() {
    }

    /** Binds {@code source} on {@code destination}, read-write (recursive, nodev). */
    public MountPlan bind(Path source, Path destination) {
        return bind(Mount.Kind.BIND, source, destination, false);
    }

    /** As {@link #bind}, skipped when {@code source} does not exist. */
    public MountPlan bindTry(Path source, Path destination) {
        return bind(Mount.Kind.BIND, source, destination, true);
    }

    /** Binds {@code source} on {@code destination} read-only (recursive, nodev). */
    public MountPlan roBind(Path source, Path destination) {
        return bind(Mount.Kind.RO_BIND, source, destination, false);
    }

    /** As {@link #roBind}, skipped when {@code source} does not exist. */
    public MountPlan roBindTry(Path source, Path destination) {
        return bind(Mount.Kind.RO_BIND, source, destination, true);
    }

    /** Binds {@code source} on {@code destination} with device nodes usable. */
    public MountPlan devBind(Path source, Path destination) {
        return bind(Mount.Kind.DEV_BIND, source, destination, false);
    }

    /** As {@link #devBind}, skipped when {@code source} does not exist. */
    public MountPlan devBindTry(Path source, Path destination) {
        return bind(Mount.Kind.DEV_BIND, source, destination, true);
    }

    private MountPlan bind(Mount.Kind kind, Path source, Path destination, boolean optional) {
        return add(new Mount(kind, str(source, "source"), str(destination, "destination"), 0, 0, null, optional));
    }

    /** A new tmpfs on {@code destination}, mode 0755, default size. */
    public MountPlan tmpfs(Path destination) {
        return tmpfs(destination, 0, 0755);
    }

    /**
     * A new tmpfs on {@code destination}.
     *
     * @param sizeBytes the size limit, 0 for the kernel's default
     * @param mode      permission bits of its root, e.g. {@code 01777} for a /tmp
     */
    public MountPlan tmpfs(Path destination, long sizeBytes, int mode) {
        return add(new Mount(Mount.Kind.TMPFS, "", str(destination, "destination"), mode, sizeBytes, null, false));
    }

    /** A new proc of the sandbox's pid namespace on {@code destination} (use with a new pid namespace). */
    public MountPlan proc(Path destination) {
        return simple(Mount.Kind.PROC, destination, 0);
    }

    /** A minimal /dev on {@code destination}: null, zero, full, random, urandom, tty, pts, ptmx, shm, fd. */
    public MountPlan dev(Path destination) {
        return simple(Mount.Kind.DEV, destination, 0);
    }

    /** A POSIX message queue file system on {@code destination} (use with a new ipc namespace). */
    public MountPlan mqueue(Path destination) {
        return simple(Mount.Kind.MQUEUE, destination, 0);
    }

    /** A directory with {@code mode}, parents as needed (an existing directory is kept as is). */
    public MountPlan dir(Path destination, int mode) {
        return simple(Mount.Kind.DIR, destination, mode);
    }

    /** A symbolic link at {@code destination} pointing to {@code target} (kept when it already is one). */
    public MountPlan symlink(String target, Path destination) {
        Objects.requireNonNull(target, "target");
        return add(new Mount(Mount.Kind.SYMLINK, target, str(destination, "destination"), 0, 0, null, false));
    }

    /** A regular file at {@code destination} with {@code content} and mode 0644. */
    public MountPlan file(Path destination, String content) {
        Objects.requireNonNull(content, "content");
        dev.jns.spi.TextChecks.text("file content", content);
        return file(destination, content.getBytes(StandardCharsets.UTF_8), 0644);
    }

    /** A regular file at {@code destination} with {@code content} and {@code mode}. */
    public MountPlan file(Path destination, byte[] content, int mode) {
        Objects.requireNonNull(content, "content");
        return add(new Mount(Mount.Kind.FILE, "", str(destination, "destination"), mode, 0, content, false));
    }

    /** Remounts the mount at {@code destination} read-only ({@code "/"} is allowed: the whole root). */
    public MountPlan remountReadOnly(Path destination) {
        return simple(Mount.Kind.REMOUNT_READ_ONLY, destination, 0);
    }

    private MountPlan simple(Mount.Kind kind, Path destination, int mode) {
        return add(new Mount(kind, "", str(destination, "destination"), mode, 0, null, false));
    }

    /** Appends an entry as is (checked by {@link #validate}). */
    public MountPlan add(Mount entry) {
        entries.add(Objects.requireNonNull(entry, "entry"));
        return this;
    }

    /** Appends every entry of {@code other}. */
    public MountPlan addAll(MountPlan other) {
        entries.addAll(other.entries);
        return this;
    }

    /** The entries, in order. */
    public List<Mount> entries() {
        return List.copyOf(entries);
    }

    /** Whether the plan has no entry. */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    private static String str(Path p, String field) {
        return Objects.requireNonNull(p, field).toString();
    }

    /**
     * Checks every entry: absolute paths without {@code .} or {@code ..} components (a destination can then
     * never lie outside the root), no NUL bytes, modes within 07777, sizes not negative, file contents within
     * {@link #MAX_FILE_BYTES}, and {@code /} as a destination only for {@link #remountReadOnly}.
     *
     * @throws InvalidSpecException naming the entry ({@code "mounts[3].destination"}) and what is wrong
     */
    public static void validate(List<Mount> entries) {
        if (entries.size() > MAX_ENTRIES) {
            throw new InvalidSpecException("mounts", entries.size() + " entries; at most " + MAX_ENTRIES, null);
        }
        for (int i = 0; i < entries.size(); i++) {
            Mount m = entries.get(i);
            String at = "mounts[" + i + "] (" + m.describe() + ")";
            checkPath(at + ".destination", m.destination());
            if (m.destination().equals("/") && m.kind() != Mount.Kind.REMOUNT_READ_ONLY) {
                throw new InvalidSpecException(at + ".destination", "'/' can only be remounted read-only",
                        "use Spawn.root(..) or Spawn.emptyRoot() to replace the root");
            }
            if (m.kind().hasSource()) {
                if (m.source().isEmpty()) {
                    throw new InvalidSpecException(at + ".source", "is empty", null);
                }
                if (m.kind() == Mount.Kind.SYMLINK) {
                    Spawn.checkNoNul(at + ".target", m.source());
                } else {
                    checkPath(at + ".source", m.source());
                }
            } else if (!m.source().isEmpty()) {
                throw new InvalidSpecException(at + ".source", "a " + m.kind().label() + " takes no source", null);
            }
            if (m.mode() < 0 || m.mode() > 07777) {
                throw new InvalidSpecException(at + ".mode", "0" + Integer.toOctalString(m.mode())
                        + " is outside 0..07777", null);
            }
            if (m.size() < 0) {
                throw new InvalidSpecException(at + ".size", m.size() + " is negative", null);
            }
            if (m.kind() != Mount.Kind.FILE && m.content().length > 0) {
                throw new InvalidSpecException(at + ".content", "only a file takes content", null);
            }
            if (m.content().length > MAX_FILE_BYTES) {
                throw new InvalidSpecException(at + ".content", m.content().length + " bytes; at most "
                        + MAX_FILE_BYTES, "bind a file instead");
            }
            if (payloadBytes(m) > MAX_RECORD_PAYLOAD) {
                throw new InvalidSpecException(at, "paths and content take " + payloadBytes(m) + " bytes in the "
                        + "launcher's record; at most " + MAX_RECORD_PAYLOAD, "bind a file instead");
            }
        }
    }

    /** The fixed part of a mount entry's launcher record: op, flags, mode, reserved, size. */
    private static final int ENTRY_FIXED_BYTES = 24;
    /** The launcher's largest record payload. */
    private static final int MAX_RECORD_PAYLOAD = 64 * 1024;

    /** The payload bytes of an entry's launcher record: fixed fields, source, NUL, destination, NUL, content. */
    static int payloadBytes(Mount m) {
        return ENTRY_FIXED_BYTES + dev.jns.spi.TextChecks.utf8Length(m.source()) + 1
                + dev.jns.spi.TextChecks.utf8Length(m.destination()) + 1 + m.content().length;
    }

    /** The bytes the entries take in the launcher's spec, record headers included. */
    public static long recordBytes(List<Mount> entries) {
        long total = 0;
        for (Mount m : entries) {
            total += Spawn.RECORD_HEADER_BYTES + payloadBytes(m);
        }
        return total;
    }

    /** An absolute path without '.', '..' or empty components (a trailing '/' is allowed), no NUL, < 4096 bytes. */
    static void checkPath(String field, String path) {
        Spawn.checkNoNul(field, path);
        if (!path.startsWith("/")) {
            throw new InvalidSpecException(field, "'" + path + "' is not an absolute path", "start it with '/'");
        }
        if (path.getBytes(StandardCharsets.UTF_8).length >= 4000) {
            throw new InvalidSpecException(field, "is longer than 4000 bytes", null);
        }
        String[] parts = path.substring(1).split("/", -1);
        for (int k = 0; k < parts.length; k++) {
            String c = parts[k];
            if (c.equals("..") || c.equals(".") || (c.isEmpty() && k < parts.length - 1)) {
                throw new InvalidSpecException(field, "'" + path + "' has a '" + c + "' component",
                        "give a normalized absolute path (no '.', '..' or '//')");
            }
        }
    }

    @Override
    public String toString() {
        return "MountPlan" + entries;
    }
}
