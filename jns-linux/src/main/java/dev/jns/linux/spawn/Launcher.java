package dev.jns.linux.spawn;

import dev.jns.linux.proc.ProcFiles;
import dev.jns.Errno;
import dev.jns.NamespaceException;
import dev.jns.linux.ffi.JarImages;
import dev.jns.linux.ffi.Native;
import dev.jns.linux.ffi.Sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The native launcher binary, shipped in the jar, loaded once per JVM into a sealed memfd (nobody can
 * change it after the seals; no file another user could swap) and executed as {@code /proc/self/fd/N}.
 */
final class Launcher {
    private static final String RESOURCE = "/dev/jns/linux/launcher/jns-launcher-" + System.getProperty("os.arch");

    private final int fd;

    private Launcher(int fd) {
        this.fd = fd;
    }

    /** The lowest number the memfd is moved to: above every fd a spawn sets up (0-5, joins, fds to pass). */
    private static final int FD_MIN = 64;

    /** The path posix_spawn executes. */
    String path() {
        return "/proc/self/fd/" + fd;
    }

    /** The memfd's number. */
    int fd() {
        return fd;
    }

    /**
     * The hint for an EACCES from executing the launcher: a policy against executable memfds when the memfd is
     * still the launcher, else the truth (its fd was replaced: a jns bug).
     */
    String execRefusedHint() {
        String target;
        try {
            target = Files.readSymbolicLink(Path.of(path())).toString();
        } catch (IOException | UnsupportedOperationException e) {
            target = "";
        }
        if (!target.startsWith("/memfd:jns-launcher")) {
            return "fd " + fd + " is no longer the launcher's memfd (" + target + "): this is a jns bug, please "
                    + "report it";
        }
        String noexec = ProcFiles.read("/proc/sys/vm/memfd_noexec");
        return "the kernel refused to execute the launcher from its memfd: a security policy forbids executable "
                + "memfds here (SELinux or AppArmor" + (noexec != null ? ", vm.memfd_noexec=" + noexec : "") + ")";
    }

    static Launcher get() {
        return INSTANCE;
    }

    // loaded at this class's initialization: nothing else of it is used before get() (a holder class would be one
    // more class for a JVM's first spawn to load)
    private static final Launcher INSTANCE = load();

    private static Launcher load() {
        String what = "load the jns launcher";
        int fd = Sys.memfdCreate(what, "jns-launcher",
                Sys.Hint.always("the kernel is older than 3.17 or memfds are forbidden here"));
        try {
            // a class, not a lambda: the first spawn's path (see Spawner.SpawnThread)
            JarImages.copy(Launcher.class, what, RESOURCE, "launcher", new JarImages.Sink() {
                @Override
                public void write(byte[] chunk, int n) {
                    Sys.writeFully(what, fd, chunk, n);
                }
            });
            int seals = Native.F_SEAL_SEAL | Native.F_SEAL_SHRINK | Native.F_SEAL_GROW | Native.F_SEAL_WRITE;
            Sys.fcntl(what, "seal the memfd", fd, Native.F_ADD_SEALS, seals, Sys.Hint.NONE);
            if ("2".equals(ProcFiles.read("/proc/sys/vm/memfd_noexec"))) {
                throw NamespaceException.builder(what).step("check vm.memfd_noexec").errno(Errno.EACCES)
                        .detail("sysctl vm.memfd_noexec is 2: executable memfds are forbidden").hint("set it to 0 or 1")
                        .build();
            }
        } catch (NamespaceException e) {
            Sys.closeQuietly(fd);
            throw e;
        }
        // far from the low numbers a spawn's fd setup writes to (a JVM started with free low fds would
        // otherwise get the memfd there, and the setup would overwrite it before the exec)
        return new Launcher(Sys.moveAtOrAbove(fd, FD_MIN));
    }

}
