package dev.jns.sandbox;

import dev.jns.InvalidSpecException;

/**
 * Who the sandbox's root is on the files of one bind (issue 19): the bind is then an <em>idmapped mount</em>
 * ({@code mount_setattr(MOUNT_ATTR_IDMAP)}, Linux 5.12+), so that what uid and gid 0 inside read and write there
 * is, on disk, owned by the chosen host ids, while the sandbox's processes stay unprivileged on the host. Give it
 * to {@link MountPlan#bind(java.nio.file.Path, java.nio.file.Path, BindOwner)} or
 * {@link MountPlan#roBind(java.nio.file.Path, java.nio.file.Path, BindOwner)}.
 *
 * <p>What the sandbox sees through an idmapped bind: files of the owner appear as root's; files it creates as
 * root belong to the owner on the host; its other ids (1, 2, ... inside) read and write as their own host ids,
 * as without an idmap; files of anyone else appear as the overflow id (65534, {@code nobody}) and cannot be
 * given away to the owner. The bind is also {@code nosuid} and {@code nodev}.
 *
 * <p><b>Default</b> (no owner given): in a sandbox started by root, whose ids are then unprivileged (see
 * {@link Security}), a writable {@link MountPlan#bind bind} whose source belongs to a user other than root is
 * idmapped to {@link #sourceOwner()}: a build writes its outputs as that user. A root-owned source is not
 * idmapped by default (the sandbox could otherwise create root-owned files, setuid ones included, on the host):
 * its files then belong to the sandbox's unprivileged host ids, and writing needs a directory they may write;
 * ask for {@link #caller()} to have outputs belong to root. Read-only binds are not idmapped by default (their
 * files show their real owners where the sandbox maps them, else {@code nobody}: readable as the modes allow).
 * A caller without root gets no default idmap.
 *
 * <p><b>Where it cannot work</b> the spawn fails with a {@link dev.jns.NamespaceException} naming the mount
 * entry, its file system and what the kernel needs — never a silent fallback: kernels before 5.12; file systems
 * without idmap support (proc, sysfs, devtmpfs, nfs; tmpfs before 6.3, overlayfs before 5.19, fuse before 6.12;
 * ext4, xfs, btrfs, vfat, f2fs have it since 5.12), on the source or any mount below it; and callers without
 * root: the kernel lets only a process with {@code CAP_SYS_ADMIN} in the user namespace that owns the source's
 * file system (the initial one, for host disks) idmap it, so a rootless sandbox cannot idmap host directories
 * (its writes land as the one id mapped to the caller, as before). Where the sandbox's root already is the
 * owner on the host (a rootless {@code mapRootUser()} and {@link #caller()}), no idmap is needed and none is
 * made: {@code caller()} works for both kinds of callers.
 *
 * @param kind what the owner is
 * @param uid  the host uid for {@link Kind#IDS}, else -1
 * @param gid  the host gid for {@link Kind#IDS}, else -1
 */
public record BindOwner(Kind kind, long uid, long gid) {
    /** What a {@link BindOwner} names. */
    public enum Kind {
        /** No idmap: files belong to the sandbox's own host ids. */
        NONE,
        /** The caller: the uid and gid the spawn acts for (the JVM's, or {@code runAs}'s). */
        CALLER,
        /** The owner and group of the bind's source, as the caller sees it. */
        SOURCE,
        /** Given host ids. */
        IDS
    }

    private static final BindOwner NONE = new BindOwner(Kind.NONE, -1, -1);
    private static final BindOwner CALLER = new BindOwner(Kind.CALLER, -1, -1);
    private static final BindOwner SOURCE = new BindOwner(Kind.SOURCE, -1, -1);

    /** Checks the ids. */
    public BindOwner {
        if (kind == null) {
            throw new InvalidSpecException("owner", "kind is null", null);
        }
        if (kind == Kind.IDS) {
            if (uid < 0 || uid > dev.jns.IdMap.MAX_ID || gid < 0 || gid > dev.jns.IdMap.MAX_ID) {
                throw new InvalidSpecException("owner", uid + ":" + gid + " is not a uid:gid", null);
            }
        } else if (uid != -1 || gid != -1) {
            throw new InvalidSpecException("owner", "only Kind.IDS takes ids", null);
        }
    }

    /** No idmap: what the sandbox writes belongs to its own (unprivileged) host ids. */
    public static BindOwner none() {
        return NONE;
    }

    /**
     * The caller's uid and gid. For a root caller that is host root: the sandbox's root then creates root-owned
     * files on the host through this bind, setuid ones included (the bind itself is nosuid, the host is not).
     * Bind only a directory whose contents you treat as untrusted.
     */
    public static BindOwner caller() {
        return CALLER;
    }

    /** The owner and group of the source (a directory's, or a file's): the default for writable binds, but root. */
    public static BindOwner sourceOwner() {
        return SOURCE;
    }

    /** Given host ids: the sandbox's root reads and writes as {@code uid}:{@code gid}. */
    public static BindOwner of(long uid, long gid) {
        return new BindOwner(Kind.IDS, uid, gid);
    }

    @Override
    public String toString() {
        return switch (kind) {
            case NONE -> "none";
            case CALLER -> "caller";
            case SOURCE -> "source owner";
            case IDS -> uid + ":" + gid;
        };
    }
}
