package io.jrun.sys;

/**
 * waitpid(2) flags and decoding of the status word {@link Syscalls#waitpid(int, int)} returns (the W* macros
 * of {@code <sys/wait.h>}, Linux encoding).
 */
public final class WaitStatus {
    private WaitStatus() {}

    public static final int WNOHANG = 1;
    public static final int WUNTRACED = 2;
    /** Wait for all children, clone or not. */
    public static final int WALL = 0x40000000;

    public static boolean exited(int status) { return (status & 0x7f) == 0; }

    /** Exit code; meaningful only when {@link #exited}. */
    public static int exitStatus(int status) { return (status >> 8) & 0xff; }

    public static boolean signaled(int status) {
        int low = status & 0x7f; // 0: exited, 0x7f: stopped/continued, anything else: the killing signal
        return low != 0 && low != 0x7f;
    }

    /** Terminating signal; meaningful only when {@link #signaled}. */
    public static int termSignal(int status) { return status & 0x7f; }

    public static boolean coreDumped(int status) { return signaled(status) && (status & 0x80) != 0; }

    public static boolean stopped(int status) { return (status & 0xff) == 0x7f; }

    /**
     * The shell convention for a process's result, which runc and containerd use too: the exit code, or
     * 128 + signal when killed by one.
     */
    public static int shellCode(int status) {
        return signaled(status) ? 128 + termSignal(status) : exitStatus(status);
    }
}
