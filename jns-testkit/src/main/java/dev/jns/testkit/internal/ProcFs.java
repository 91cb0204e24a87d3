package dev.jns.testkit.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Small /proc readers for the testkit: processes, their namespaces, the JVM's fds and mounts. Not API. */
public final class ProcFs {
    private ProcFs() {
    }

    /** Every pid on the host (as this JVM sees them). */
    public static List<Long> pids() {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            s.forEach(p -> {
                String n = p.getFileName().toString();
                if (!n.isEmpty() && n.chars().allMatch(Character::isDigit)) {
                    out.add(Long.parseLong(n));
                }
            });
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /** The inode of {@code /proc/PID/ns/NAME} ({@code "pid:[4026532]"} gives 4026532), or -1 when unreadable. */
    public static long nsInode(long pid, String nsName) {
        try {
            String link = Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "ns", nsName)).toString();
            return Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']')));
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** The parent pid of {@code pid}, or -1. */
    public static long ppid(long pid) {
        String stat = read(Path.of("/proc", Long.toString(pid), "stat"));
        if (stat == null) {
            return -1;
        }
        try {
            return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[1]);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** The command line of {@code pid}, blanks between the arguments, or "?". */
    public static String cmdline(long pid) {
        String c = read(Path.of("/proc", Long.toString(pid), "cmdline"));
        if (c == null || c.isEmpty()) {
            String comm = read(Path.of("/proc", Long.toString(pid), "comm"));
            return comm == null ? "?" : "[" + comm.trim() + "]";
        }
        return c.replace('\0', ' ').trim();
    }

    /** {@code pid} and its descendants, now. */
    public static List<Long> descendantsAndSelf(long pid) {
        List<Long> all = pids();
        Map<Long, Long> parent = new LinkedHashMap<>();
        for (long p : all) {
            parent.put(p, ppid(p));
        }
        List<Long> out = new ArrayList<>();
        out.add(pid);
        for (int i = 0; i < out.size(); i++) {
            long cur = out.get(i);
            parent.forEach((p, pp) -> {
                if (pp == cur && !out.contains(p)) {
                    out.add(p);
                }
            });
        }
        return out;
    }

    /** The JVM's open fds and what they point at ({@code "pipe:[123]"}, {@code "net:[4026532]"}). */
    public static Map<Integer, String> fds() {
        Map<Integer, String> out = new LinkedHashMap<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            s.forEach(p -> {
                try {
                    out.put(Integer.parseInt(p.getFileName().toString()), Files.readSymbolicLink(p).toString());
                } catch (IOException | RuntimeException gone) {
                    // closed while we looked (the fd of the listing itself, too)
                }
            });
        } catch (IOException e) {
            return out;
        }
        return out;
    }

    /** The JVM's mounts, one line of mountinfo each, keyed by mount id. */
    public static Map<String, String> mounts() {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                out.put(f[0], f[4] + " (" + line.substring(line.indexOf(" - ") + 3) + ")");
            }
        } catch (IOException | RuntimeException e) {
            return out;
        }
        return out;
    }

    /** Reads a small /proc file in one go (sysctls answer only the first read). */
    public static String read(Path p) {
        try (InputStream in = Files.newInputStream(p)) {
            byte[] buf = new byte[65536];
            int n = 0;
            int r;
            while (n < buf.length && (r = in.read(buf, n, buf.length - n)) > 0) {
                n += r;
            }
            return new String(buf, 0, n, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** The uid and gid of a user from /etc/passwd, or null. */
    public static long[] user(String name) {
        String passwd = read(Path.of("/etc/passwd"));
        if (passwd != null) {
            for (String line : passwd.split("\n")) {
                String[] f = line.split(":");
                if (f.length > 3 && f[0].equals(name)) {
                    return new long[] {Long.parseLong(f[2]), Long.parseLong(f[3])};
                }
            }
        }
        return null;
    }

    /** The JVM's effective uid, from /proc/self/status. */
    public static long euid() {
        String s = read(Path.of("/proc/self/status"));
        if (s != null) {
            for (String line : s.split("\n")) {
                if (line.startsWith("Uid:")) {
                    return Long.parseLong(line.split("\\s+")[2]);
                }
            }
        }
        return -1;
    }

    /** The first of these paths that is an executable file, or null. */
    public static String which(String name) {
        for (String dir : new String[] {"/usr/sbin", "/sbin", "/usr/bin", "/bin", "/usr/local/bin"}) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return null;
    }
}
