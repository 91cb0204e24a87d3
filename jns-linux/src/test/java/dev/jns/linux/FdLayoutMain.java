package dev.jns.linux;

import dev.jns.NamespaceException;
import dev.jns.Namespaces;
import dev.jns.SpawnResult;
import dev.jns.linux.ffi.Native;
import dev.jns.linux.ffi.Sys;

import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run in a child JVM by {@code ContainmentContract.anyFdLayoutWorks}: closes fd {@code args[0]} (which the
 * wrapper shell opened on /dev/null for 3-5, or which is the JVM's stdin, stdout or stderr for 0-2), so that the
 * first spawn of this JVM finds that number free, then runs {@code echo ok} through jns, with and without
 * namespaces, and writes the outcome to the file {@code args[1]} (stdout may be the closed fd).
 *
 * <p>With {@code args[0]} = "emfile" it instead fills every free fd and checks that a spawn fails with a
 * NamespaceException whose hint names the fd limit (not a NoClassDefFoundError, not "must be readable").
 */
public final class FdLayoutMain {
    private FdLayoutMain() {
    }

    public static void main(String[] args) throws Exception {
        try (PrintStream report = new PrintStream(new FileOutputStream(args[1]), true, StandardCharsets.UTF_8)) {
            try {
                if (args[0].equals("emfile")) {
                    emfile(report, args.length > 2 && args[2].equals("ns"));
                    return;
                }
                int fd = Integer.parseInt(args[0]);
                String before = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
                if (Sys.tryClose(fd) != 0) {
                    report.println("could not close fd " + fd);
                    return;
                }
                SpawnResult plain = Namespaces.spawn().run("/bin/sh", "-c", "echo ok");
                SpawnResult ns = Namespaces.spawn().newUser().mapRootUser().newPid().newUts().run("/bin/sh", "-c", "echo ok");
                report.println("closed fd " + fd + " (" + before + "): " + plain.stdout().trim() + " " + ns.stdout().trim());
            } catch (Throwable e) {
                report.println("failed: " + e);
            }
        }
    }

    private static void emfile(PrintStream report, boolean ns) {
        Namespaces.spawn().run("/bin/true"); // the JVM-wide things of jns exist now: the next failure is the spawn's
        java.util.List<Integer> held = new java.util.ArrayList<>();
        while (true) {
            int fd = Sys.tryOpen("/dev/null", Native.O_RDONLY, 0);
            if (fd < 0) {
                break;
            }
            held.add(fd);
        }
        try {
            var s = Namespaces.spawn();
            if (ns) {
                s.newUser().mapRootUser().newPid();
            }
            s.run("/bin/true");
            report.println("no failure with " + held.size() + " fds held");
        } catch (NamespaceException e) {
            report.println("NamespaceException: " + e.getMessage());
        } catch (Throwable e) {
            report.println("other: " + e);
        } finally {
            held.forEach(Sys::closeQuietly);
        }
    }
}
