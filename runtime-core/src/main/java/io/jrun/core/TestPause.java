package io.jrun.core;

/**
 * Test-only hook: with env {@code JRUN_TEST_PAUSE_AT=<step>}, {@code create} announces
 * {@code jrun: JRUN_TEST_PAUSE_AT: paused at <step>} on stderr and sleeps at that step, so a test can
 * {@code kill -9} jrun there and check that {@code delete --force} recovers (RollbackIT). Steps, in order:
 * {@code claimed} (state dir and first state.json written), {@code cgroup} (cgroup created and configured),
 * {@code pid} (the helper reported the init's pid, state.json records it), {@code ready} (CONTINUE sent,
 * before READY is read). The launcher passes the variable as the system property {@code jrun.test.pause.at}
 * (reading the environment from Java costs ~0.6 ms, see {@link Trace}).
 */
final class TestPause {
    private static final String AT = System.getProperty("jrun.test.pause.at");

    private TestPause() {}

    static void at(String step) {
        if (AT == null || !AT.equals(step)) return;
        System.err.println("jrun: JRUN_TEST_PAUSE_AT: paused at " + step);
        System.err.flush();
        try {
            Thread.sleep(600_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
