package dev.jns.examples.cli;

import dev.jns.NsProcess;

import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * SIGINT and SIGTERM to {@code jns unshare} while its program runs, as util-linux's {@code unshare --fork} takes
 * them: ignored, so that jns waits for the program and exits with its status (the terminal's Ctrl-C reaches the
 * program itself, which is in jns's process group: an interactive shell inside survives it, as it would outside),
 * or, with {@code --forward-signals}, sent on to the program. The JVM's own handlers (which would end jns, and so
 * the sandbox with SIGKILL) come back at {@link #close()}.
 *
 * <p>"Ignored" is a handler that does nothing, not SIG_IGN: the JVM installs no handler of its own for SIGINT,
 * SIGTERM or SIGHUP while one is SIG_IGN (it takes that as the choice of whoever started it), so the JVM's
 * handler could not come back at {@link #close()}, and every process the JVM started afterwards would inherit the
 * SIG_IGN (an exec keeps it). A signal that was already ignored when the JVM started stays ignored.
 */
final class ParentSignals implements AutoCloseable {
    private static final String[] NAMES = {"INT", "TERM"};

    private final SignalHandler[] previous = new SignalHandler[NAMES.length];
    /** The program, once started; the signals that came before, in order; guarded by this. */
    private NsProcess program;
    private final java.util.List<NsProcess.Signal> early = new java.util.ArrayList<>();

    /**
     * Installs the handlers, before the program starts. With {@code forward}, a signal that comes before
     * {@link #forward} (while jns starts the program: it may already run) is kept and sent then.
     */
    ParentSignals(boolean forward) {
        for (int i = 0; i < NAMES.length; i++) {
            NsProcess.Signal which = NsProcess.Signal.valueOf(NAMES[i]);
            SignalHandler h = new SignalHandler() {
                @Override
                public void handle(Signal sig) {
                    if (forward) {
                        deliver(which);
                    }
                }
            };
            previous[i] = Signal.handle(new Signal(NAMES[i]), h);
        }
    }

    private synchronized void deliver(NsProcess.Signal which) {
        if (program != null) {
            program.signal(which);
        } else {
            early.add(which);
        }
    }

    /** The program the signals go to from now on (with --forward-signals), after those that came before. */
    synchronized void forward(NsProcess p) {
        program = p;
        for (NsProcess.Signal s : early) {
            p.signal(s);
        }
        early.clear();
    }

    @Override
    public synchronized void close() {
        program = null;
        for (int i = 0; i < NAMES.length; i++) {
            if (previous[i] != null) {
                Signal.handle(new Signal(NAMES[i]), previous[i]);
                previous[i] = null;
            }
        }
    }
}
