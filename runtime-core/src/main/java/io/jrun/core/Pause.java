package io.jrun.core;

import java.util.concurrent.locks.LockSupport;

/**
 * The short waits of jrun's polling loops. Not Thread.sleep: its first call loads JFR's
 * jdk.internal.event.ThreadSleepEvent from the runtime image (JFR event classes are never in the AOT cache),
 * ~1.7 ms of `start`, `delete` or a hook run (docs/performance.md).
 */
public final class Pause {
    private Pause() {}

    /**
     * Waits about {@code millis} (an interrupt or a spurious wake-up may end it early, which polling loops
     * tolerate). Returns false when the thread is interrupted; the interrupt status stays set.
     */
    public static boolean millis(long millis) {
        LockSupport.parkNanos(millis * 1_000_000L);
        return !Thread.currentThread().isInterrupted();
    }
}
