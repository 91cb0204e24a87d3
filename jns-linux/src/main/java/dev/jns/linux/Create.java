package dev.jns.linux;

import dev.jns.Errno;
import dev.jns.InvalidSpecException;
import dev.jns.NamespaceException;
import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsHandle;
import dev.jns.NsProcess;
import dev.jns.Spawn;
import dev.jns.linux.ffi.Native;
import dev.jns.linux.spawn.Privileges;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static dev.jns.linux.ffi.Native.C;

/**
 * {@link Namespaces#create(NamespaceType...)}: new namespaces held by handles only, no process in them.
 *
 * <ul>
 * <li><b>In the JVM</b> (the caller has CAP_SYS_ADMIN and no user namespace is asked for): a new platform
 * thread {@code unshare}s the types (with CLONE_FS for mount; a new mount namespace is made recursively private,
 * as {@code unshare -m} does), opens {@code /proc/thread-self/ns/TYPE} — {@code pid_for_children} and
 * {@code time_for_children} for pid and time, so the pid namespace is still empty and its first process will
 * be its init — and ends. That thread is never reused.</li>
 * <li><b>Through the launcher</b> (a user namespace is among the types, or the caller lacks CAP_SYS_ADMIN): a
 * holder process is spawned in a new user namespace (the caller's ids map to root in it) that owns the other
 * new namespaces; the handles are opened from it, then it is killed and reaped. For a pid namespace the holder
 * is {@code unshare --pid sleep}, so that the new pid namespace has no process yet (a killed init would leave
 * it unusable); that needs util-linux's {@code unshare}.</li>
 * </ul>
 */
final class Create {
    private static final int CLONE_FS = 0x200;
    private static final long MS_REC = 0x4000;
    private static final long MS_PRIVATE = 1 << 18;

    private Create() {
    }

    static List<NsHandle> create(List<NamespaceType> types) {
        String what = "create namespaces " + types.stream().map(NamespaceType::procName).toList();
        if (types.isEmpty()) {
            throw new InvalidSpecException("types", "is empty", "name at least one namespace type");
        }
        EnumSet<NamespaceType> set = EnumSet.noneOf(NamespaceType.class);
        for (NamespaceType t : types) {
            if (t == null) {
                throw new InvalidSpecException("types", "contains null", null);
            }
            if (!set.add(t)) {
                throw new InvalidSpecException("types", t.procName() + " is given twice", null);
            }
        }
        Privileges me = Privileges.current();
        boolean inJvm = !set.contains(NamespaceType.USER) && me.has(21);
        return inJvm ? onThread(what, types) : throughLauncher(what, types, set);
    }

    private static List<NsHandle> onThread(String what, List<NamespaceType> types) {
        AtomicReference<List<NsHandle>> result = new AtomicReference<>();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            List<NsHandle> opened = new ArrayList<>();
            try {
                int flags = 0;
                for (NamespaceType type : types) {
                    flags |= (int) type.cloneFlag();
                }
                if (types.contains(NamespaceType.MOUNT)) {
                    flags |= CLONE_FS;
                }
                if (C.unshare(flags) != 0) {
                    int e = Native.errno();
                    throw new NamespaceException(what, "unshare", e, null, switch (e) {
                        case Errno.EPERM -> "creating namespaces needs CAP_SYS_ADMIN; without root, add USER to "
                                + "the types (the new user namespace then owns the others)";
                        case Errno.ENOSPC -> "a namespace limit was reached (sysctl user.max_*_namespaces)";
                        case Errno.EINVAL -> "the kernel lacks one of these namespace types";
                        default -> null;
                    });
                }
                if (types.contains(NamespaceType.MOUNT)
                        && C.mount("none", "/", null, MS_REC | MS_PRIVATE, null) != 0) {
                    throw new NamespaceException(what, "make / private in the new mount namespace", Native.errno(),
                            null, null);
                }
                for (NamespaceType type : types) {
                    String name = type == NamespaceType.PID || type == NamespaceType.TIME
                            ? type.procName() + "_for_children" : type.procName();
                    opened.add(LinuxNsHandle.open(what, Path.of("/proc/thread-self/ns", name), -1));
                }
                result.set(opened);
            } catch (RuntimeException e) {
                opened.forEach(NsHandle::close);
                failure.set(e);
            }
        }, "jns-create");
        t.start();
        joinUninterruptibly(t);
        if (failure.get() != null) {
            throw failure.get();
        }
        return result.get();
    }

    private static List<NsHandle> throughLauncher(String what, List<NamespaceType> types, EnumSet<NamespaceType> set) {
        Spawn s = Namespaces.spawn().mapRootUser().clearEnv().env("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (NamespaceType t : set) {
            if (t != NamespaceType.PID) {
                s.newNamespaces(t);
            }
        }
        String[] command;
        if (set.contains(NamespaceType.PID)) {
            String unshare = find("unshare");
            if (unshare == null) {
                throw new NamespaceException(what, "find unshare", Errno.ENOENT,
                        "a pid namespace without a process needs util-linux's unshare(1) rootless",
                        "install util-linux, or create the pid namespace as root");
            }
            command = new String[] {unshare, "--pid", "sleep", "infinity"};
        } else {
            command = new String[] {"sleep", "infinity"};
        }
        List<NsHandle> opened = new ArrayList<>();
        try (NsProcess holder = s.start(command)) {
            if (set.contains(NamespaceType.PID)) {
                awaitPidUnshare(what, holder);
            }
            try (NsHandle user = holder.namespace(NamespaceType.USER)) {
                for (NamespaceType t : types) {
                    NsHandle h;
                    if (t == NamespaceType.PID) {
                        h = LinuxNsHandle.open(what, Path.of("/proc", Long.toString(holder.pid()), "ns",
                                "pid_for_children"), holder.pid());
                        opened.add(h);
                        try (NsHandle owner = h.owner()) {
                            if (!owner.equals(user)) {
                                throw new NamespaceException(what, "check the holder's pid namespace", Errno.ESRCH,
                                        "it is not owned by the holder's user namespace", "the holder ended early");
                            }
                        }
                    } else {
                        h = holder.namespace(t);
                        opened.add(h);
                    }
                }
            }
            if (!holder.isAlive()) {
                throw new NamespaceException(what, "check the holder process", Errno.ESRCH, "it ended early",
                        "run with DEBUG logging of dev.jns");
            }
            List<NsHandle> result = List.copyOf(opened);
            opened.clear();
            return result;
        } finally {
            opened.forEach(NsHandle::close);
        }
    }

    /** Waits until {@code unshare --pid} has unshared: pid_for_children then differs from pid. */
    private static void awaitPidUnshare(String what, NsProcess holder) {
        Path ns = Path.of("/proc", Long.toString(holder.pid()), "ns");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline && holder.isAlive()) {
            try {
                if (!Files.readSymbolicLink(ns.resolve("pid")).equals(Files.readSymbolicLink(ns.resolve("pid_for_children")))) {
                    return;
                }
                Thread.sleep(1);
            } catch (java.io.IOException e) {
                break;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        throw new NamespaceException(what, "wait for unshare --pid", Errno.ESRCH,
                "the holder did not make its pid namespace", "check that unshare(1) works: unshare -Ur --pid true");
    }

    private static String find(String name) {
        for (String dir : new String[] {"/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin"}) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }

    static void joinUninterruptibly(Thread t) {
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
