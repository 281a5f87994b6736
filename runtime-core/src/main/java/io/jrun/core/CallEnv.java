package io.jrun.core;

import java.util.Map;
import java.util.function.Supplier;

/**
 * The caller's environment, for the few variables jrun reads. In a JVM of its own that is the process's; in the
 * resident engine a call runs in the engine's process, whose environment is the front door's fixed one, so the
 * engine installs the values the front door forwarded (EngineFrame) for the call's thread.
 */
public final class CallEnv {
    private static final ThreadLocal<Map<String, String>> FORWARDED = new ThreadLocal<>();

    private CallEnv() {}

    public static String get(String name) {
        Map<String, String> forwarded = FORWARDED.get();
        return forwarded != null ? forwarded.get(name) : System.getenv(name);
    }

    /** Runs {@code call} with {@code env} as the caller's environment on this thread. */
    public static <T> T with(Map<String, String> env, Supplier<T> call) {
        FORWARDED.set(Map.copyOf(env));
        try {
            return call.get();
        } finally {
            FORWARDED.remove();
        }
    }
}
