package dev.jns.examples.cli;

import java.io.File;
import java.io.PrintWriter;
import java.io.Writer;
import java.lang.ProcessBuilder.Redirect;

/**
 * {@code jns ARGS...} as {@link JnsCli#main} runs it, then, with their output dropped, the kinds of run it may not
 * have been: {@code bin/jns} runs this class instead of {@code JnsCli} in the run that lists the classes of its
 * class-data archive ({@code -XX:DumpLoadedClassList}, once after each build), so that the archive serves every
 * later run, whatever the first one was. The CLI runs a program without picocli ({@link FastPath}) and everything
 * else with it; the extra runs are {@code jns --help} (picocli's model of every command), {@code jns unshare --help}
 * (the help of one command, its options drawn), {@code jns unshare true} ({@code true} in no new namespace, which
 * anyone can run) and {@code jns lsns} (which only reads /proc). One JVM makes one list: JDK 25's lists number
 * their classes (JDK 17's do not), and two of them cannot be joined. Exits with the status of {@code jns ARGS...}.
 */
public final class ClassListRun {
    private ClassListRun() {
    }

    /**
     * Runs {@code jns ARGS...}, then the other kinds of run, and exits with the first one's status.
     *
     * @param args the command line
     */
    public static void main(String[] args) {
        int status = JnsCli.run(args);
        PrintWriter nowhere = new PrintWriter(Writer.nullWriter());
        String[][] others = {{"--help"}, {"unshare", "--help"}, {"unshare", "true"}, {"lsns"}};
        for (String[] other : others) {
            try {
                JnsCli.execute(new JnsCli(Redirect.from(new File("/dev/null")), Redirect.DISCARD, Redirect.DISCARD),
                        nowhere, nowhere, other);
            } catch (RuntimeException | LinkageError e) {
                // a run that fails here (no process can be started, say) lists the classes it got to; the
                // archive is made of whatever the list holds
            }
        }
        System.exit(status);
    }
}
