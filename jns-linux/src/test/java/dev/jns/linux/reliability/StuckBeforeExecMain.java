package dev.jns.linux.reliability;

import dev.jns.Namespaces;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@code JvmKillBeforeExecTest}: starts a spawn without namespaces whose command's process
 * stops itself right before its exec (the test aid {@code jns.testing.stopAtStep=23}), so that its supervisor
 * sleeps until that exec; prints "supervisor-pid first-process-pid" once both are there, then waits to be killed.
 */
public final class StuckBeforeExecMain {
    private StuckBeforeExecMain() {
    }

    public static void main(String[] args) throws Exception {
        Namespaces.spawn().run("/bin/true"); // the fork server first, without the test aid
        System.setProperty("jns.testing.stopAtStep", "23");
        Thread t = new Thread(() -> Namespaces.spawn().start("/bin/true"), "stuck-spawn");
        t.setDaemon(true);
        t.start();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            for (ProcessHandle h : ProcessHandle.current().children().toList()) {
                String comm = read("/proc/" + h.pid() + "/comm");
                String kids = read("/proc/" + h.pid() + "/task/" + h.pid() + "/children");
                if ("jns-launcher".equals(comm) && !kids.isEmpty()) {
                    String c = kids.split(" ")[0];
                    if ("T".equals(Gauges.state(Long.parseLong(c)))) {
                        System.out.println(h.pid() + " " + c);
                        System.out.flush();
                        Thread.sleep(600_000);
                        return;
                    }
                }
            }
            Thread.sleep(10);
        }
        System.out.println("none");
        System.out.flush();
        Thread.sleep(600_000);
    }

    private static String read(String path) {
        try {
            return Files.readString(Path.of(path)).trim();
        } catch (Exception e) {
            return "";
        }
    }
}
