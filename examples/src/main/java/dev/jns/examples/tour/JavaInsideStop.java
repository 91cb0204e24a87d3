package dev.jns.examples.tour;

import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsHandle;
import dev.jns.NsProcess;

import java.net.NetworkInterface;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Java code inside a namespace: {@code NsHandle.call} runs a lambda on a platform thread that has joined
 * the namespace, so the JDK's own APIs ({@code NetworkInterface}, files under {@code /proc/sys}) see it.
 * Needs CAP_SYS_ADMIN over the namespace: root (a JVM cannot join a user namespace).
 */
public final class JavaInsideStop implements TourStop {
    /** The hostname of the sandbox whose namespaces the Java code enters. */
    public static final String HOSTNAME = "java-inside";

    @Override
    public String title() {
        return "Java code inside a namespace";
    }

    @Override
    public String shell() {
        return "nsenter --target PID --net --uts  (for a thread of this JVM, not a new process)";
    }

    @Override
    public Set<NamespaceType> needs() {
        return Set.of(NamespaceType.NET, NamespaceType.UTS);
    }

    @Override
    public void show(View v) throws Exception {
        try (NsProcess p = Namespaces.spawn().newNet().newUts().hostname(HOSTNAME).start("sh", "-c", "read x");
             NsHandle net = p.namespace(NamespaceType.NET);
             NsHandle uts = p.namespace(NamespaceType.UTS)) {
            v.row("net/dev", links(), net.call(JavaInsideStop::links));
            v.row("NetworkInterface lo", up("lo"), net.call(() -> up("lo")));
            v.note("(NetworkInterface.getNetworkInterfaces() is no help here: it reads /proc/net, which follows the");
            v.note(" JVM's main thread; per-name lookups use a socket, which follows the calling thread)");
            v.row("/proc/sys/.../hostname", hostname(), uts.call(JavaInsideStop::hostname));
            v.row("Thread", Thread.currentThread().getName(), net.call(() -> Thread.currentThread().getName()));
            p.getOutputStream().close();
            p.waitFor();
        }
    }

    /** The interfaces of the calling thread's network namespace (thread-self: /proc/net is the main thread's). */
    private static String links() throws java.io.IOException {
        return Files.readAllLines(Path.of("/proc/thread-self/net/dev")).stream().skip(2)
                .map(l -> l.strip().split(":")[0]).sorted().collect(Collectors.joining(" "));
    }

    private static String up(String name) throws java.net.SocketException {
        NetworkInterface i = NetworkInterface.getByName(name);
        return i == null ? "absent" : i.isUp() ? "up" : "down";
    }

    private static String hostname() throws java.io.IOException {
        return Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
    }
}
