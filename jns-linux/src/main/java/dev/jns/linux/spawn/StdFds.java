package dev.jns.linux.spawn;

import dev.jns.linux.ffi.Native;
import dev.jns.linux.ffi.Sys;

/**
 * Fills closed standard fds (0, 1, 2) of the JVM with /dev/null, once, before jns opens anything: otherwise
 * the next fd jns opens (a pipe, the launcher's memfd) would take the free number, and a command that inherits
 * that stdio slot would get jns's own pipe. Programs that start others do the same (OpenSSH's
 * sanitise_stdfd); a JVM started with a closed stdin gets /dev/null there, as a shell would give it.
 */
final class StdFds {
    private StdFds() {
    }

    static synchronized void fill() {
        for (int fd = 0; fd <= 2; fd++) {
            if (Sys.tryFcntl(fd, Native.F_GETFD, 0) >= 0) {
                continue;
            }
            // the lowest free number: fd itself, as the lower ones are open by now; inheritable, as stdio is
            int n = Sys.tryOpenInheritable("/dev/null", Native.O_RDWR, 0);
            if (n > fd) {
                Sys.closeQuietly(n); // another thread took the slot meanwhile: it is open now, which is all we want
            }
        }
    }
}
