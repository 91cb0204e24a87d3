package dev.jns.linux.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Small facts about the test machine, for assumptions that skip with a reason. */
public final class Probe {
    private Probe() {
    }

    public static boolean root() {
        return "root".equals(System.getProperty("user.name")) || uid() == 0;
    }

    public static long uid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Long.parseLong(line.split("\\s+")[2]);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("no Uid in /proc/self/status");
    }

    /** Uid and gid of a user from /etc/passwd, or null. */
    public static long[] user(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/passwd"))) {
                String[] f = line.split(":");
                if (f.length > 3 && f[0].equals(name)) {
                    return new long[] {Long.parseLong(f[2]), Long.parseLong(f[3])};
                }
            }
        } catch (IOException e) {
            return null;
        }
        return null;
    }

    /** An unprivileged user to drop to with runAs: jnsci (CI's, with subuid ranges) or nobody. */
    public static long[] unprivileged() {
        long[] u = user("jnsci");
        return u != null ? u : new long[] {65534, 65534};
    }

    public static boolean hasSubUidRange(String user) {
        try {
            return Files.readAllLines(Path.of("/etc/subuid")).stream().anyMatch(l -> l.startsWith(user + ":"))
                    && Files.isExecutable(Path.of("/usr/bin/newuidmap"));
        } catch (IOException e) {
            return false;
        }
    }

    public static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    public static String readlink(String path) {
        try {
            return Files.readSymbolicLink(Path.of(path)).toString();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The first range of {@code user} in a subordinate id file (/etc/subuid, /etc/subgid): start and count, or null. */
    public static long[] subordinateRange(String file, String user) {
        try {
            for (String line : Files.readAllLines(Path.of(file))) {
                String[] f = line.split(":");
                if (f.length == 3 && f[0].equals(user)) {
                    return new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])};
                }
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    public static boolean alive(long pid) {
        return Files.exists(Path.of("/proc/" + pid)) && !state(pid).equals("Z");
    }

    public static String state(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            return stat.substring(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
        } catch (IOException e) {
            return "gone";
        }
    }

    public static void sleep(long ms) {
        try {
            TimeUnit.MILLISECONDS.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
