package dev.jns;

import dev.jns.doctor.DoctorReport;
import dev.jns.inspect.NamespaceInfo;
import dev.jns.inspect.NamespaceTree;

import dev.jns.spi.NamespaceProvider;

import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The entry point of jns: start processes in namespaces ({@link #spawn()}), and open, keep and list
 * namespaces. The work is done by an implementation found on the class path ({@code jns-linux}).
 *
 * <p>An example that runs as any user (rootless: the new user namespace maps you to root inside it):
 * <pre>{@code
 * import dev.jns.NamespaceType;
 * import dev.jns.Namespaces;
 * import dev.jns.NsHandle;
 * import dev.jns.NsProcess;
 * import dev.jns.SpawnResult;
 *
 * // unshare --user --map-root-user --pid --fork --mount-proc --uts: a sandbox with its own hostname and ps
 * SpawnResult r = Namespaces.spawn()
 *         .newUser().mapRootUser()
 *         .newPid().newMount().mountProc()
 *         .newUts().hostname("sandbox")
 *         .run("sh", "-c", "hostname; ps -e");
 * System.out.print(r.stdout());                          // sandbox, then the sandbox's processes only
 *
 * // a process that keeps namespaces; a handle keeps one alive, and other processes join it (nsenter)
 * try (NsProcess holder = Namespaces.spawn().newUser().mapRootUser().newNet().start("sleep", "60");
 *      NsHandle net = holder.namespace(NamespaceType.NET)) {
 *     SpawnResult links = Namespaces.spawn().joinAll(holder.pid()).run("ip", "-brief", "link");
 *     System.out.print(links.stdout());                   // lo only: the holder's network namespace
 *     System.out.println(net + " has " + Namespaces.members(net).size() + " process(es)");
 * }
 *
 * // lsns -t net
 * Namespaces.list(NamespaceType.NET).forEach(System.out::println);
 * }</pre>
 * A failure is a {@link NamespaceException} that names what was asked, the step, the errno and a hint; bad
 * input is an {@link InvalidSpecException} naming the field, thrown before any process exists.
 */
public final class Namespaces {
    private Namespaces() {
    }

    /**
     * A new, empty spawn description: add namespaces and options, then {@link Spawn#start} or {@link Spawn#run}.
     *
     * <p>A JVM's first call also starts a thread, {@code jns-prepare}, that loads the code of the spawn to come (jns's
     * native library and classes) on another CPU while the caller describes it; the first {@code run()} or
     * {@code start()} waits for that thread's end before it returns, so none is left after it. It keeps nothing
     * open and changes nothing a spawn does, only when its code is loaded: a fresh JVM's first spawn spends most
     * of its time loading classes. None where the JVM has one CPU, nor with {@code -Djns.prepare=false}.
     */
    public static Spawn spawn() {
        dev.jns.internal.Providers.prepare();
        return new Spawn();
    }

    /**
     * Opens a namespace file: {@code /proc/PID/ns/TYPE}, a bind mount of one ({@code /run/netns/NAME}), or
     * {@code /proc/PID/task/TID/ns/TYPE}.
     *
     * @throws NamespaceException when the file is missing or is not a namespace file
     */
    public static NsHandle open(Path nsFile) {
        return provider().open(nsFile);
    }

    /** Opens {@code /proc/PID/ns/TYPE}: the namespace of that type that process {@code pid} is in. */
    public static NsHandle of(long pid, NamespaceType type) {
        return provider().of(pid, type);
    }

    /** Opens the calling thread's namespace of that type ({@code /proc/thread-self/ns/TYPE}). */
    public static NsHandle current(NamespaceType type) {
        return provider().current(type);
    }

    /** Every namespace this process can see, as {@code lsns} lists them. */
    public static List<NamespaceInfo> list() {
        return provider().list();
    }

    /** The namespaces of one type, as {@code lsns -t TYPE} lists them. */
    public static List<NamespaceInfo> list(NamespaceType type) {
        return list().stream().filter(i -> i.type() == type).toList();
    }

    /**
     * The namespaces process {@code pid} is in, as {@code lsns -p PID} lists them (each with the lowest pid
     * in it, which need not be {@code pid}).
     */
    public static List<NamespaceInfo> listOf(long pid) {
        List<NamespaceInfo> all = list();
        List<NamespaceInfo> out = new java.util.ArrayList<>();
        for (NamespaceType t : NamespaceType.values()) {
            long inode;
            try (NsHandle h = of(pid, t)) {
                inode = h.inode();
            } catch (NamespaceException e) {
                if (e.errno() == Errno.ESRCH) {
                    throw e;
                }
                continue; // a type the kernel lacks, or one we may not see
            }
            all.stream().filter(i -> i.type() == t && i.inode() == inode).findFirst().ifPresent(out::add);
        }
        return out;
    }

    /** {@link #list()} with the relations by parent and by owner. */
    public static NamespaceTree tree() {
        return new NamespaceTree(list());
    }

    /** The pids of the processes in the namespace of {@code handle} (whose /proc/PID/ns/TYPE is it), ascending. */
    public static List<Long> members(NsHandle handle) {
        return provider().members(handle);
    }

    /**
     * Undoes {@link NsHandle#persist(Path)}: detaches the namespace's bind mount at {@code path}. Only a kept
     * namespace (an nsfs mount) is unmounted, and exactly the one checked (through the fd opened with
     * {@code O_NOFOLLOW}): a symlink at {@code path} (ELOOP), a plain mount or file (EINVAL) are refused, and no
     * symlink of another user on the way is followed. The file itself stays.
     */
    public static void unpersist(Path path) {
        provider().unpersist(path);
    }

    /**
     * Opens a namespace file and checks that it is a namespace of {@code expected}.
     *
     * @throws NamespaceException naming both types when it is another type
     */
    public static NsHandle open(Path nsFile, NamespaceType expected) {
        NsHandle h = open(nsFile);
        if (h.type() != expected) {
            h.close();
            throw NamespaceException.builder("open " + nsFile).step("check the namespace type").errno(Errno.EINVAL)
                    .detail(nsFile + " is a " + h.type().procName() + " namespace, not a " + expected.procName() + " namespace")
                    .build();
        }
        return h;
    }

    /**
     * Creates new namespaces of the given types without keeping any process in them, and returns a handle to
     * each, in the order given: the handles keep them alive. Needs root for any type but a user namespace;
     * rootless, ask for {@link NamespaceType#USER} too, which then owns the others (without it, an unprivileged
     * caller gets one anyway, not returned). Not for {@link NamespaceType#PID}: a pid namespace lives only as long
     * as its init, so start a process with {@code spawn().newPid()} instead.
     *
     * @throws InvalidSpecException for an empty list, a repeated type, or PID
     */
    public static List<NsHandle> create(NamespaceType... types) {
        return provider().create(List.of(types));
    }

    /**
     * Two or more namespaces to run Java code in at once ({@code Namespaces.enter(net, uts).call(..)}); see
     * {@link NsScope}. For one namespace use {@link NsHandle#call}.
     */
    public static NsScope enter(NsHandle first, NsHandle second, NsHandle... more) {
        List<NsHandle> all = new java.util.ArrayList<>();
        all.add(java.util.Objects.requireNonNull(first, "first"));
        all.add(java.util.Objects.requireNonNull(second, "second"));
        for (NsHandle h : java.util.Objects.requireNonNull(more, "more")) {
            all.add(java.util.Objects.requireNonNull(h, "more[]"));
        }
        return new NsScope(List.copyOf(all));
    }

    /**
     * What works on this machine for this user and why not: for each namespace type a real attempt (as the
     * JVM's user and, when the JVM is root, as an unprivileged user), an attempt to mount a tmpfs in a user
     * namespace, and the facts that explain failures (sysctls, AppArmor, seccomp, newuidmap, /etc/subuid,
     * container, cgroup delegation). The attempts are made once per JVM (well under a second) and the
     * report is cached. Never throws: without an implementation every attempt fails with the reason.
     */
    public static DoctorReport doctor() {
        return provider().doctor();
    }

    static String describe(String... command) {
        return "spawn of '" + String.join(" ", command) + "'";
    }

    static NamespaceProvider provider() {
        return dev.jns.internal.Providers.namespaces();
    }
}
