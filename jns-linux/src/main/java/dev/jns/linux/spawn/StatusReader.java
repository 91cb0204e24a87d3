package dev.jns.linux.spawn;

import dev.jns.linux.ffi.Native;
import dev.jns.linux.ffi.Sys;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads the launcher's status records from fd 4's read end:
 * {@code u32 kind | i32 a | i32 b | u32 detail_length | detail}.
 */
final class StatusReader {
    // The record kinds: the twins of status.h's enum status_kind (ProtocolTablesTest); the only int constants here.
    static final int PID = 1;
    static final int ERROR = 2;
    static final int STARTED = 3;
    static final int EXIT = 4;
    static final int TIMEOUT = 5;
    static final int NSIDS = 6;
    static final int CGROUP = 10;

    /** One record. */
    record Record(int kind, int a, int b, String detail) {
    }

    private final int fd;
    // small: a spawn's records (PID, NSIDS, STARTED, EXIT) are about 200 bytes; a bigger one grows pending, and
    // what does not fit in one read stays in the pipe for the next
    private final byte[] chunk = new byte[256];
    private ByteBuffer pending = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN).flip();
    private boolean eof;
    private java.util.ArrayDeque<Record> pushedBack; // made by the first pushBack: most spawns have none

    StatusReader(int fd) {
        this.fd = fd;
    }

    /** Makes {@code r} the next record {@link #next()} returns again (after earlier pushed-back ones). */
    void pushBack(Record r) {
        if (pushedBack == null) {
            pushedBack = new java.util.ArrayDeque<>(4);
        }
        pushedBack.addLast(r);
    }

    /**
     * For a caller that polls the fd: hands every record already pushed back or complete in the buffer to
     * {@code sink}, after one read(2) (which must not block: poll said the fd is readable). Returns false at
     * EOF.
     */
    boolean readAvailable(java.util.function.Consumer<Record> sink) {
        while (pushedBack != null && !pushedBack.isEmpty()) {
            sink.accept(pushedBack.removeFirst());
        }
        if (!eof) {
            int n = Sys.read("read launcher status", fd, chunk, chunk.length);
            if (n == 0) {
                eof = true;
            } else {
                append(n);
            }
        }
        for (Record r = parse(); r != null; r = parse()) {
            sink.accept(r);
        }
        return !eof;
    }

    /**
     * After the launcher has ended: hands {@code sink} every record pushed back, already buffered, or in the pipe
     * now, without waiting. Buffered ones count too when the pipe stays quiet: a record read together with
     * STARTED (a quick command's EXIT) is in the buffer, not the pipe, and the pipe may still have a writer that
     * will never write (the fork server closing its copy of the fd late, under load), so it shows neither data
     * nor a hang-up.
     */
    void readRemaining(java.util.function.Consumer<Record> sink) {
        while (!eof && (Sys.pollOne(fd, Native.POLLIN, 0) & (Native.POLLIN | Native.POLLHUP | Native.POLLERR)) != 0) {
            int n = Sys.read("read launcher status", fd, chunk, chunk.length);
            if (n == 0) {
                eof = true;
            } else {
                append(n);
            }
        }
        while (pushedBack != null && !pushedBack.isEmpty()) {
            sink.accept(pushedBack.removeFirst());
        }
        for (Record r = parse(); r != null; r = parse()) {
            sink.accept(r);
        }
    }

    /** A complete record from the buffer, or null. */
    private Record parse() {
        if (pending.remaining() < 16) {
            return null;
        }
        int p = pending.position();
        int len = pending.getInt(p + 12);
        if (len < 0 || len > 4096) {
            throw new IllegalStateException("launcher status record with detail length " + len);
        }
        if (pending.remaining() < 16 + len) {
            return null;
        }
        int kind = pending.getInt();
        int a = pending.getInt();
        int b = pending.getInt();
        pending.getInt();
        byte[] d = new byte[len];
        pending.get(d);
        return new Record(kind, a, b, new String(d, StandardCharsets.UTF_8));
    }

    private void append(int n) {
        if (pending.capacity() - pending.remaining() < n) {
            ByteBuffer bigger = ByteBuffer.allocate(pending.capacity() * 2 + n).order(ByteOrder.LITTLE_ENDIAN);
            bigger.put(pending).flip();
            pending = bigger;
        }
        pending.compact();
        pending.put(chunk, 0, n);
        pending.flip();
    }

    /** The next record, or null at EOF (a torn last record counts as EOF). */
    Record next() {
        if (pushedBack != null && !pushedBack.isEmpty()) {
            return pushedBack.removeFirst();
        }
        while (true) {
            Record r = parse();
            if (r != null || eof) {
                return r;
            }
            int n = Sys.read("read launcher status", fd, chunk, chunk.length);
            if (n == 0) {
                eof = true;
            } else {
                append(n);
            }
        }
    }
}
