package dev.jns.linux;

import dev.jns.Errno;
import dev.jns.InvalidSpecException;
import dev.jns.NamespaceException;
import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsHandle;
import dev.jns.NsProcess;
import dev.jns.Spawn;
import dev.jns.linux.spawn.SpawnTypes;
import dev.jns.linux.ffi.Sys;
import dev.jns.linux.spawn.Privileges;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link Namespaces#create(NamespaceType...)}: new namespaces held by handles only, no process in them.
 *
 * <ul>
 * <li><b>In the JVM</b> (the caller has CAP_SYS_ADMIN and no user namespace is asked for): a new platform
 * thread {@code unshare}s the types (with CLONE_FS for mount; a new mount namespace is made recursively private,
 * as {@code unshare -m} does), opens {@code /proc/thread-self/ns/TYPE} — {@code time_for_children} for time,
 * as util-linux — and ends. That thread is never reused.</li>
 * <li><b>Through the launcher</b> (a user namespace is among the types, or the caller lacks CAP_SYS_ADMIN): a
 * holder process is spawned in a new user namespace (the caller's ids map to root in it) that owns the other
 * new namespaces; the handles are opened from it, then it is killed and reaped.</li>
 * </ul>
 *
 * <p>Pid namespaces are refused: the kernel shows {@code pid_for_children} only once the namespace has an init
 * (ENOENT before), and once that init has exited nothing can be forked into it again. A pid namespace needs a
 * process that lives: {@code Namespaces.spawn().newPid()...start(..)} and {@code NsProcess.namespace(PID)}.
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
            if (t == NamespaceType.PID) {
                throw new InvalidSpecException("types", "a pid namespace cannot be created without a process",
                        "the kernel opens it only once it has an init, and it dies with that init: start a process "
                        + "with Namespaces.spawn().newPid() and use NsProcess.namespace(PID)");
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
                Sys.unshare(what, "unshare", flags, e -> switch (e) {
                    case Errno.EPERM -> "creating namespaces needs CAP_SYS_ADMIN; without root, add USER to "
                            + "the types (the new user namespace then owns the others)";
                    case Errno.ENOSPC -> "a namespace limit was reached (sysctl user.max_*_namespaces)";
                    case Errno.EINVAL -> "the kernel lacks one of these namespace types";
                    default -> null;
                });
                if (types.contains(NamespaceType.MOUNT)) {
                    Sys.mount(what, "make / private in the new mount namespace", "none", "/", null,
                            MS_REC | MS_PRIVATE, Sys.Hint.NONE);
                }
                for (NamespaceType type : types) {
                    String name = type == NamespaceType.TIME ? "time_for_children" : type.procName();
                    opened.add(LinuxNsHandle.open(what, Path.of("/proc/thread-self/ns", name), -1));
                }
                result.set(opened);
            } catch (RuntimeException e) {
                opened.forEach(NsHandle::close);
                failure.set(e);
            }
        }, "jns-create");
        t.start();
        Threads.joinUninterruptibly(t);
        if (failure.get() != null) {
            throw failure.get();
        }
        return result.get();
    }

    private static List<NsHandle> throughLauncher(String what, List<NamespaceType> types, EnumSet<NamespaceType> set) {
        Spawn s = Namespaces.spawn().mapRootUser().clearEnv().env("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (NamespaceType t : set) {
            SpawnTypes.newNamespace(s, t);
        }
        String[] command = {"sleep", "infinity"};
        List<NsHandle> opened = new ArrayList<>();
        try (NsProcess holder = s.start(command)) {
            for (NamespaceType t : types) {
                opened.add(holder.namespace(t));
            }
            if (!holder.isAlive()) {
                throw NamespaceException.builder(what).step("check the holder process").errno(Errno.ESRCH)
                        .detail("it ended early").hint("run with DEBUG logging of dev.jns").build();
            }
            List<NsHandle> result = List.copyOf(opened);
            opened.clear();
            return result;
        } finally {
            opened.forEach(NsHandle::close);
        }
    }
}
