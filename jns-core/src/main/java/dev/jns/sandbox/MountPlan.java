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
 *
 * <p><b>Overlays and files.</b> {@link #overlay}, {@link #tmpOverlay} and {@link #roOverlay} put an overlayfs
 * over read-only layers (a throw-away writable copy of a source tree is {@code tmpOverlay(List.of(src), dst)});
 * {@link #file}, {@link #roFile} and {@link #bindData} put bytes from Java at a path, at most
 * {@link #MAX_FILE_BYTES} each (contents over {@link #INLINE_FILE_BYTES} reach the launcher in a sealed memfd,
 * never a host file); {@link #chmod} sets a mode after the entries before it.
 *
 * <p><b>Modes of what the plan creates.</b> Each entry that takes a mode ({@link #mkdir}, {@link #file},
 * {@link #roFile}, {@link #tmpfs(Path, long, int)}) gives it to what it creates. The directories it creates above
 * its destination are 0755, less the group's bits when the entry's mode gives the group none and less the
 * others' bits when it gives them none, as bubblewrap derives them from {@code --perms}: {@code mkdir(/a/b/c,
 * 0700)} in an empty root makes {@code /a} and {@code /a/b} 0700 too, {@code file(/etc/x, data, 0640)} makes
 * {@code /etc} 0750. Binds and the other entries create parents 0755; {@link #chmod} sets any other mode. A
 * {@link #tmpfs(Path)} is 0755 with the kernel's default size (half the RAM).
 *
 * <p><b>Open descriptors and locks.</b> {@link #bindFd} and {@link #roBindFd} bind what a descriptor the caller
 * already opened names; {@link #lockFile} holds a lock on a file of the sandbox while it runs.
 */
public final class MountPlan {
    /** The most entries a plan may have (the launcher's limit). */
    public static final int MAX_ENTRIES = 1024;
    /**
     * The most bytes of one {@link #file}, {@link #roFile} or {@link #bindData} content: 64 MiB. A larger file
     * belongs on a file system: bind it.
     */
    public static final int MAX_FILE_BYTES = 64 << 20;
    /**
     * Contents up to this many bytes travel inside the launcher's spec; larger ones are written to one sealed
     * memfd per spawn ({@code F_SEAL_WRITE}, {@code F_SEAL_SHRINK}), which the launcher copies from and closes
     * before the command runs.
     */
    public static final int INLINE_FILE_BYTES = 4096;
    /** The most {@link #bindFd} and {@link #roBindFd} entries of one plan. */
    public static final int MAX_FD_BINDS = 16;

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

    /**
     * A new tmpfs on {@code destination}, mode 0755, the kernel's default size (half the RAM, counted against
     * the memory of whoever writes to it), nosuid and nodev.
     */
    public MountPlan tmpfs(Path destination) {
        return tmpfs(destination, 0, 0755);
    }

    /**
     * A new tmpfs on {@code destination}.
     *
     * @param sizeBytes the size limit, 0 for the kernel's default (half the RAM)
     * @param mode      permission bits of its root, e.g. {@code 01777} for a /tmp (0755 in {@link #tmpfs(Path)})
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

    /**
     * A directory with {@code mode}, parents as needed (an existing directory is kept as is, as bubblewrap's
     * {@code --dir}: change it with {@link #chmod}). The parents it creates are 0755 less the group's and the
     * others' bits that {@code mode} lacks (see the class comment): {@code mkdir(/a/b, 0700)} makes {@code /a}
     * 0700, {@code mkdir(/a/b, 0750)} makes it 0750, {@code mkdir(/a/b, 01777)} makes it 0755.
     */
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

    /**
     * A regular file at {@code destination} with {@code content} and {@code mode} (bubblewrap's {@code --file},
     * without a host file): at most {@link #MAX_FILE_BYTES} (a larger one is an {@link InvalidSpecException}
     * naming the entry: bind a file instead). The directories it creates above are 0755 less the group's and
     * others' bits that {@code mode} lacks.
     */
    public MountPlan file(Path destination, byte[] content, int mode) {
        Objects.requireNonNull(content, "content");
        return add(new Mount(Mount.Kind.FILE, "", str(destination, "destination"), mode, 0, content, false));
    }

    /**
     * As {@link #file(Path, byte[], int)}, then bound read-only onto itself (bubblewrap's {@code --ro-bind-data}):
     * the command, even as root in the sandbox, can not write it while the mount stays; a command that keeps
     * {@code CAP_SYS_ADMIN} could unmount it (see {@link Security}).
     */
    public MountPlan roFile(Path destination, byte[] content, int mode) {
        Objects.requireNonNull(content, "content");
        return add(new Mount(Mount.Kind.RO_FILE, "", str(destination, "destination"), mode, 0, content, false));
    }

    /**
     * Sets the mode of the existing {@code destination} (never through a symlink) to {@code mode}, after the
     * entries before it (bubblewrap's {@code --chmod}): e.g. a parent a plan created, or an existing directory
     * that {@link #mkdir} keeps as it is.
     */
    public MountPlan chmod(Path destination, int mode) {
        return simple(Mount.Kind.CHMOD, destination, mode);
    }

    /**
     * Binds the object that the caller's open file descriptor {@code fd} names on {@code destination},
     * read-write (bubblewrap's {@code --bind-fd}): a directory or file the caller opened (with {@code O_PATH}, say,
     * through jnr-ffi, JNA or the FFM API, or received over a socket), so that what is bound is the object checked
     * when it was opened, not whatever its path names later. jns does not take the descriptor over: it must stay
     * open until {@link dev.jns.Spawn#start} returns, and the caller closes it after. The launcher finds the object
     * again in the sandbox's copy of the caller's mounts by the path the kernel gives for the descriptor, through
     * no symlink, and binds it only when it is the same object (device and inode, as bubblewrap checks), else the
     * spawn fails with {@code ESTALE} naming the entry; an object no path reaches (deleted, a pipe, a memfd) fails
     * with {@code ENOENT}. Recursive, nosuid and nodev as {@link #bind}; never idmapped (in a root caller's
     * sandbox, which runs as unprivileged ids, the object must be writable by those to be written). At most
     * {@link #MAX_FD_BINDS} per plan.
     *
     * <p>The descriptor is an {@code int}, as bubblewrap takes it, because that is what a Java caller holding a
     * raw descriptor has; a {@code FileChannel} or {@code FileDescriptor} does not expose its number without
     * reaching into the JDK's internals.
     *
     * @throws InvalidSpecException when {@code fd} is negative (at {@link dev.jns.Spawn#start}: when it is not open)
     */
    public MountPlan bindFd(int fd, Path destination) {
        return fdBind(Mount.Kind.BIND_FD, fd, destination);
    }

    /** As {@link #bindFd}, read-only all the way down (bubblewrap's {@code --ro-bind-fd}). */
    public MountPlan roBindFd(int fd, Path destination) {
        return fdBind(Mount.Kind.RO_BIND_FD, fd, destination);
    }

    private MountPlan fdBind(Mount.Kind kind, int fd, Path destination) {
        if (fd < 0) {
            throw new InvalidSpecException(kind.label() + " fd", fd + " is not a file descriptor", null);
        }
        return add(new Mount(kind, Integer.toString(fd), str(destination, "destination"), 0, 0, null, false));
    }

    /**
     * Holds a read lock on the existing regular file {@code file} of the sandbox (as the plan has built it so far,
     * found as destinations are: never through a symlink) from this point of the plan until the sandbox's command
     * ends, as bubblewrap's {@code --lock-file}: outside tools see a sandbox using the file, and a writer can wait
     * for its end. The lock is an open file description lock ({@code F_OFD_SETLK}, {@code F_RDLCK}, the whole
     * file) that the sandbox's init holds (a spawn with a lock file always has an init: {@code init(false)} is an
     * {@link InvalidSpecException}); the command never gets the descriptor. {@code fcntl(F_GETLK)} or
     * {@code F_OFD_GETLK} asking for a write lock reports it, as does {@code FileChannel.tryLock()} (null while the
     * sandbox runs); {@code flock(2)} locks are a separate kind and do not see it. When another process holds a
     * write lock on the file, the spawn fails with {@code EAGAIN} naming the entry.
     */
    public MountPlan lockFile(Path file) {
        return simple(Mount.Kind.LOCK_FILE, file, 0);
    }

    /** Whether the plan has a {@link #lockFile} (the spawn then needs an init). */
    public boolean hasLockFile() {
        return entries.stream().anyMatch(m -> m.kind() == Mount.Kind.LOCK_FILE);
    }

    /**
     * A writable overlayfs on {@code destination} (bubblewrap's {@code --overlay-src ... --overlay}): the
     * {@code lowers} (first is the top-most, as overlayfs's {@code lowerdir}) read-only, the changes written to
     * {@code upper} on the caller's file system, so they are there for the caller after the run (files, and
     * whiteouts for deletions, as overlayfs keeps them). {@code work} must be an empty directory on the same file
     * system as {@code upper}. Layers, upper and work are opened once in the caller's view, as bind sources
     * ({@code upper} and {@code work} never through a symlink at their end), and the layers are handed to the
     * kernel by fd ({@code fsconfig lowerdir+}, Linux 6.8 or later). In a user namespace overlayfs needs
     * Linux 5.11 or later, and writes its metadata as {@code user.overlay.*} extended attributes. The overlay is
     * nosuid and nodev. A change to a lower file is a copy-up, which overlayfs refuses ({@code EOVERFLOW}) for a
     * file whose owner the sandbox's user namespace does not map: in a root caller's sandbox, which runs as
     * unprivileged host ids (see {@link Security}), give the layers to those ids.
     */
    public MountPlan overlay(List<Path> lowers, Path upper, Path work, Path destination) {
        lowers(lowers, destination);
        String w = str(work, "work");
        return add(new Mount(Mount.Kind.OVERLAY, str(upper, "upper"), str(destination, "destination"), 0, 0,
                w.getBytes(StandardCharsets.UTF_8), false));
    }

    /**
     * A writable overlayfs on {@code destination} whose changes go to a private tmpfs, thrown away when the
     * sandbox ends (bubblewrap's {@code --tmp-overlay}): the natural way to let a build step write into a
     * source tree without changing it. See {@link #overlay} for the layers.
     */
    public MountPlan tmpOverlay(List<Path> lowers, Path destination) {
        lowers(lowers, destination);
        return simple(Mount.Kind.TMP_OVERLAY, destination, 0);
    }

    /** A read-only overlayfs of {@code lowers} on {@code destination} (bubblewrap's {@code --ro-overlay}). */
    public MountPlan roOverlay(List<Path> lowers, Path destination) {
        lowers(lowers, destination);
        return simple(Mount.Kind.RO_OVERLAY, destination, 0);
    }

    /** The most lower layers of one overlay (the launcher's limit). */
    public static final int MAX_OVERLAY_LOWERS = 128;

    private void lowers(List<Path> lowers, Path destination) {
        Objects.requireNonNull(lowers, "lowers");
        String dst = str(destination, "destination");
        for (Path p : lowers) {
            add(new Mount(Mount.Kind.OVERLAY_SRC, str(p, "lowers[]"), dst, 0, 0, null, false));
        }
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
        return k == Mount.Kind.BIND || k == Mount.Kind.RO_BIND || k == Mount.Kind.DEV_BIND
                || k == Mount.Kind.OVERLAY_SRC || k == Mount.Kind.OVERLAY;
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
     * {@link #MAX_FILE_BYTES}, descriptors of fd binds not negative and at most {@link #MAX_FD_BINDS} of them,
     * and {@code /} as a destination only for {@link #remountReadOnly}.
     *
     * @throws InvalidSpecException naming the entry ({@code "mounts[3].destination"}) and what is wrong
     */
    public static void validate(List<Mount> entries) {
        if (entries.size() > MAX_ENTRIES) {
            throw new InvalidSpecException("mounts", entries.size() + " entries; at most " + MAX_ENTRIES, null);
        }
        int fdBinds = 0;
        for (int i = 0; i < entries.size(); i++) {
            Mount m = entries.get(i);
            String at = "mounts[" + i + "] (" + m.describe() + ")";
            if (m.kind().isFdBind() && ++fdBinds > MAX_FD_BINDS) {
                throw new InvalidSpecException(at, "more than " + MAX_FD_BINDS + " binds from descriptors", null);
            }
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
                } else if (m.kind().isFdBind()) {
                    checkFd(at + ".fd", m.source());
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
            boolean hasContent = m.kind() == Mount.Kind.FILE || m.kind() == Mount.Kind.RO_FILE
                    || m.kind() == Mount.Kind.BIND_DATA;
            if (!hasContent && m.kind() != Mount.Kind.OVERLAY && m.contentLength() > 0) {
                throw new InvalidSpecException(at + ".content", "only a file, roFile or bindData takes content", null);
            }
            if (m.kind() == Mount.Kind.OVERLAY) {
                Checks.checkPath(at + ".work", new String(m.content(), StandardCharsets.UTF_8));
            }
            checkOverlay(entries, i, at);
            if (m.contentLength() > MAX_FILE_BYTES) {
                throw new InvalidSpecException(at + ".content", m.contentLength() + " bytes; at most "
                        + MAX_FILE_BYTES + " (64 MiB)", "write the file to disk and bind it instead");
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

    private static void checkFd(String field, String fd) {
        int n;
        try {
            n = Integer.parseInt(fd);
        } catch (NumberFormatException e) {
            n = -1;
        }
        if (n < 0 || !fd.equals(Integer.toString(n))) {
            throw new InvalidSpecException(field, "'" + fd + "' is not a file descriptor number",
                    "use MountPlan.bindFd or roBindFd");
        }
    }

    /** Whether an entry's content goes to the launcher in its spec record (else in the plan's memfd). */
    public static boolean inlineContent(Mount m) {
        return m.contentLength() <= INLINE_FILE_BYTES || m.kind() == Mount.Kind.OVERLAY;
    }

    /** Layers come in a run right before their overlay, with its destination; an overlay has at least one. */
    private static void checkOverlay(List<Mount> entries, int i, String at) {
        Mount m = entries.get(i);
        Mount next = i + 1 < entries.size() ? entries.get(i + 1) : null;
        if (m.kind() == Mount.Kind.OVERLAY_SRC && (next == null
                || !(next.kind() == Mount.Kind.OVERLAY_SRC || next.kind().isOverlay()))) {
            throw new InvalidSpecException(at, "an overlay layer must be followed by its overlay",
                    "use MountPlan.overlay, tmpOverlay or roOverlay");
        }
        if (m.kind() == Mount.Kind.OVERLAY_SRC || m.kind().isOverlay()) {
            int layers = m.kind() == Mount.Kind.OVERLAY_SRC ? 1 : 0;
            for (int j = i - 1; j >= 0 && entries.get(j).kind() == Mount.Kind.OVERLAY_SRC; j--) {
                if (!entries.get(j).destination().equals(m.destination())) {
                    throw new InvalidSpecException(at + ".destination", "the overlay layer mounts[" + j
                            + "] before it is for " + entries.get(j).destination(), null);
                }
                layers++;
            }
            if (m.kind().isOverlay() && layers == 0) {
                throw new InvalidSpecException(at + ".lowers", "an overlay needs at least one lower layer", null);
            }
            if (layers > MAX_OVERLAY_LOWERS) {
                throw new InvalidSpecException(at + ".lowers", layers + " layers; at most " + MAX_OVERLAY_LOWERS,
                        null);
            }
        }
    }

    /** The fixed part of a mount entry's launcher record: op, flags, mode, reserved, size. */
    private static final int ENTRY_FIXED_BYTES = 24;
    /** The launcher's largest record payload. */
    private static final int MAX_RECORD_PAYLOAD = 64 * 1024;

    /** What a record's data holds for an entry from a descriptor: fd, 0, offset, length. */
    private static final int FD_DATA_BYTES = 24;

    /**
     * The payload bytes of an entry's launcher record: fixed fields, source, NUL, destination, NUL, then the
     * content when it is inline, else the reference to the memfd (an fd bind's source is the reference too).
     */
    static int payloadBytes(Mount m) {
        int data = m.kind().isFdBind() || !inlineContent(m) ? FD_DATA_BYTES : m.contentLength();
        String source = m.kind().isFdBind() ? "" : m.source();
        return ENTRY_FIXED_BYTES + dev.jns.internal.TextChecks.utf8Length(source) + 1
                + dev.jns.internal.TextChecks.utf8Length(m.destination()) + 1 + data;
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
