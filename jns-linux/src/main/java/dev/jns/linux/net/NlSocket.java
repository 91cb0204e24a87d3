package dev.jns.linux.net;

import dev.jns.Errno;
import dev.jns.NamespaceException;
import dev.jns.linux.ffi.Sys;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
    private static final Logger LOG = LoggerFactory.getLogger(NlSocket.class);
    static final int TIMEOUT_SECONDS = 10;
    private static final int BUFFER = 64 * 1024;

    private final Object lock = new Object();
    private final AtomicInteger seq = new AtomicInteger((int) (System.nanoTime() & 0xffff));
    private final byte[] buffer = new byte[BUFFER];
    private int fd;

    private NlSocket(int fd) {
        this.fd = fd;
    }

    /** Opens a socket in the calling thread's network namespace. */
    static NlSocket open(String what) {
        int fd = Sys.socket(what, "socket(AF_NETLINK, NETLINK_ROUTE)", Nl.AF_NETLINK, Nl.SOCK_RAW | Nl.SOCK_CLOEXEC,
                Nl.NETLINK_ROUTE);
        try {
            // best effort: without them errors still come, only with less detail (kernels before 4.12)
            if (Sys.trySetsockoptInt(fd, Nl.SOL_NETLINK, Nl.NETLINK_EXT_ACK, 1) < 0
                    || Sys.trySetsockoptInt(fd, Nl.SOL_NETLINK, Nl.NETLINK_CAP_ACK, 1) < 0) {
                LOG.debug("{}: netlink extended acks unavailable; kernel errors come without their message", what);
            }
            Sys.receiveTimeout(what, fd, TIMEOUT_SECONDS);
            Sys.bindNetlink(what, fd, Nl.AF_NETLINK);
        } catch (RuntimeException e) {
            Sys.closeQuietly(fd);
            throw e;
        }
        return new NlSocket(fd);
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
            int n = Sys.trySendToKernel(fd, Nl.AF_NETLINK, request);
            if (n < 0) {
                throw NamespaceException.builder(what).step("send " + type).errno(-n).build();
            }
            List<NlMessage> out = new ArrayList<>();
            while (true) {
                int r = Sys.tryRecv(fd, buffer);
                if (r < 0) {
                    int e = -r;
                    throw NamespaceException.builder(what).step("receive the answer to " + type).errno(e)
                            .detail(e == Errno.EAGAIN ? "no answer in " + TIMEOUT_SECONDS + " s" : null).build();
                }
                List<NlMessage> got;
                try {
                    got = NlMessage.parseAll(buffer, r);
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
                Sys.closeQuietly(fd);
                fd = -1;
            }
        }
    }
}
