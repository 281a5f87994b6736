package io.jrun.core;

import java.time.Instant;

/**
 * RFC 3339 timestamps in UTC as runc writes them (nanoseconds in state, seconds in log lines), in the layout of
 * DateTimeFormatter.ISO_INSTANT (fraction digits in groups of three, none when zero). Formatted by hand:
 * java.time's formatter initialises ~60 classes, ~2 ms of every create in a cold JVM (docs/performance.md).
 */
public final class Timestamps {
    private Timestamps() {}

    public static String nowNanos() {
        Instant now = Instant.now();
        return format(now.getEpochSecond(), now.getNano());
    }

    public static String nowSeconds() {
        return format(Instant.now().getEpochSecond(), 0);
    }

    /** {@code epochSecond} (years 0000-9999) and {@code nano} as yyyy-MM-ddTHH:mm:ss[.fff[fff[fff]]]Z. */
    static String format(long epochSecond, int nano) {
        long days = Math.floorDiv(epochSecond, 86_400);
        int secondOfDay = (int) Math.floorMod(epochSecond, 86_400);
        // Civil date from days since 1970-01-01 (H. Hinnant, "chrono-Compatible Low-Level Date Algorithms").
        long z = days + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long dayOfEra = z - era * 146_097;
        long yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        long dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        long mp = (5 * dayOfYear + 2) / 153;
        int day = (int) (dayOfYear - (153 * mp + 2) / 5 + 1);
        int month = (int) (mp < 10 ? mp + 3 : mp - 9);
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);

        StringBuilder sb = new StringBuilder(30);
        pad(sb, year, 4).append('-');
        pad(sb, month, 2).append('-');
        pad(sb, day, 2).append('T');
        pad(sb, secondOfDay / 3600, 2).append(':');
        pad(sb, secondOfDay / 60 % 60, 2).append(':');
        pad(sb, secondOfDay % 60, 2);
        if (nano != 0) {
            sb.append('.');
            if (nano % 1_000_000 == 0) pad(sb, nano / 1_000_000, 3);
            else if (nano % 1000 == 0) pad(sb, nano / 1000, 6);
            else pad(sb, nano, 9);
        }
        return sb.append('Z').toString();
    }

    private static StringBuilder pad(StringBuilder sb, long value, int width) {
        String digits = Long.toString(value);
        for (int i = digits.length(); i < width; i++) sb.append('0');
        return sb.append(digits);
    }
}
