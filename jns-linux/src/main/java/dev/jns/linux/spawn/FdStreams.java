package dev.jns.linux.spawn;

import dev.jns.Errno;
import dev.jns.linux.ffi.Sys;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.atomic.AtomicInteger;

/** Java streams over raw pipe fds that the JVM owns (the JDK gives no public way to wrap an int fd). */
final class FdStreams {
    private FdStreams() {
    }

    /** Reads from an fd; close() closes it, once. */
    static final class In extends InputStream {
        private final AtomicInteger fd;
        private byte[] buf = new byte[0];

        In(int fd) {
            this.fd = new AtomicInteger(fd);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            if (len == 0) {
                return 0;
            }
            int f = fd.get();
            if (f < 0) {
                throw new IOException("Stream closed");
            }
            int want = Math.min(len, 64 * 1024);
            if (buf.length < want) {
                buf = new byte[Math.max(want, 8192)];
            }
            int n = Sys.tryRead(f, buf, want);
            if (n > 0) {
                System.arraycopy(buf, 0, b, off, n);
                return n;
            }
            if (n == 0) {
                return -1;
            }
            if (fd.get() < 0) {
                throw new IOException("Stream closed");
            }
            throw new IOException("read: " + Errno.name(-n) + " (" + Errno.describe(-n) + ")");
        }

        @Override
        public void close() {
            int f = fd.getAndSet(-1);
            Sys.closeQuietly(f);
        }
    }

    /** Writes to an fd; close() closes it, once. */
    static final class Out extends OutputStream {
        private final AtomicInteger fd;

        Out(int fd) {
            this.fd = new AtomicInteger(fd);
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            java.util.Objects.checkFromIndexSize(off, len, b.length);
            int done = 0;
            while (done < len) {
                int f = fd.get();
                if (f < 0) {
                    throw new IOException("Stream closed");
                }
                int n = Sys.tryWrite(f, b, off + done, len - done);
                if (n < 0) {
                    int e = -n;
                    throw new IOException(e == 32 ? "Broken pipe: the process has closed its stdin or ended"
                            : "write: " + Errno.name(e) + " (" + Errno.describe(e) + ")");
                }
                done += n;
            }
        }

        @Override
        public void close() {
            int f = fd.getAndSet(-1);
            Sys.closeQuietly(f);
        }
    }
}
