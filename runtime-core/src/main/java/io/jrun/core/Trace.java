package io.jrun.core;

/**
 * JRUN_TRACE=1: prints where a call's time goes ("jrun-trace: <ms since main> <step>") on stderr, to find
 * start-up costs without a profiler (docs/performance.md). The launcher passes the variable as the system
 * property {@code jrun.trace}: reading the environment from Java initialises {@code ProcessEnvironment}, ~0.6 ms
 * of every call.
 */
public final class Trace {
    private static final boolean ON = System.getProperty("jrun.trace") != null;
    private static final long T0 = System.nanoTime();

    private Trace() {}

    public static void mark(String step) {
        if (!ON) return;
        long micros = (System.nanoTime() - T0) / 1000;
        // StringBuilder, not "+": a string concatenation compiles to invokedynamic, and this call site, which the
        // AOT training run never reaches, would be bootstrapped on the first mark (~8-10 ms of hidden-class
        // spinning), which the trace then showed as picocli's cost between "main" and "model built".
        System.err.println(new StringBuilder(48).append("jrun-trace: ").append(micros / 1000.0).append(' ').append(step));
    }
}
