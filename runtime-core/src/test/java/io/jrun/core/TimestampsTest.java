package io.jrun.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TimestampsTest {
    private static String iso(long s, int n) {
        return DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochSecond(s, n));
    }

    @Test
    void matchesIsoInstantOnEdgesAndRandomInstants() {
        long[] seconds = {0, 59, 86_399, 86_400, 951_782_400L /* 2000-02-29 */, 4_107_542_399L, 1_700_000_000L,
                253_402_300_799L /* 9999-12-31T23:59:59 */, 68_169_600L /* 1972-02-29 */, 1_709_164_800L};
        int[] nanos = {0, 1, 999_999_999, 1_000_000, 120_000_000, 123_456_000, 123_456_789, 5000};
        for (long s : seconds) {
            for (int n : nanos) assertEquals(iso(s, n), Timestamps.format(s, n));
        }
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < 20_000; i++) {
            long s = r.nextLong(0, 253_402_300_800L);
            int n = switch (i % 4) {
                case 0 -> 0;
                case 1 -> r.nextInt(1000) * 1_000_000;
                case 2 -> r.nextInt(1_000_000) * 1000;
                default -> r.nextInt(1_000_000_000);
            };
            assertEquals(iso(s, n), Timestamps.format(s, n));
        }
    }

    @Test
    void nowIsUtcWithTheRightPrecision() {
        assertTrue(Timestamps.nowNanos().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{3}|\\.\\d{6}|\\.\\d{9})?Z"));
        assertTrue(Timestamps.nowSeconds().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ"));
    }
}
