package dev.jns.linux.spawn;

import dev.jns.SpawnResult;
import dev.jns.linux.testing.SandboxSupport;
import dev.jns.sandbox.MountPlan;
import dev.jns.sandbox.Security;

import java.lang.ProcessBuilder.Redirect;

/**
 * Run in a child JVM by {@code SessionTest}, in a session whose controlling terminal is a pty (the caller's
 * terminal, as an interactive shell's): starts a sandbox with the terminal as its stdin and stdout and lets it
 * try {@code TIOCSTI} ({@code tiocsti}) or {@code kill(0, SIGKILL)} ({@code kill0}); {@code shared} as second
 * argument opts out of the sandbox's own session. Prints what happened, then "main-alive" if this JVM survived.
 */
public final class SessionProbeMain {
    private SessionProbeMain() {
    }

    public static void main(String[] args) {
        boolean shared = args.length > 1 && args[1].equals("shared");
        String script = switch (args[0]) {
            case "tiocsti" -> "import fcntl, termios, errno\n"
                    + "try:\n"
                    + "    fcntl.ioctl(0, termios.TIOCSTI, b'#')\n"
                    + "    print('TIOCSTI-OK', flush=True)\n"
                    + "except OSError as e:\n"
                    + "    print('TIOCSTI-' + errno.errorcode[e.errno], flush=True)\n";
            case "kill0" -> "import os, signal\nprint('killing-group', flush=True)\nos.kill(0, signal.SIGKILL)\n";
            default -> throw new IllegalArgumentException(args[0]);
        };
        var spawn = SandboxSupport.inMinimalRoot(SandboxSupport.spawn(SandboxSupport.As.ROOT), new MountPlan())
                .redirectInput(Redirect.INHERIT).redirectOutput(Redirect.INHERIT);
        if (shared) {
            // host root as well: with the default unprivileged ids the kernel refuses the kill of a root JVM anyway
            spawn.security(Security.builder().ownSession(false).allowHostRoot(true).build());
        }
        SpawnResult r = spawn.run("python3", "-c", script);
        System.out.println("sandbox-exit " + r.exitCode());
        System.out.println("main-alive");
        System.out.flush();
    }
}
