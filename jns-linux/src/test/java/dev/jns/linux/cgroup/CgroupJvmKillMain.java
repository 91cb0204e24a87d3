package dev.jns.linux.cgroup;

import dev.jns.Namespaces;
import dev.jns.NsProcess;
import dev.jns.sandbox.Limits;

/**
 * Run in a child JVM by {@code CgroupLimitsTest}: starts a sandbox with a memory limit, prints its pid and the
 * sandbox's cgroup directories, then waits to be killed.
 */
public final class CgroupJvmKillMain {
    private CgroupJvmKillMain() {
    }

    public static void main(String[] args) throws Exception {
        NsProcess p = Namespaces.spawn().newPid().limits(Limits.builder().memory(64L << 20).build())
                .start("/bin/sleep", "1000");
        System.out.println(p.pid());
        System.out.flush();
        Thread.sleep(600_000);
    }
}
