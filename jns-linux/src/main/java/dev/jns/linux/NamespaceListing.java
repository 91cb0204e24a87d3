package dev.jns.linux;

import dev.jns.NamespaceException;
import dev.jns.inspect.NamespaceInfo;
import dev.jns.NamespaceType;
import dev.jns.NsHandle;
import dev.jns.linux.proc.ProcParsers.NsId;
import dev.jns.linux.proc.ProcParsers.NsfsMount;
import dev.jns.linux.proc.ProcScan;
import dev.jns.linux.proc.ProcScan.FdNs;
import dev.jns.linux.proc.ProcScan.ProcessNs;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@link dev.jns.Namespaces#list()}: what lsns lists. Every namespace some process is in (from
 * {@code /proc/PID/ns/*}), held by a bind mount (nsfs lines of {@code /proc/self/mountinfo}), or held open as a
 * file descriptor by a process whose fds the caller may read. For each: the number of processes, the lowest
 * pid with its ppid, uid, user and command, the path when a mount (or, lacking processes, an fd) holds it,
 * and the parent and owner inodes from the ioctls on a handle opened for the purpose (absent when the kernel
 * refuses them).
 */
final class NamespaceListing {
    private NamespaceListing() {
    }

    private static final class Acc {
        final NsId id;
        int processes;
        ProcessNs first;
        Path path;
        Path openable;

        Acc(NsId id) {
            this.id = id;
        }
    }

    static List<NamespaceInfo> list() {
        List<ProcessNs> procs = ProcScan.processes();
        Map<NsId, Acc> byId = new LinkedHashMap<>();
        for (ProcessNs p : procs) {
            for (Map.Entry<NamespaceType, Long> e : p.namespaces().entrySet()) {
                Acc a = byId.computeIfAbsent(new NsId(e.getKey(), e.getValue()), Acc::new);
                a.processes++;
                if (a.first == null || p.pid() < a.first.pid()) {
                    a.first = p;
                    a.openable = Path.of("/proc", Long.toString(p.pid()), "ns", e.getKey().procName());
                }
            }
        }
        for (NsfsMount m : ProcScan.nsfsMounts()) {
            Acc a = byId.computeIfAbsent(m.ns(), Acc::new);
            if (a.path == null) {
                a.path = Path.of(m.mountPoint());
            }
            if (a.openable == null) {
                a.openable = a.path;
            }
        }
        for (FdNs f : ProcScan.fdNamespaces(procs.stream().map(ProcessNs::pid).toList())) {
            Acc a = byId.computeIfAbsent(f.ns(), Acc::new);
            if (a.first == null && a.path == null) {
                a.path = f.path();
            }
            if (a.openable == null) {
                a.openable = f.path();
            }
        }
        Map<Long, String> users = ProcScan.users();
        List<NamespaceInfo> out = new ArrayList<>();
        for (Acc a : byId.values()) {
            OptionalLong parent = OptionalLong.empty();
            OptionalLong owner = OptionalLong.empty();
            long ownerUid = -1;
            if (a.openable != null) {
                try (LinuxNsHandle h = LinuxNsHandle.open("list", a.openable, -1)) {
                    if (h.type() == a.id.type() && h.inode() == a.id.inode()) {
                        owner = related(h, false);
                        if (a.id.type() == NamespaceType.USER || a.id.type() == NamespaceType.PID) {
                            parent = related(h, true);
                        }
                        if (a.first == null) {
                            ownerUid = ownerUid(h);
                        }
                    }
                } catch (NamespaceException gone) {
                    // the process ended or the fd was closed while we looked: no relations
                }
            }
            ProcessNs p = a.first;
            long uid = p != null ? p.uid() : ownerUid;
            String user = uid < 0 ? "" : users.getOrDefault(uid, Long.toString(uid));
            out.add(new NamespaceInfo(a.id.type(), a.id.inode(), a.processes, p == null ? 0 : p.pid(),
                    p == null ? 0 : p.ppid(), uid, user, p == null ? "" : p.command(), Optional.ofNullable(a.path),
                    parent, owner));
        }
        out.sort(Comparator.comparingLong(NamespaceInfo::inode).thenComparing(NamespaceInfo::type));
        return out;
    }

    private static OptionalLong related(LinuxNsHandle h, boolean parent) {
        try (NsHandle r = parent ? h.parent() : h.owner()) {
            return OptionalLong.of(r.inode());
        } catch (NamespaceException hidden) {
            return OptionalLong.empty();
        }
    }

    /** The uid that created the user namespace owning {@code h} (for namespaces without processes). */
    private static long ownerUid(LinuxNsHandle h) {
        try {
            if (h.type() == NamespaceType.USER) {
                return h.ownerUid();
            }
            try (NsHandle o = h.owner()) {
                return o.ownerUid();
            }
        } catch (NamespaceException hidden) {
            return -1;
        }
    }
}
