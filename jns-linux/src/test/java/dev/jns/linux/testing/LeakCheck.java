package dev.jns.linux.testing;

import dev.jns.linux.spawn.ServerStarts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Counts what a test could leak — the JVM's open fds, its threads named jns-enter, its child processes
 * (zombies included) and, in a root JVM, the host's mounts — and checks after the test that nothing grew. Reaping
 * is asynchronous, so the check waits up to ten seconds for the counts to come back (it returns as soon as they
 * are: the bound matters only on a machine under heavy load, where two seconds were once not enough). A JVM without root cannot
 * mount in its own mount namespace, so there any change is another process's (a concurrent build on the same
 * host made this check flaky): mounts are counted only as root.
 */
public final class LeakCheck {
    private final int fds;
    private final List<String> fdsAtStart;
    private final int enterThreads;
    private final List<Long> children;
    private final int mounts;

    static {
        // The JDK's socket dispatcher keeps one socket fd for the JVM's life (its pre-close socket), made the
        // first time a socket is closed: make it now, so that a test which happens to close the JVM's first socket
        // is not charged with it (seen in EnterTest on JDK 25).
        try {
            new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()).close();
            java.nio.channels.SocketChannel.open().close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Likewise /dev/random and /dev/urandom, which the JDK's NativePRNG opens the first time a SecureRandom is
        // made (JUnit's @TempDir makes one) and keeps open (jns made one itself until its JNI library's directory
        // got names without it).
        new java.security.SecureRandom().nextInt();
    }

    private LeakCheck() {
        ServerStarts.settle(); // a fork server that comes up during the test is the JVM's, not the test's
        fds = fds();
        fdsAtStart = fdEntries();
        enterThreads = enterThreads();
        children = children();
        mounts = mounts();
    }

    /** Takes the counts now. */
    public static LeakCheck start() {
        return new LeakCheck();
    }

    /** Fails naming what grew. */
    public void assertNoLeaks() {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (fds() <= fds && enterThreads() <= enterThreads && children().size() <= children.size()
                    && mounts() <= mounts) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<String> added = fdEntries();
        added.removeAll(fdsAtStart);
        assertThat(fds()).as("open fds of the JVM (new since the start: %s)", added).isLessThanOrEqualTo(fds);
        assertThat(enterThreads()).as("jns-enter threads").isLessThanOrEqualTo(enterThreads);
        assertThat(children()).as("child processes of the JVM (zombies included)").hasSizeLessThanOrEqualTo(children.size());
        assertThat(mounts()).as("mounts in the JVM's mount namespace").isLessThanOrEqualTo(mounts);
    }

    public static int fds() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return (int) s.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> fdEntries() {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            s.forEach(p -> {
                try {
                    out.add(p.getFileName() + "->" + Files.readSymbolicLink(p));
                } catch (IOException e) {
                    out.add(p.getFileName() + "->?");
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    public static int enterThreads() {
        return (int) Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("jns-enter")).count();
    }

    /**
     * Pids whose parent is this JVM, zombies included (ProcessHandle hides zombies, /proc does not), but for the live
     * fork server and its standby supervisor, which waits for the next light spawn: the JVM's machinery, which comes
     * and goes with each light spawn a moment after it (the server bears the standby's name while it clones one, so
     * that no standby is ever seen with the server's). Their zombies are counted.
     */
    public static List<Long> children() {
        long self = ProcessHandle.current().pid();
        List<Long> kids = new ArrayList<>();
        try (Stream<Path> s = Files.list(Path.of("/proc"))) {
            s.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).forEach(p -> {
                try {
                    String stat = Files.readString(p.resolve("stat"));
                    String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    if (Long.parseLong(f[1]) == self && !waitingStandby(stat)) {
                        kids.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException gone) {
                    // the process ended while we looked
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return kids;
    }

    /** Whether a /proc/PID/stat line is the live fork server's or its standby supervisor's (the launcher's light.c). */
    public static boolean waitingStandby(String stat) {
        return (stat.contains(" (jns-standby) ") || stat.contains(" (jns-forkserver) "))
                && !stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    }

    public static int mounts() {
        if (!Probe.root()) {
            return 0;
        }
        try {
            return Files.readAllLines(Path.of("/proc/self/mountinfo")).size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
