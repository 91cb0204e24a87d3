package dev.jns.linux.net;

import dev.jns.Errno;
import dev.jns.NamespaceException;
import dev.jns.NamespaceType;
import dev.jns.Namespaces;
import dev.jns.NsHandle;
import dev.jns.NsProcess;
import dev.jns.spi.NetSession;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Rootless networking: rtnetlink through a {@link NetlinkTool} process started inside the network namespace and
 * the user namespace that owns it ({@code Namespaces.spawn().join(userns).join(netns)}), because the kernel checks
 * CAP_NET_ADMIN on the task that sends each message, and a JVM can neither join a user namespace nor hold
 * capabilities in one it is not in.
 *
 * <p>Conditions (else the error says which failed): the caller must be able to join the owning user namespace
 * (it created it, or is privileged over it) and must be <em>root inside it</em> (the sandbox maps the caller to
 * uid 0, as {@code mapRootUser()} does), since a process that execs as another uid loses its capabilities. The
 * other namespace of a veth pair or of a move must belong to the same user namespace and be open as a
 * {@link dev.jns.net.Net} too: the helper names it by its helper's {@code /proc/PID/ns/net} (a process in a
 * child user namespace may not open the JVM's {@code /proc/PID/fd/N}: EACCES from the kernel's ptrace check). Each helper is one JVM start (some 0.3 s).
 */
final class HelperTransport implements Transport {
    private final NsProcess process;
    private final DataOutputStream out;
    private final DataInputStream in;
    private final StringBuilder stderr;
    private final AtomicInteger seq = new AtomicInteger(1);
    private final Map<NsHandle, Integer> remoteFds = new HashMap<>();
    /** The open helpers, by the namespace they serve. */
    private static final Map<NsHandle, HelperTransport> LIVE = new HashMap<>();
    private NsHandle serves;
    /** The user namespace the helper runs in (the one that owns {@link #serves}), as {@code user:[INODE]}. */
    private String userns = "";
    private boolean closed;

    private HelperTransport(NsProcess process, StringBuilder stderr) {
        this.process = process;
        this.stderr = stderr;
        this.out = new DataOutputStream(process.getOutputStream());
        this.in = new DataInputStream(process.getInputStream());
    }

