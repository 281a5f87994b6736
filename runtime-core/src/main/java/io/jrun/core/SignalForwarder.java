package io.jrun.core;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntConsumer;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Forwards the signals a foreground {@code run} receives to the container init, as runc does, so that ^C or a
 * supervisor's SIGTERM reaches the container rather than killing jrun and orphaning it.
 */
final class SignalForwarder {
    private static final String[] FORWARDED = {"HUP", "INT", "QUIT", "TERM", "USR1", "USR2", "WINCH", "CONT"};

    private final List<Object[]> previous = new ArrayList<>();

    static SignalForwarder install(IntConsumer toInit) {
        SignalForwarder f = new SignalForwarder();
        for (String name : FORWARDED) {
            try {
                Signal sig = new Signal(name);
                SignalHandler old = Signal.handle(sig, s -> toInit.accept(s.getNumber()));
                f.previous.add(new Object[] {sig, old});
            } catch (IllegalArgumentException e) {
                // the JVM reserves some signals (e.g. QUIT with -Xrs off); those stay with the JVM
            }
        }
        return f;
    }

    void uninstall() {
        for (Object[] p : previous) Signal.handle((Signal) p[0], (SignalHandler) p[1]);
    }
}
