package dev.jns.linux.net;

import dev.jns.linux.ffi.Native;
import dev.jns.linux.ffi.Sys;
import dev.jns.NamespaceException;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The helper of rootless networking: a tiny program that {@link HelperTransport} starts inside a sandbox's user
 * and network namespaces ({@code java -cp <the JVM's class path> dev.jns.linux.net.NetlinkTool}). There, as root
 * of the user namespace, it holds CAP_NET_ADMIN over the sandbox's network namespaces, which the JVM outside does
 * not. It opens a NETLINK_ROUTE socket and relays: every request the JVM encoded goes to the kernel unchanged,
 * every answer comes back unchanged. It only decodes its own small framing, and it can open a file (another helper's
 * {@code /proc/PID/ns/net}) to name another namespace by fd.
 *
 * <p>Framing on stdin/stdout, big-endian: a request is {@code u32 length, u8 kind, bytes}; kind 1 is a netlink
 * message, kind 2 a path to open (UTF-8); kind 3 closes an fd (u32). An answer is {@code u32 length, u8 status,
 * bytes}: status 0 with the answer messages back to back (kind 1), or the opened fd as u32 with its st_dev and st_ino as u64 (kind 2); status 1 with
 * {@code u32 errno, UTF-8 text}. EOF on stdin ends the tool. Not an API.
 */
public final class NetlinkTool {
    static final int KIND_NETLINK = 1;
    static final int KIND_OPEN = 2;
    static final int KIND_CLOSE = 3;
    static final String READY = "jns-netlink-tool ready\n";

    private NetlinkTool() {
    }

    /** Runs the relay on stdin/stdout until EOF. */
    public static void main(String[] args) throws IOException {
        DataInputStream in = new DataInputStream(System.in);
        OutputStream rawOut = new java.io.FileOutputStream(java.io.FileDescriptor.out);
        DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(rawOut));
        NlSocket socket;
        try {
            socket = NlSocket.open("netlink tool");
        } catch (NamespaceException e) {
            System.err.println("jns-netlink-tool: " + e.getMessage());
            System.exit(3);
            return;
        }
        out.write(READY.getBytes(StandardCharsets.US_ASCII));
        out.flush();
        while (true) {
            int len;
            try {
                len = in.readInt();
            } catch (EOFException e) {
                break;
            }
            int kind = in.readUnsignedByte();
            byte[] body = new byte[len - 1];
            in.readFully(body);
            try {
                byte[] answer = switch (kind) {
                    case KIND_NETLINK -> encode(socket.exchange("netlink tool", body));
                    case KIND_OPEN -> openFd(new String(body, StandardCharsets.UTF_8));
                    case KIND_CLOSE -> {
                        Sys.closeQuietly(ByteBuffer.wrap(body).getInt());
                        yield new byte[0];
                    }
                    default -> throw NamespaceException.builder("netlink tool").step("read a request").errno(22)
                            .detail("kind " + kind).build();
                };
                out.writeInt(answer.length + 1);
                out.writeByte(0);
                out.write(answer);
            } catch (NamespaceException e) {
                byte[] text = e.getMessage().getBytes(StandardCharsets.UTF_8);
                out.writeInt(text.length + 5);
                out.writeByte(1);
                out.writeInt(e.errno());
                out.write(text);
            }
            out.flush();
        }
        socket.close();
    }

    private static byte[] openFd(String path) {
        int fd = Sys.open("netlink tool", "open " + path, path, Native.O_RDONLY, 0, Sys.Hint.NONE);
        long[] st;
        try {
            st = Sys.devIno("netlink tool", fd);
        } catch (NamespaceException e) {
            Sys.closeQuietly(fd);
            throw e;
        }
        return ByteBuffer.allocate(20).putInt(fd).putLong(st[0]).putLong(st[1]).array();
    }

    /** Messages back to back, each with its 16-byte header, in native order. */
    static byte[] encode(List<NlMessage> ms) {
        int total = 0;
        for (NlMessage m : ms) {
            total += Nl.align(Nl.HDRLEN + m.payload().length);
        }
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.nativeOrder());
        for (NlMessage m : ms) {
            int start = b.position();
            b.putInt(Nl.HDRLEN + m.payload().length).putShort((short) m.type()).putShort((short) m.flags())
                    .putInt(m.seq()).putInt(m.pid()).put(m.payload());
            b.position(start + Nl.align(Nl.HDRLEN + m.payload().length));
        }
        return b.array();
    }

    /** Reads exactly the READY line from a starting tool; false at EOF. */
    static boolean awaitReady(InputStream in) throws IOException {
        byte[] want = READY.getBytes(StandardCharsets.US_ASCII);
        for (byte w : want) {
            int c = in.read();
            if (c != (w & 0xff)) {
                return false;
            }
        }
        return true;
    }
}
