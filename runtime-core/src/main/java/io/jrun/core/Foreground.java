package io.jrun.core;

import io.jrun.core.launch.CallerSide;
import io.jrun.sys.Syscalls;

/**
 * The foreground half of {@code run} and {@code exec}: jrun becomes a child subreaper, so that the container's
 * process, orphaned when jrun-init's intermediate process exits, becomes its child; then it waits for that
 * process, forwarding the signals it gets (runc does the same). In the resident engine the caller's front door
 * does both, since the process is in the caller's tree (CallerSide).
 */
final class Foreground {
    private static final int SIGWINCH = 28;

    private Foreground() {}

    static void becomeSubreaper(Syscalls sys) {
        CallerSide caller = CallerSide.current();
        if (caller != null) caller.becomeSubreaper();
        else sys.setChildSubreaper();
    }

    /** The wait status of {@code pid}; SIGWINCH resizes {@code console} (when jrun serves one) instead. */
    static int waitFor(Syscalls sys, int pid, String what, Console console) {
        CallerSide caller = CallerSide.current();
        if (caller != null) return caller.waitFor(pid); // the engine serves no foreground call with a console
        SignalForwarder fwd = SignalForwarder.install(sig -> {
            if (sig == SIGWINCH && console != null) console.resize();
            else Processes.signalQuietly(sys, pid, sig);
        });
        try {
            return Processes.waitFor(sys, pid, what);
        } finally {
            fwd.uninstall();
        }
    }
}
