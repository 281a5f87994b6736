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

    public static boolean on() { return on; }

    public static void log(Supplier<String> msg) {
        if (on) org.slf4j.LoggerFactory.getLogger("jrun").debug(msg.get());
    }
}
