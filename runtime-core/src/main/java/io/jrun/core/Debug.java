package io.jrun.core;

import java.util.function.Supplier;

/**
 * Debug messages through SLF4J, touched only when --debug enabled it: without it no logger is ever created,
 * so no logging framework initialises on the hot path.
 */
public final class Debug {
    private static volatile boolean on;

    private Debug() {}

    public static void enable() { on = true; }

    /** The resident engine turns --debug off again after the call that asked for it. */
    public static void disable() { on = false; }

    public static boolean on() { return on; }

    public static void log(Supplier<String> msg) {
        if (on) org.slf4j.LoggerFactory.getLogger("jrun").debug(msg.get());
    }
}
