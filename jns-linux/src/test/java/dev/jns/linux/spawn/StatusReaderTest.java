package dev.jns.linux.spawn;

import dev.jns.linux.ffi.Sys;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

/**
 * The launcher's status records as {@link StatusReader} hands them on, on a real pipe. The case that lost a
 * {@code run()}'s exit status under load ("the jns launcher ... ended with exit code 0 before it reported the
 * command's end", about 1 spawn in 16,000 at load 30–60): a quick command's EXIT arrives in the same read as
 * STARTED, so it sits in the reader's buffer, while the pipe keeps a writer that never writes (the fork server,
 * descheduled before it closed its copy of the fd): at the end the pipe shows neither data nor a hang-up.
 */
class StatusReaderTest {
    private static byte[] record(int kind, int a, int b, String detail) {
        byte[] d = detail.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(16 + d.length).order(ByteOrder.LITTLE_ENDIAN).putInt(kind).putInt(a).putInt(b)
                .putInt(d.length).put(d).array();
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void recordsReadWithStartedAreHandedOnAtTheEndThoughThePipeStillHasAQuietWriter() {
        int[] pipe = Sys.pipe("test");
        try {
            Sys.writeFully("test", pipe[1], concat(record(StatusReader.PID, 4242, 0, ""),
                    record(StatusReader.STARTED, 0, 0, ""), record(StatusReader.EXIT, 0, 0, "rusage")));
            StatusReader status = new StatusReader(pipe[0]);
            assertThat(status.next().kind()).isEqualTo(StatusReader.PID);
            assertThat(status.next().kind()).isEqualTo(StatusReader.STARTED);
            // pipe[1] stays open: a writer that never writes again, as the fork server's late copy
            List<StatusReader.Record> rest = new ArrayList<>();
            status.readRemaining(rest::add);
            assertThat(rest).extracting(StatusReader.Record::kind).containsExactly(StatusReader.EXIT);
            assertThat(rest.get(0).detail()).isEqualTo("rusage");
        } finally {
            Sys.closeQuietly(pipe[0]);
            Sys.closeQuietly(pipe[1]);
        }
    }

    @Test
    void pushedBackRecordsComeFirstThenWhatThePipeHoldsToItsEnd() {
        int[] pipe = Sys.pipe("test");
        try {
            StatusReader status = new StatusReader(pipe[0]);
            status.pushBack(new StatusReader.Record(StatusReader.EXIT, 7, 0, "early"));
            Sys.writeFully("test", pipe[1], concat(record(StatusReader.EXIT, 0, 0, "launcher"),
                    record(StatusReader.CGROUP, 0, 0, "memory.peak=1")));
            Sys.closeQuietly(pipe[1]);
            pipe[1] = -1;
            List<StatusReader.Record> rest = new ArrayList<>();
            status.readRemaining(rest::add);
            assertThat(rest).extracting(StatusReader.Record::detail).containsExactly("early", "launcher",
                    "memory.peak=1");
        } finally {
            Sys.closeQuietly(pipe[0]);
            Sys.closeQuietly(pipe[1]);
        }
    }

    /** Records of any size (the reader starts with small buffers: bigger ones must grow them or take more reads). */
    @Test
    void recordsOfAnySizeComeBackInOrderWhateverTheReadsCut() {
        qt().forAll(lists().of(integers().between(0, 3000)).ofSizeBetween(0, 12), integers().between(0, 1))
                .checkAssert((lengths, useNext) -> {
                    int[] pipe = Sys.pipe("test");
                    try {
                        java.io.ByteArrayOutputStream stream = new java.io.ByteArrayOutputStream();
                        List<String> details = new ArrayList<>();
                        for (int i = 0; i < lengths.size(); i++) {
                            String d = String.valueOf((char) ('a' + i % 26)).repeat(lengths.get(i));
                            details.add(d);
                            stream.writeBytes(record(StatusReader.CGROUP, i, -i, d));
                        }
                        Sys.writeFully("test", pipe[1], stream.toByteArray()); // under the pipe's 64 KiB
                        Sys.closeQuietly(pipe[1]);
                        pipe[1] = -1;
                        StatusReader status = new StatusReader(pipe[0]);
                        List<StatusReader.Record> got = new ArrayList<>();
                        if (useNext == 1) {
                            for (StatusReader.Record r = status.next(); r != null; r = status.next()) {
                                got.add(r);
                            }
                        } else {
                            status.readRemaining(got::add);
                        }
                        assertThat(got).extracting(StatusReader.Record::detail).containsExactlyElementsOf(details);
                        for (int i = 0; i < got.size(); i++) {
                            assertThat(got.get(i).a()).isEqualTo(i);
                            assertThat(got.get(i).b()).isEqualTo(-i);
                        }
                    } finally {
                        Sys.closeQuietly(pipe[0]);
                        Sys.closeQuietly(pipe[1]);
                    }
                });
    }
}
