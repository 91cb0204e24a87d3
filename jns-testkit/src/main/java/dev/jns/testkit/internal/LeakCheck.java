package dev.jns.testkit.internal;

import dev.jns.testkit.Sandbox;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a sandbox could leave behind: processes still in it (the holder's excluded), mounts that appeared in
 * the JVM's mount namespace, and fds of the JVM (pipes, sockets, pidfds and other anon inodes, namespace
 * files) opened since the sandbox was made. In parallel mode only what can be told apart from other tests'
 * is checked: processes, and fds of the sandbox's own namespaces. Not API.
 */
public final class LeakCheck {
    private static final Pattern NSFS = Pattern.compile("(cgroup|ipc|mnt|net|pid|time|user|uts):\\[(\\d+)]");

    private final Map<Integer, String> fds;
    private final Map<String, String> mounts;
    private final boolean parallel;

    private LeakCheck(boolean parallel) {
        this.parallel = parallel;
        fds = ProcFs.fds();
        mounts = ProcFs.mounts();
    }

    /** Takes the JVM's fds and mounts now, before the sandbox is made. */
    public static LeakCheck before(boolean parallel) {
        return new LeakCheck(parallel);
    }

    /** The processes in the sandbox now, as "pid 1234 'sleep 100'". */
    public static List<String> processes(Sandbox sandbox) {
        // a command that has reported its end may still have its launcher tidying up for a moment: wait up
        // to a second for such processes to go before calling them leaks
        long deadline = System.nanoTime() + 1_000_000_000L;
        List<Long> strays = sandbox.strayProcesses();
        while (!strays.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            strays = sandbox.strayProcesses();
        }
        List<String> out = new ArrayList<>();
        for (long p : strays) {
            out.add("process " + p + " '" + ProcFs.cmdline(p) + "'");
        }
        return out;
    }

    /**
     * After the sandbox was closed: the fds and mounts that are new, waiting up to a second for asynchronous
     * closes (reaper threads) to finish.
     *
     * @param nsInodes the inodes of the sandbox's namespaces
     */
    public List<String> after(Set<Long> nsInodes) {
        long deadline = System.nanoTime() + 1_000_000_000L;
        List<String> leaks = scan(nsInodes);
        while (!leaks.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            leaks = scan(nsInodes);
        }
        return leaks;
    }

    private List<String> scan(Set<Long> nsInodes) {
        List<String> out = new ArrayList<>();
        Set<String> before = new HashSet<>(fds.values());
        ProcFs.fds().forEach((fd, target) -> {
            Matcher m = NSFS.matcher(target);
            boolean ours = m.matches() && nsInodes.contains(Long.parseLong(m.group(2)));
            boolean kind = target.startsWith("pipe:") || target.startsWith("socket:") || target.startsWith("anon_inode:")
                    || m.matches();
            boolean isNew = !target.equals(fds.get(fd)) && !(m.matches() && before.contains(target) && !ours);
            if (isNew && (ours || !parallel && kind)) {
                out.add("fd " + fd + " -> " + target);
            }
        });
        if (!parallel) {
            ProcFs.mounts().forEach((id, mount) -> {
                if (!mounts.containsKey(id)) {
                    out.add("mount " + mount);
                }
            });
        }
        return out;
    }
}
