package dev.jns.sandbox;

import dev.jns.InvalidSpecException;
import dev.jns.internal.Checks;

import java.nio.charset.StandardCharsets;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An ordered list of mounts and file-system entries for a sandbox, as bubblewrap's command line: built
 * fluently, applied in order by the launcher in the sandbox's new mount namespace (so nothing of it is ever
 * visible on the host, and nothing is left behind when the sandbox ends). Hand it to
 * {@link dev.jns.Spawn#mounts(MountPlan)}; a plan with entries or a root switch makes the spawn a <em>sandbox</em>,
 * which gets the safe defaults of {@link Security#defaults()}.
 *
 * <pre>{@code
 * MountPlan plan = new MountPlan().emptyRoot()
 *         .roBind(Path.of("/usr"), Path.of("/usr"))
 *         .bind(output, Path.of("/out"))
 *         .proc(Path.of("/proc")).dev(Path.of("/dev")).tmpfs(Path.of("/tmp"))
 *         .remountReadOnly(Path.of("/"));
 * }</pre>
 *
 * <p>Missing destinations are created (directories, or an empty file for a file bind) only inside file
 * systems the plan itself mounted (a {@link #tmpfs}, {@link #dev}, or the {@link #emptyRoot() empty
 * root}); anywhere else a missing destination is an error, so a plan never creates files on a host file
 * system. A missing source is an error unless the entry is a {@code *Try} variant.
 *
 * <p><b>Sources are what was checked.</b> Each bind source is opened once, in the caller's view of the file
 * system (its root: an absolute symlink such as {@code /etc/resolv.conf -> /run/...} resolves as it does for the
 * caller, never against the sandbox's staging root; magic links such as {@code /proc/PID/root} are never
 * followed), and the object opened is what gets bound ({@code open_tree}/{@code move_mount}): a rename or a
 * symlink swapped in after that open changes nothing. A writable bind ({@link #bind}, {@link #devBind}) and
 * the {@link #root(Path) root} refuse a source that is itself a symlink (ELOOP), so that an output directory
 * swapped for a link to {@code /etc} is never written through; name the real path ({@link Path#toRealPath})
 * when you trust the link. {@link #strictSources()} refuses symlinks anywhere on a source's path.
 *
 * <p><b>Destinations never go through a symlink</b>: they are resolved in the new root one component at a
 * time, and a symlink on the way, or at the destination itself (say one planted inside a writable bind), is
 * an error naming the entry, never a mount that lands elsewhere.
 *
 * <p>Binds are {@code nosuid} and {@code nodev} ({@link #devBind} keeps devices, never setuid); read-only binds
 * are read-only all the way down (every submount, {@code mount_setattr(AT_RECURSIVE)}); the switched root is
 * {@code nosuid,nodev}. Flags the kernel locks in a user namespace are only ever added to, never cleared.
 * Whether the command can undo a mount depends on its capabilities: see {@link Security}.
 */
public final class MountPlan {
    /** The most entries a plan may have (the launcher's limit). */
    public static final int MAX_ENTRIES = 1024;
    /** The most bytes of one {@link #file} content (the launcher's record limit, less the paths). */
    public static final int MAX_FILE_BYTES = 60 * 1024;

    private final List<Mount> entries = new ArrayList<>();
    private String root;
    private Propagation propagation = Propagation.PRIVATE;
    private boolean propagationSet;
    private boolean strictSources;

    /** An empty plan. */
    public MountPlan() {
    }

    /**
     * Makes {@code directory} (absolute, of the caller's file system) the command's root, bound recursively
     * and switched to with {@code pivot_root}; the caller's tree is detached, so nothing outside it can be
     * reached. Destinations and {@link dev.jns.Spawn#directory(Path)} are then paths in the new root; sources
     * stay paths of the caller's file system. Without a working directory the command starts in {@code /}.
     */
    public MountPlan root(Path directory) {
        Objects.requireNonNull(directory, "directory");
        Checks.checkPath("root", directory.toString());
        root = directory.toString();
        return this;
    }

    /**
     * Makes an empty tmpfs the command's root, built from this plan (as bubblewrap): only what the plan binds
     * or creates is there. See {@link #root(Path)}.
     */
    public MountPlan emptyRoot() {
        root = "";
        return this;
    }

    /**
     * Sets the propagation applied to {@code /} in the new mount namespace before the plan runs
     * ({@link Propagation#PRIVATE} by default, so that no mount of the plan reaches the caller).
     */
    public MountPlan propagation(Propagation value) {
        propagation = Objects.requireNonNull(value, "value");
        propagationSet = true;
        return this;
    }

    /** The root switch: empty for none, {@code ""} for {@link #emptyRoot()}, else the directory. */
    public java.util.Optional<String> root() {
        return java.util.Optional.ofNullable(root);
    }

    /** The propagation of {@code /} in the new mount namespace. */
    public Propagation propagation() {
        return propagation;
    }

    /** Whether {@link #propagation(Propagation)} was called. */
    public boolean propagationSet() {
        return propagationSet;
    }

    /**
     * Resolves the source of every bind of this plan (those added before and after this call) through no
     * symlink at all, in any component ({@code openat2} with {@code RESOLVE_NO_SYMLINKS}): for sources under
     * directories other users can write. A source with a symlink on its path fails with ELOOP, naming the entry.
     */
    public MountPlan strictSources() {
        strictSources = true;
        return this;
    }

    /** Whether {@link #strictSources()} was called. */
    public boolean hasStrictSources() {
        return strictSources;
    }

    /** Whether the plan confines the command: it has an entry or a root switch (then the spawn is a sandbox). */
    public boolean confines() {
        return !entries.isEmpty() || root != null;
    }

    /**
     * Binds {@code source} on {@code destination}, read-write (recursive, nosuid, nodev). {@code source} must not
     * itself be a symlink (ELOOP; symlinks above it are followed as the caller's own open would).
     * In a sandbox started by root, a source that belongs to a user other than root is idmapped to that user by
     * default: see {@link BindOwner}.
     */
    public MountPlan bind(Path source, Path destination) {
        return bind(Mount.Kind.BIND, source, destination, false);
    }

    /**
     * Binds {@code source} on {@code destination}, read-write, with the sandbox's root reading and writing its
     * files as {@code owner} on the host (an idmapped mount; {@link BindOwner#none()}: no idmap).
     */
    public MountPlan bind(Path source, Path destination, BindOwner owner) {
        return add(new Mount(Mount.Kind.BIND, str(source, "source"), str(destination, "destination"), 0, 0, null,
                false, false, Objects.requireNonNull(owner, "owner")));
    }

    /** Binds {@code source} read-only, with its files seen through an idmap to {@code owner} (see {@link BindOwner}). */
    public MountPlan roBind(Path source, Path destination, BindOwner owner) {
        return add(new Mount(Mount.Kind.RO_BIND, str(source, "source"), str(destination, "destination"), 0, 0, null,
                false, false, Objects.requireNonNull(owner, "owner")));
    }

    /** As {@link #bind}, skipped when {@code source} does not exist. */
    public MountPlan bindTry(Path source, Path destination) {
        return bind(Mount.Kind.BIND, source, destination, true);
    }

    /** Binds {@code source} on {@code destination} read-only all the way down (recursive, nosuid, nodev). */
    public MountPlan roBind(Path source, Path destination) {
        return bind(Mount.Kind.RO_BIND, source, destination, false);
    }

    /** As {@link #roBind}, skipped when {@code source} does not exist. */
    public MountPlan roBindTry(Path source, Path destination) {
        return bind(Mount.Kind.RO_BIND, source, destination, true);
    }

    /**
     * Binds {@code source} on {@code destination} with device nodes usable (recursive, nosuid: never setuid).
     * {@code source} must not itself be a symlink, as for {@link #bind}.
     */
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
    public MountPlan mkdir(Path destination, int mode) {
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
        dev.jns.internal.TextChecks.text("file content", content);
        return file(destination, content.getBytes(StandardCharsets.UTF_8), 0644);
    }

    /** A regular file at {@code destination} with {@code content} and {@code mode}. */
    public MountPlan file(Path destination, byte[] content, int mode) {
        Objects.requireNonNull(content, "content");
        return add(new Mount(Mount.Kind.FILE, "", str(destination, "destination"), mode, 0, content, false));
    }

    /**
     * A private file with {@code content} (mode 0644) bound over the existing file {@code destination}, as
     * bubblewrap's {@code --bind-data}: the command sees the content, writable by whoever may write the file
     * (root inside), and the file under it — a host file, say — is never written. The destination must exist and
     * be a regular file, not a symlink (a mount never goes where a symlink points), outside {@code /}; nothing is
     * created.
     */
    public MountPlan bindData(Path destination, String content) {
        return bindData(destination, Objects.requireNonNull(content, "content").getBytes(StandardCharsets.UTF_8),
                0644);
    }

    /** As {@link #bindData(Path, String)}, with the file's {@code mode}. */
    public MountPlan bindData(Path destination, byte[] content, int mode) {
        Objects.requireNonNull(content, "content");
        return add(new Mount(Mount.Kind.BIND_DATA, "", str(destination, "destination"), mode, 0, content, false, false));
    }

    /**
     * An {@code /etc/hosts} and {@code /etc/hostname} of the sandbox's own for a spawn with a new mount namespace
     * and {@link dev.jns.Spawn#hostname(String) hostname(name)}, as Docker writes them for a container: {@code name}
     * (and, for a dotted name, its first label) resolves to loopback — {@code 127.0.1.1} as Debian's installer
     * writes it, and {@code ::1} — and {@code localhost} keeps working, so {@code InetAddress.getLocalHost()} and
     * {@code getent hosts $(hostname)} work inside. Both are {@link #bindData} entries, each skipped when the
     * file does not exist (in the new root, with a root switch); the host's files are never written (where
     * {@code /etc/hosts} is a symlink, the spawn fails with {@code ELOOP}: bind a file of your own instead). With a new
     * net namespace holding only loopback, other names do not resolve: the resolver's query to a nameserver
     * outside fails at once ({@code connect}: {@code ENETUNREACH}), and Java throws
     * {@code UnknownHostException ... Temporary failure in name resolution}.
     *
     * @throws InvalidSpecException when {@code name} is empty or has whitespace, control characters or '#'
     */
    public MountPlan hostsFile(String name) {
        Objects.requireNonNull(name, "name");
        if (name.isEmpty() || name.chars().anyMatch(c -> c <= ' ' || c == '#' || c == 0x7f)) {
            throw new InvalidSpecException("hostsFile", "'" + name + "' cannot be written to /etc/hosts",
                    "give a hostname of letters, digits, '-' and '.'");
        }
        int dot = name.indexOf('.');
        String names = dot > 0 ? name + " " + name.substring(0, dot) : name;
        String hosts = "# written by jns for this sandbox; the host's /etc/hosts is unchanged\n"
                + "127.0.0.1\tlocalhost\n"
                + "127.0.1.1\t" + names + "\n"
                + "::1\tlocalhost ip6-localhost ip6-loopback " + names + "\n"
                + "ff02::1\tip6-allnodes\n"
                + "ff02::2\tip6-allrouters\n";
        add(new Mount(Mount.Kind.BIND_DATA, "", "/etc/hosts", 0644, 0, hosts.getBytes(StandardCharsets.UTF_8), true,
                false));
        return add(new Mount(Mount.Kind.BIND_DATA, "", "/etc/hostname", 0644, 0,
                (name + "\n").getBytes(StandardCharsets.UTF_8), true, false));
    }

    /**
     * Remounts the mount at {@code destination} read-only, and every mount below it, except the mounts this plan
     * made itself (binds, tmpfs, proc, dev, mqueue, and what lies below them keep what the plan gave them), so
     * that {@code remountReadOnly("/")} after {@code bind(out, "/out")} and {@code tmpfs("/tmp")} leaves those
     * two writable. {@code "/"} is allowed (the whole root); any other destination must be a mount point (EINVAL).
     */
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

    /**
     * Appends every entry of {@code other} (as {@link #entries()} gives them: strict when {@code other} has
     * {@link #strictSources()}), and takes its root switch and propagation when it set them.
     */
    public MountPlan addAll(MountPlan other) {
        entries.addAll(other.entries());
        if (other.root != null) {
            root = other.root;
        }
        if (other.propagationSet) {
            propagation(other.propagation);
        }
        return this;
    }

    /** A copy of this plan (a {@link dev.jns.Spawn} keeps a copy, so later changes to the plan do not reach it). */
    public MountPlan copy() {
        MountPlan c = new MountPlan().addAll(this);
        c.strictSources = strictSources;
        return c;
    }

    /** The entries, in order; with {@link #strictSources()}, every bind with {@link Mount#noSymlinks()} set. */
    public List<Mount> entries() {
        if (!strictSources) {
            return List.copyOf(entries);
        }
        List<Mount> out = new ArrayList<>(entries.size());
        for (Mount m : entries) {
            out.add(isBind(m.kind()) ? m.withNoSymlinks() : m);
        }
        return List.copyOf(out);
    }

    private static boolean isBind(Mount.Kind k) {
        return k == Mount.Kind.BIND || k == Mount.Kind.RO_BIND || k == Mount.Kind.DEV_BIND;
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
            Checks.checkPath(at + ".destination", m.destination());
            if (m.destination().equals("/") && m.kind() != Mount.Kind.REMOUNT_READ_ONLY) {
                throw new InvalidSpecException(at + ".destination", "'/' can only be remounted read-only",
                        "use MountPlan.root(..) or MountPlan.emptyRoot() to replace the root");
            }
            if (m.kind().hasSource()) {
                if (m.source().isEmpty()) {
                    throw new InvalidSpecException(at + ".source", "is empty", null);
                }
                if (m.kind() == Mount.Kind.SYMLINK) {
                    Checks.checkNoNul(at + ".target", m.source());
                } else {
                    Checks.checkPath(at + ".source", m.source());
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
            if (m.noSymlinks() && !isBind(m.kind())) {
                throw new InvalidSpecException(at + ".noSymlinks", "only a bind resolves a source", null);
            }
            if (m.kind() != Mount.Kind.FILE && m.kind() != Mount.Kind.BIND_DATA && m.content().length > 0) {
                throw new InvalidSpecException(at + ".content", "only a file or bindData takes content", null);
            }
            if (m.content().length > MAX_FILE_BYTES) {
                throw new InvalidSpecException(at + ".content", m.content().length + " bytes; at most "
                        + MAX_FILE_BYTES, "bind a file instead");
            }
            if (m.owner() != null && m.kind() != Mount.Kind.BIND && m.kind() != Mount.Kind.RO_BIND
                    && m.kind() != Mount.Kind.DEV_BIND) {
                throw new InvalidSpecException(at + ".owner", "only a bind has an owner", null);
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
        return ENTRY_FIXED_BYTES + dev.jns.internal.TextChecks.utf8Length(m.source()) + 1
                + dev.jns.internal.TextChecks.utf8Length(m.destination()) + 1 + m.content().length;
    }

    /** The bytes the entries take in the launcher's spec, record headers included. */
    public static long recordBytes(List<Mount> entries) {
        long total = 0;
        for (Mount m : entries) {
            total += dev.jns.Spawn.RECORD_HEADER_BYTES + payloadBytes(m);
        }
        return total;
    }

    @Override
    public String toString() {
        return "MountPlan" + entries;
    }
}
