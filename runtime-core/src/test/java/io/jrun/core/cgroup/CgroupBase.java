package io.jrun.core.cgroup;

/** Small test utilities. */
final class CgroupBase {
    private CgroupBase() {}

    static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
