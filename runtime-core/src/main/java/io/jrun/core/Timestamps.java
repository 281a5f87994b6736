package io.jrun.core;

import java.time.Instant;
import java.time.format.DateTimeFormatter;

/** RFC 3339 timestamps as runc writes them (nanoseconds in state, seconds in log lines). */
public final class Timestamps {
    private Timestamps() {}

    public static String nowNanos() {
        return DateTimeFormatter.ISO_INSTANT.format(Instant.now());
    }

    public static String nowSeconds() {
        return DateTimeFormatter.ISO_INSTANT.format(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
    }
}
