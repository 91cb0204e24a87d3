package dev.jns.linux.net;

import dev.jns.Errno;
import dev.jns.NamespaceException;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Runtime;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A NETLINK_ROUTE socket. It belongs to the network namespace of the thread that opened it, for its whole life,
 * whatever thread uses it later. Replies are awaited at most {@link #TIMEOUT_SECONDS} (a kernel always answers;
 * the timeout only turns a bug into an error). Thread-safe: one exchange at a time.
 */
final class NlSocket implements Transport {
    static final SocketLib LIB = LibraryLoader.create(SocketLib.class).load("c");
    private static final Runtime RT = Runtime.getRuntime(LIB);
    static final int TIMEOUT_SECONDS = 10;
    private static final int BUFFER = 64 * 1024;

    private final Object lock = new Object();
    private final AtomicInteger seq = new AtomicInteger((int) (System.nanoTime() & 0xffff));
    private final byte[] buffer = new byte[BUFFER];
    private int fd;

    private NlSocket(int fd) {
        this.fd = fd;
    }

    static int errno() {
        return RT.getLastError();
    }

    /** Opens a socket in the calling thread's network namespace. */
    static NlSocket open(String what) {
        int fd = LIB.socket(Nl.AF_NETLINK, Nl.SOCK_RAW | Nl.SOCK_CLOEXEC, Nl.NETLINK_ROUTE);
        if (fd < 0) {
            int e = errno();
            throw NamespaceException.builder(what).step("socket(AF_NETLINK, NETLINK_ROUTE)").errno(e)
                    .hint(e == Errno.EMFILE || e == Errno.ENFILE ? "too many open files: close Net objects you no longer need" : null)
                    .build();
        }
        try {
            byte[] one = intBytes(1);
            // best effort: without them errors still come, only with less detail
            LIB.setsockopt(fd, Nl.SOL_NETLINK, Nl.NETLINK_EXT_ACK, one, 4);
            LIB.setsockopt(fd, Nl.SOL_NETLINK, Nl.NETLINK_CAP_ACK, one, 4);
            ByteBuffer tv = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putLong(TIMEOUT_SECONDS).putLong(0);
            if (LIB.setsockopt(fd, Nl.SOL_SOCKET, Nl.SO_RCVTIMEO, tv.array(), 16) != 0) {
                throw NamespaceException.builder(what).step("setsockopt SO_RCVTIMEO").errno(errno()).build();
            }
            ByteBuffer addr = ByteBuffer.allocate(12).order(ByteOrder.nativeOrder())
                    .putShort((short) Nl.AF_NETLINK).putShort((short) 0).putInt(0).putInt(0);
            if (LIB.bind(fd, addr.array(), 12) != 0) {
                throw NamespaceException.builder(what).step("bind netlink socket").errno(errno()).build();
            }
        } catch (RuntimeException e) {
            LIB.close(fd);
            throw e;
        }
        return new NlSocket(fd);
    }

    private static byte[] intBytes(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(v).array();
    }

    @Override
    public int nextSeq() {
        return seq.incrementAndGet();
    }

    @Override
    public List<NlMessage> exchange(String what, byte[] request) {
        synchronized (lock) {
            if (fd < 0) {
                throw NamespaceException.builder(what).step("use the netlink socket").errno(Errno.EBADF)
                        .detail("the Net is closed").hint("use a Net only before closing it").build();
            }
            ByteBuffer hdr = ByteBuffer.wrap(request).order(ByteOrder.nativeOrder());
            int reqSeq = hdr.getInt(8);
            String type = Nl.typeName(Short.toUnsignedInt(hdr.getShort(4)));
            byte[] kernel = new byte[12];
            kernel[0] = (byte) Nl.AF_NETLINK;
            long n;
            do {
                n = LIB.sendto(fd, request, request.length, 0, kernel, 12);
            } while (n < 0 && errno() == Errno.EINTR);
            if (n < 0) {
                throw NamespaceException.builder(what).step("send " + type).errno(errno()).build();
            }
            List<NlMessage> out = new ArrayList<>();
            while (true) {
                long r = LIB.recv(fd, buffer, buffer.length, 0);
                if (r < 0) {
                    int e = errno();
                    if (e == Errno.EINTR) {
                        continue;
                    }
                    throw NamespaceException.builder(what).step("receive the answer to " + type).errno(e)
                            .detail(e == Errno.EAGAIN ? "no answer in " + TIMEOUT_SECONDS + " s" : null).build();
                }
                List<NlMessage> got;
                try {
                    got = NlMessage.parseAll(buffer, (int) r);
                } catch (IllegalArgumentException ex) {
                    throw NamespaceException.builder(what).step("decode the answer to " + type)
                            .errno(Errno.number("EPROTO")).detail(ex.getMessage()).cause(ex).build();
                }
                for (NlMessage m : got) {
                    if (m.seq() != reqSeq) {
                        continue; // a late answer to an earlier, abandoned request
                    }
                    out.add(m);
                    if (m.type() == Nl.NLMSG_ERROR || m.type() == Nl.NLMSG_DONE) {
                        return out;
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (fd >= 0) {
                LIB.close(fd);
                fd = -1;
            }
        }
    }
}
