package dev.jns.linux.reliability;

import dev.jns.Namespaces;
import dev.jns.NsProcess;

/**
 * Run in a child JVM by {@code JvmKillLatencyTest}: starts sandboxes from short-lived threads (which end at
 * once, so PR_SET_PDEATHSIG alone would not do), each leaving a background child and a setsid'd double fork
 * that run {@code sleep args[0]}, prints their pids, then waits to be killed.
 */
public final class DieWithJvmMain {
    private DieWithJvmMain() {
    }

    public static void main(String[] args) throws Exception {
        StringBuilder pids = new StringBuilder();
        for (boolean pidns : new boolean[] {false, true}) {
            Thread t = new Thread(() -> {
                var s = Namespaces.spawn();
                if (pidns) {
                    s.newUser().mapRootUser().newPid();
                }
                String m = args[0];
                NsProcess p = s.start("/bin/sh", "-c", "sleep " + m + " & setsid sh -c 'sleep " + m + " & sleep " + m
                        + " &'; exec sleep " + m);
                synchronized (pids) {
                    pids.append(p.pid()).append(' ');
                }
            });
            t.start();
            t.join();
        }
        System.out.println(pids.toString().trim());
        System.out.flush();
        Thread.sleep(600_000);
    }
}
