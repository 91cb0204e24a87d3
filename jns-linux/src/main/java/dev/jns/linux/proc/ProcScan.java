package dev.jns.linux.proc;

import dev.jns.NamespaceType;
import dev.jns.linux.proc.ProcParsers.NsId;
import dev.jns.linux.proc.ProcParsers.NsfsMount;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the live {@code /proc}: every process with its namespaces, the namespaces that processes hold open
 * as file descriptors, and the nsfs bind mounts. Processes come and go while it reads: one that vanishes
 * half-way is skipped, as lsns does.
 */
public final class ProcScan {
    private static final Path PROC = Path.of("/proc");

    private ProcScan() {
    }

    /**
     * A process and the namespaces it is in.
     *
     * @param pid        its pid (in the caller's pid namespace)
     * @param ppid       its parent's pid
     * @param uid        the owner of {@code /proc/PID} (its effective uid, as lsns reports it)
     * @param command    its command line, or its comm when that is empty
     * @param namespaces the inode of each of its namespaces that could be read
     */
    public record ProcessNs(long pid, long ppid, long uid, String command, Map<NamespaceType, Long> namespaces) {
    }

    /** A namespace that process {@code pid} holds open as descriptor {@code fd}. */
    public record FdNs(long pid, int fd, NsId ns) {
        /** {@code /proc/PID/fd/FD}. */
        public Path path() {
            return PROC.resolve(Long.toString(pid)).resolve("fd").resolve(Integer.toString(fd));
        }
    }

    /** The pids in /proc, ascending. */
    public static List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(PROC)) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                if (!n.isEmpty() && n.chars().allMatch(c -> c >= '0' && c <= '9')) {
                    pids.add(Long.parseLong(n));
                }
            }
        } catch (IOException e) {
            return List.of();
        }
        Collections.sort(pids);
        return pids;
    }

    /** Every process that could be read, ascending by pid. */
    public static List<ProcessNs> processes() {
        List<ProcessNs> out = new ArrayList<>();
        for (long pid : pids()) {
            process(pid).ifPresent(out::add);
        }
        return out;
    }

    /** One process, or empty when it is gone or unreadable. */
    public static Optional<ProcessNs> process(long pid) {
        Path dir = PROC.resolve(Long.toString(pid));
        try {
            long uid = ((Number) Files.getAttribute(dir, "unix:uid")).longValue();
            Optional<ProcParsers.Stat> st = ProcParsers.stat(Files.readString(dir.resolve("stat")));
            if (st.isEmpty()) {
                return Optional.empty();
            }
            String cmd = "";
            try {
                cmd = ProcParsers.cmdline(Files.readAllBytes(dir.resolve("cmdline")));
            } catch (IOException ignored) {
                // gone or hidden: use comm
            }
            if (cmd.isEmpty()) {
                cmd = st.get().comm();
            }
            Map<NamespaceType, Long> ns = new EnumMap<>(NamespaceType.class);
            for (NamespaceType t : NamespaceType.values()) {
                try {
                    ProcParsers.nsLink(Files.readSymbolicLink(dir.resolve("ns").resolve(t.procName())).toString())
                            .ifPresent(id -> ns.put(t, id.inode()));
                } catch (IOException | SecurityException ignored) {
                    // not permitted (another user's process) or not supported by the kernel
                }
            }
            if (ns.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new ProcessNs(pid, st.get().ppid(), uid, cmd, ns));
        } catch (IOException | RuntimeException gone) {
            return Optional.empty();
        }
    }

    /** The namespaces held open as fds by the processes whose fd directories are readable. */
    public static List<FdNs> fdNamespaces(List<Long> pids) {
        List<FdNs> out = new ArrayList<>();
        for (long pid : pids) {
            Path fdDir = PROC.resolve(Long.toString(pid)).resolve("fd");
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(fdDir)) {
                for (Path fd : ds) {
                    try {
                        String target = Files.readSymbolicLink(fd).toString();
                        Optional<NsId> id = ProcParsers.nsLink(target);
                        if (id.isPresent()) {
                            out.add(new FdNs(pid, Integer.parseInt(fd.getFileName().toString()), id.get()));
                        }
                    } catch (IOException | RuntimeException closed) {
                        // the fd was closed while we looked
                    }
                }
            } catch (IOException | RuntimeException hidden) {
                // another user's process, or gone
            }
        }
        return out;
    }

    /** The nsfs bind mounts visible in {@code /proc/self/mountinfo}. */
    public static List<NsfsMount> nsfsMounts() {
        try {
            return ProcParsers.nsfsMounts(Files.readString(PROC.resolve("self/mountinfo")));
        } catch (IOException e) {
            return List.of();
        }
    }

    /** uid → user name from /etc/passwd (empty when unreadable). */
    public static Map<Long, String> users() {
        try {
            return ProcParsers.passwd(Files.readString(Path.of("/etc/passwd")));
        } catch (IOException e) {
            return Map.of();
        }
    }

    /** The pids whose {@code /proc/PID/ns/TYPE} is the namespace {@code inode}, ascending. */
    public static List<Long> members(NamespaceType type, long inode) {
        List<Long> out = new ArrayList<>();
        for (long pid : pids()) {
            try {
                Optional<NsId> id = ProcParsers.nsLink(Files.readSymbolicLink(
                        PROC.resolve(Long.toString(pid)).resolve("ns").resolve(type.procName())).toString());
                if (id.isPresent() && id.get().inode() == inode) {
                    out.add(pid);
                }
            } catch (IOException | RuntimeException ignored) {
                // gone or not permitted
            }
        }
        return out;
    }
}
