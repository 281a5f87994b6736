package io.jrun.cli;

/**
 * JRUN_TRACE=1: prints where a call's time goes ("jrun-trace: <ms since main> <step>") on stderr, to find
 * start-up costs without a profiler (docs/performance.md). Off, it costs one getenv per call.
 */
final class Trace {
    private static final boolean ON = System.getenv("JRUN_TRACE") != null;
    private static final long T0 = System.nanoTime();

    private Trace() {}

    static void mark(String step) {
        if (ON) System.err.println("jrun-trace: " + (System.nanoTime() - T0) / 1000 / 1000.0 + " " + step);
    }
}
