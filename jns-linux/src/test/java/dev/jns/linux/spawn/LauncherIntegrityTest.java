package dev.jns.linux.spawn;

import dev.jns.Namespaces;
import org.junit.jupiter.api.Test;

import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The launcher the JVM executes lives in a sealed memfd: no file another user could replace or modify. */
class LauncherIntegrityTest {
    @Test
    void launcherIsASealedMemfdThatNobodyCanWrite() throws IOException {
        Namespaces.spawn().run("/bin/true");
        List<Path> memfds;
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            memfds = fds.filter(p -> {
                try {
                    return Files.readSymbolicLink(p).toString().startsWith("/memfd:jns-launcher");
                } catch (IOException e) {
                    return false;
                }
            }).toList();
        }
        assertThat(memfds).as("the launcher memfd").hasSize(1);
        Path fd = memfds.get(0);
        // F_SEAL_WRITE and F_SEAL_GROW: even root, even through /proc, cannot change a byte of it
        assertThatThrownBy(() -> {
            try (FileOutputStream out = new FileOutputStream(fd.toFile(), true)) {
                out.write(0);
            }
        }).isInstanceOf(IOException.class)
                // EPERM from the seals, or ETXTBSY while a launcher runs from it: either way, no write
                .hasMessageMatching(".*(not permitted|Text file busy).*");
        assertThatThrownBy(() -> {
            try (var raf = new java.io.RandomAccessFile(fd.toFile(), "rw")) {
                raf.write(0);
            }
        }).isInstanceOf(IOException.class);
        // what a launcher process executes is that memfd, not a path on disk
        try (var p = Namespaces.spawn().start("/bin/sleep", "5")) {
            long launcher = p.toHandle().parent().orElseThrow().pid();
            String exe = Files.readSymbolicLink(Path.of("/proc", Long.toString(launcher), "exe")).toString();
            assertThat(exe).startsWith("/memfd:jns-launcher");
        }
    }
}
