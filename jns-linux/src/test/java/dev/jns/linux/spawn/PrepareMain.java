package dev.jns.linux.spawn;

import dev.jns.Namespaces;
import dev.jns.Spawn;

/**
 * A fresh JVM for {@link PrepareTest}: whether a thread named jns-prepare is alive right after its first
 * {@code Namespaces.spawn()}, and after its first {@code run()}; then the run's exit code.
 */
public final class PrepareMain {
    private PrepareMain() {
    }

    public static void main(String[] args) {
        Spawn spawn = Namespaces.spawn().newUser().mapRootUser().newPid().mountProc();
        boolean during = alive();
        int code = spawn.run("/bin/true").exitCode();
        System.out.println(during + " " + alive() + " " + code);
    }

    private static boolean alive() {
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("jns-prepare") && t.isAlive()) {
                return true;
            }
        }
        return false;
    }
}