    static NetSession session(String what, NsHandle netns, NamespaceException enterFailure) {
        String hint = "rootless networking needs a sandbox whose user namespace maps the caller to root "
                + "(Spawn.mapRootUser()) and that the caller may join; as root it works for any namespace";
        NsHandle userns;
        try {
            userns = netns.owner();
        } catch (NamespaceException e) {
            throw NamespaceException.builder(what).step(enterFailure.step()).errno(Errno.EPERM)
                    .detail("and the namespace's owner cannot be opened: " + e.getMessage()).hint(hint)
                    .cause(enterFailure).build();
        }
        try (NsHandle current = Namespaces.current(NamespaceType.USER)) {
            if (userns.equals(current)) {
                throw NamespaceException.builder(what).step(enterFailure.step()).errno(Errno.EPERM)
                        .detail(enterFailure.detail())
                        .hint("the namespace belongs to the caller's own user namespace, where the caller lacks "
                        + "CAP_SYS_ADMIN and CAP_NET_ADMIN: run as root")
                        .cause(enterFailure).build();
            }
        }
        StringBuilder err = new StringBuilder();
        NsProcess p;
        String owner = userns.toString();
        try {
            p = Namespaces.spawn().join(userns).join(netns)
                    .start(javaBin(), "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-Xss512k", "-XX:+UseSerialGC",
                            "-cp", System.getProperty("java.class.path"), NetlinkTool.class.getName());
        } finally {
            userns.close();
        }
        dev.jns.linux.spawn.Background.run(() -> drain(p.getErrorStream(), err));
        HelperTransport t = new HelperTransport(p, err);
        t.userns = owner;
        try {
            if (!NetlinkTool.awaitReady(p.getInputStream())) {
                p.waitFor(5, TimeUnit.SECONDS);
                throw NamespaceException.builder(what).step("start the netlink helper in " + netns).errno(Errno.EPERM)
                        .detail(t.stderrText()).hint(hint).build();
            }
        } catch (IOException | InterruptedException e) {
            t.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw NamespaceException.builder(what).step("start the netlink helper in " + netns).errno(Errno.EIO)
                    .detail(e.toString()).cause(e).build();
        } catch (NamespaceException e) {
            t.close();
            throw e;
        }
        synchronized (LIVE) {
            t.serves = netns;
            LIVE.putIfAbsent(netns, t);
        }
        return new NetlinkSession(t, netns.toString(), t::remoteFd);
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static void drain(InputStream s, StringBuilder into) {
        try {
            byte[] b = s.readAllBytes();
            synchronized (into) {
                into.append(new String(b, StandardCharsets.UTF_8));
            }
        } catch (IOException ignored) {
            // the helper is gone
        }
    }

    private String stderrText() {
        synchronized (stderr) {
            return stderr.toString().strip();
        }
    }

    /**
     * The helper's fd for a JVM handle. A process in a child user namespace may not read the JVM's
     * {@code /proc/PID/fd} (the kernel's ptrace check refuses it: EACCES), but it may open the namespace files
     * of another helper in the same user namespace: so the target namespace must have a live helper, that is
     * an open {@link dev.jns.net.Net}. The fd opened is checked against the handle's device and inode.
     */
    synchronized int remoteFd(String what, NsHandle h) {
        Integer fd = remoteFds.get(h);
        if (fd != null) {
            return fd;
        }
        NetlinkSession.jvmFd(what, h); // EBADF when closed
        HelperTransport other;
        synchronized (LIVE) {
            other = LIVE.get(h);
        }
        if (other == null) {
            throw NamespaceException.builder(what).step("name " + h + " to the netlink helper").errno(Errno.EPERM)
                    .detail("rootless, the helper can name only namespaces that have a helper of their own")
                    .hint("open the target with Net.of(handle) and use veth(name, net, peer) or moveTo(net) while it is open")
                    .build();
        }
        if (!other.userns.equals(userns)) {
            // the helper could not open the other helper's namespace file: the kernel's ptrace check refuses a
            // process of one user namespace access to a process of another it has no capabilities over (EACCES)
            throw NamespaceException.builder(what).step("name " + h + " to the netlink helper").errno(Errno.EPERM)
                    .detail(serves + " belongs to " + userns + " and " + h + " to " + other.userns
                            + ": rootless, both ends of a veth pair (or of a move) must be network namespaces of one "
                            + "user namespace")
                    .hint("make the second network namespace in the first one's user namespace, e.g. "
                            + "Namespaces.spawn().join(userns).newNet().start(..) or a second sandbox joined to the "
                            + "same user namespace; or run as root, which may link any two namespaces")
                    .build();
        }
        byte[] path = ("/proc/" + other.process.pid() + "/ns/net").getBytes(StandardCharsets.UTF_8);
        ByteBuffer answer = ByteBuffer.wrap(send(what, NetlinkTool.KIND_OPEN, path));
        int remote = answer.getInt();
        if (answer.getLong() != h.device() || answer.getLong() != h.inode()) {
            send(what, NetlinkTool.KIND_CLOSE, ByteBuffer.allocate(4).putInt(remote).array());
            throw NamespaceException.builder(what).step("name " + h + " to the netlink helper").errno(Errno.ESTALE)
                    .detail("the helper of " + h + " is no longer in it").build();
        }
        remoteFds.put(h, remote);
        return remote;
    }

    @Override
    public int nextSeq() {
        return seq.incrementAndGet();
    }

    @Override
    public List<NlMessage> exchange(String what, byte[] request) {
        byte[] answer = send(what, NetlinkTool.KIND_NETLINK, request);
        try {
            return new ArrayList<>(NlMessage.parseAll(answer, answer.length));
        } catch (IllegalArgumentException e) {
            throw NamespaceException.builder(what).step("decode the helper's answer").errno(Errno.EIO)
                    .detail(e.getMessage()).cause(e).build();
        }
    }

    private synchronized byte[] send(String what, int kind, byte[] body) {
        if (closed) {
            throw NamespaceException.builder(what).step("use the netlink helper").errno(Errno.EBADF)
                    .detail("the Net is closed").build();
        }
        try {
            out.writeInt(body.length + 1);
            out.writeByte(kind);
            out.write(body);
            out.flush();
            int len = in.readInt();
            int status = in.readUnsignedByte();
            byte[] rest = new byte[len - 1];
            in.readFully(rest);
            if (status == 0) {
                return rest;
            }
            ByteBuffer b = ByteBuffer.wrap(rest);
            int errno = b.getInt();
            throw NamespaceException.builder(what).step("netlink helper").errno(errno)
                    .detail(new String(rest, 4, rest.length - 4, StandardCharsets.UTF_8)).build();
        } catch (IOException e) {
            throw NamespaceException.builder(what).step("talk to the netlink helper").errno(Errno.EIO)
                    .detail(e + (stderrText().isEmpty() ? "" : ": " + stderrText())).hint("the helper process ended")
                    .cause(e).build();
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        synchronized (LIVE) {
            if (serves != null) {
                LIVE.remove(serves, this);
            }
        }
        try {
            out.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.close();
    }
}
