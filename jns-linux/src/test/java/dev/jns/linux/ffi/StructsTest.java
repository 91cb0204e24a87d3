package dev.jns.linux.ffi;

import jnr.ffi.Runtime;
import jnr.ffi.Struct;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The {@link Structs} jns hands to libc have the layout this machine's C compiler gives the C structs
 * ({@code src/test/c/struct_layout.c} prints sizes and offsets).
 */
class StructsTest {
    private static final Runtime R = Native.RUNTIME;
    private static final Map<String, Long> C = new HashMap<>();

    @BeforeAll
    static void compileAndRunStructLayout() throws Exception {
        Path out = Path.of("target", "struct_layout");
        Files.createDirectories(out.getParent());
        Process cc;
        try {
            cc = new ProcessBuilder("cc", "-std=c11", "-Wall", "-Wextra", "-Werror", "-D_GNU_SOURCE", "-o",
                    out.toString(), "src/test/c/struct_layout.c").redirectErrorStream(true).start();
        } catch (IOException e) {
            assumeTrue(false, "no C compiler (cc) on PATH: " + e.getMessage());
            return;
        }
        String log = new String(cc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(cc.waitFor()).as("cc struct_layout: %s", log).isZero();
        Process p = new ProcessBuilder(out.toAbsolutePath().toString()).start();
        for (String line : new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            int sp = line.lastIndexOf(' ');
            C.put(line.substring(0, sp), Long.parseLong(line.substring(sp + 1)));
        }
        assertThat(p.waitFor()).isZero();
    }

    private static long c(String name) {
        assertThat(C).as("struct_layout printed %s", name).containsKey(name);
        return C.get(name);
    }

    @Test
    void statHasDevAndInoWhereCPutsThemAndRoomForTheWholeStruct() {
        Structs.Stat s = new Structs.Stat(R);
        assertThat(s.dev.offset()).isEqualTo(c("struct stat.st_dev"));
        assertThat(s.ino.offset()).isEqualTo(c("struct stat.st_ino"));
        assertThat((long) Struct.size(s)).isGreaterThanOrEqualTo(c("struct stat"));
    }

    @Test
    void statxAndStatfsHaveTheirFieldsWhereCPutsThem() {
        Structs.Statx x = new Structs.Statx(R);
        assertThat((long) Struct.size(x)).isEqualTo(c("struct statx"));
        assertThat(x.uid.offset()).isEqualTo(c("struct statx.stx_uid"));
        assertThat(x.mode.offset()).isEqualTo(c("struct statx.stx_mode"));
        assertThat(x.ino.offset()).isEqualTo(c("struct statx.stx_ino"));
        assertThat(x.size.offset()).isEqualTo(c("struct statx.stx_size"));
        assertThat(x.devMajor.offset()).isEqualTo(c("struct statx.stx_dev_major"));
        assertThat(x.devMinor.offset()).isEqualTo(c("struct statx.stx_dev_minor"));
        Structs.Statfs f = new Structs.Statfs(R);
        assertThat((long) Struct.size(f)).isEqualTo(c("struct statfs"));
        assertThat(f.type.offset()).isEqualTo(c("struct statfs.f_type"));
    }

    @Test
    void pollFdIoVecMsgHdrAreLaidOutAsInC() {
        Structs.PollFd p = new Structs.PollFd(R);
        assertThat((long) Struct.size(p)).isEqualTo(c("struct pollfd"));
        assertThat(p.events.offset()).isEqualTo(c("struct pollfd.events"));
        assertThat(p.revents.offset()).isEqualTo(c("struct pollfd.revents"));
        Structs.IoVec v = new Structs.IoVec(R);
        assertThat((long) Struct.size(v)).isEqualTo(c("struct iovec"));
        assertThat(v.len.offset()).isEqualTo(c("struct iovec.iov_len"));
        Structs.MsgHdr m = new Structs.MsgHdr(R);
        assertThat((long) Struct.size(m)).isEqualTo(c("struct msghdr"));
        assertThat(m.nameLen.offset()).isEqualTo(c("struct msghdr.msg_namelen"));
        assertThat(m.iov.offset()).isEqualTo(c("struct msghdr.msg_iov"));
        assertThat(m.iovLen.offset()).isEqualTo(c("struct msghdr.msg_iovlen"));
        assertThat(m.control.offset()).isEqualTo(c("struct msghdr.msg_control"));
        assertThat(m.controlLen.offset()).isEqualTo(c("struct msghdr.msg_controllen"));
        assertThat(m.flags.offset()).isEqualTo(c("struct msghdr.msg_flags"));
    }

    @Test
    void rightsCmsgMatchesCmsgLenAndCmsgSpace() {
        Structs.RightsCmsg one = new Structs.RightsCmsg(R, 1);
        assertThat(one.level.offset()).isEqualTo(c("struct cmsghdr.cmsg_level"));
        assertThat(one.type.offset()).isEqualTo(c("struct cmsghdr.cmsg_type"));
        assertThat(one.fds[0].offset()).isEqualTo(c("CMSG_LEN(4)") - 4);
        assertThat(Structs.RightsCmsg.length(1)).isEqualTo(c("CMSG_LEN(4)"));
        assertThat((long) Struct.size(one)).isEqualTo(c("CMSG_SPACE(4)"));
        assertThat((long) Struct.size(new Structs.RightsCmsg(R, 6))).isEqualTo(c("CMSG_SPACE(24)"));
        assertThat((long) Struct.size(new Structs.RightsCmsg(R, 7))).isEqualTo(c("CMSG_SPACE(28)"));
    }

    @Test
    void timevalAndSockaddrNlAreLaidOutAsInC() {
        Structs.TimeVal t = new Structs.TimeVal(R);
        assertThat((long) Struct.size(t)).isEqualTo(c("struct timeval"));
        assertThat(t.usec.offset()).isEqualTo(c("struct timeval.tv_usec"));
        Structs.SockaddrNl a = new Structs.SockaddrNl(R);
        assertThat((long) Struct.size(a)).isEqualTo(c("struct sockaddr_nl"));
        assertThat(a.pid.offset()).isEqualTo(c("struct sockaddr_nl.nl_pid"));
        assertThat(a.groups.offset()).isEqualTo(c("struct sockaddr_nl.nl_groups"));
    }

    @Test
    void theOpaqueGlibcTypesHaveGlibcsSize() {
        assertThat((long) Struct.size(new Structs.SigSet(R))).isEqualTo(c("sigset_t"));
        assertThat((long) Struct.size(new Structs.SpawnAttr(R))).isEqualTo(c("posix_spawnattr_t"));
        assertThat((long) Struct.size(new Structs.FileActions(R))).isEqualTo(c("posix_spawn_file_actions_t"));
    }
}
