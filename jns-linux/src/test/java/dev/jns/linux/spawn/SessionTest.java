package dev.jns.linux.spawn;

import dev.jns.linux.testing.FreshJvm;
import dev.jns.linux.testing.Probe;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13, item 3: a sandbox gets its own session. A child JVM runs in a session whose controlling terminal is a
 * pty (as under an interactive shell; python's pty.fork makes it) and starts {@link SessionProbeMain}: the
 * sandbox's TIOCSTI into that terminal fails, and its kill(0, SIGKILL) from a new pid namespace does not kill the
 * JVM; with {@code ownSession(false)} both reach the caller, which is what the default prevents.
 */
class SessionTest {
    private static final String PTY = String.join("\n",
            "import os, pty, sys",
            "pid, fd = pty.fork()",
            "if pid == 0:",
            "    os.execvp(sys.argv[1], sys.argv[1:])",
            "out = b''",
            "while True:",
            "    try:",
            "        b = os.read(fd, 4096)",
            "    except OSError:",
            "        break",
            "    if not b:",
            "        break",
            "    out += b",
            "_, st = os.waitpid(pid, 0)",
            "sys.stdout.write(out.decode(errors='replace'))",
            "print('child-status', st)",
            "");

    @BeforeAll
    static void needsPython() {
        Assumptions.assumeTrue(Probe.onPath("python3"), "needs python3 for a pty");
    }

    private static String run(String... args) throws Exception {
        String java = FreshJvm.java();
        String[] cmd = new String[6 + args.length];
        cmd[0] = "python3";
        cmd[1] = "-c";
        cmd[2] = PTY;
        cmd[3] = java;
        cmd[4] = "-cp";
        cmd[5] = System.getProperty("java.class.path");
        String[] withMain = new String[cmd.length + 1];
        System.arraycopy(cmd, 0, withMain, 0, 6);
        withMain[6] = SessionProbeMain.class.getName();
        System.arraycopy(args, 0, withMain, 7, args.length);
        Process p = new ProcessBuilder(withMain).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
        return out;
    }

    @Test
    void theSandboxCannotPushInputIntoTheCallersTerminal() throws Exception {
        String own = run("tiocsti");
        assertThat(own).as(own).contains("TIOCSTI-EPERM").contains("main-alive");
        String shared = run("tiocsti", "shared");
        assertThat(shared).as(shared).contains("TIOCSTI-OK").contains("main-alive");
    }

    @Test
    void killZeroFromInsideDoesNotKillTheCallersProcessGroup() throws Exception {
        String own = run("kill0");
        assertThat(own).as(own).contains("killing-group").contains("sandbox-exit 137").contains("main-alive");
        String shared = run("kill0", "shared");
        assertThat(shared).as(shared).contains("killing-group").doesNotContain("main-alive");
    }
}
