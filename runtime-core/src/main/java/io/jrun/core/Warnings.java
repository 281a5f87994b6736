package io.jrun.core;

import java.util.function.Consumer;

/**
 * Warnings: what jrun accepts but does not do (config.md lets a runtime ignore a deprecated field, and runc and
 * crun warn about it). They go where runc's logrus warnings go: to --log when one is given (the CLI installs that
 * sink), else one line on stderr. Never on stdout, which carries JSON.
 */
public final class Warnings {
    private Warnings() {}

    private static Consumer<String> sink = msg -> System.err.println("jrun: warning: " + msg);

    /** The CLI's --log writer; {@code null} restores stderr. */
    public static void sink(Consumer<String> s) {
        sink = s != null ? s : msg -> System.err.println("jrun: warning: " + msg);
    }

    /** The current sink (the resident engine saves a call's while the call waits; Main.saveCall). */
    public static Consumer<String> sink() {
        return sink;
    }

    public static void warn(String msg) {
        sink.accept(msg.replace('\n', ' '));
    }
}
