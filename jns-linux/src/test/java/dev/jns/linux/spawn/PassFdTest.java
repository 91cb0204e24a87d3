package dev.jns.linux.spawn;

import dev.jns.InvalidSpecException;
import dev.jns.NamespaceException;
import dev.jns.Namespaces;
import dev.jns.SpawnResult;
import dev.jns.linux.ffi.Sys;
import dev.jns.linux.testing.NoLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Only the fds asked for reach the command, at the numbers asked for; all others stay closed. */
@ExtendWith(NoLeaks.class)
class PassFdTest {
    private static String readAll(int fd) {
        byte[] buf = new byte[4096];
        StringBuilder sb = new StringBuilder();
        for (int n; (n = Sys.read("test", fd, buf, buf.length)) > 0; ) {
            sb.append(new String(buf, 0, n, StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    @Test
    void passedFdsArriveAtTheirTargetsAloneEvenOverTheLaunchersOwn() {
        for (boolean sandbox : new boolean[] {false, true}) {
            int[] a = Sys.pipe("test");
            int[] b = Sys.pipe("test");
            try {
                var s = Namespaces.spawn();
                if (sandbox) {
                    s.newUser().mapRootUser().newPid().newNet();
                }
                // 3 and 4 are the launcher's spec and status fds until right before exec
                SpawnResult r = s.passFd(a[1], 4).passFd(b[1], 3)
                        .run("/bin/sh", "-c", "echo to-a >&4; echo to-b >&3; ls /proc/self/fd; exit 5");
                Sys.closeQuietly(a[1]);
                Sys.closeQuietly(b[1]);
                a[1] = -1;
                b[1] = -1;
                assertThat(r.exitCode()).as(r.stderr()).isEqualTo(5);
                assertThat(readAll(a[0])).isEqualTo("to-a\n");
                assertThat(readAll(b[0])).isEqualTo("to-b\n");
                // ls lists its own directory fd as well (the lowest free one: 5)
                assertThat(r.stdout().lines().toList()).isSubsetOf("0", "1", "2", "3", "4", "5")
                        .contains("0", "1", "2", "3", "4");
            } finally {
                for (int fd : new int[] {a[0], a[1], b[0], b[1]}) {
                    Sys.closeQuietly(fd);
                }
            }
        }
    }

    @Test
    void errorsAfterTheMoveAreStillReported() {
        int[] p = Sys.pipe("test");
        try {
            assertThatThrownBy(() -> Namespaces.spawn().passFd(p[1], 4).run("/nonexistent/jns-prog"))
                    .isInstanceOf(NamespaceException.class).hasMessageContaining("ENOENT");
        } finally {
            Sys.closeQuietly(p[0]);
            Sys.closeQuietly(p[1]);
        }
    }

    @Test
    void badRequestsAreRefusedNamingTheField() {
        assertThatThrownBy(() -> Namespaces.spawn().passFd(1, 2)).isInstanceOf(InvalidSpecException.class)
                .extracting(e -> ((InvalidSpecException) e).field()).isEqualTo("passFd target");
        assertThatThrownBy(() -> Namespaces.spawn().passFd(-1, 3)).isInstanceOf(InvalidSpecException.class);
        assertThatThrownBy(() -> Namespaces.spawn().passFd(1, 3).passFd(2, 3)).hasMessageContaining("twice");
        int closed = 54321; // a number nothing here opens (a just-closed one could be reused by the spawn's pipes)
        NamespaceException e = org.junit.jupiter.api.Assertions.assertThrows(NamespaceException.class,
                () -> Namespaces.spawn().passFd(closed, 7).run("/bin/true"));
        assertThat(e.errnoName()).isEqualTo("EBADF");
        assertThat(e.getMessage()).contains("not open");
    }
}
