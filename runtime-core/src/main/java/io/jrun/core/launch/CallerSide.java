package io.jrun.core.launch;

import java.util.function.Supplier;

/**
 * The process that made the call, when it is not this one: in the resident engine (io.jrun.cli.Daemon) a call
 * runs in the engine's JVM, but the processes it starts must belong to the caller's process tree, where the
 * caller, its shim or conmon can reap and wait for them. So the engine asks the caller's front door to do what
 * only the caller can: spawn jrun-init, become a child subreaper, and wait for a foreground process (forwarding
 * the signals it gets meanwhile) and report its wait status. Null in a JVM of its own, where jrun is the caller.
 */
public interface CallerSide {
    /** The caller's pid (its front door, in the caller's cgroups and namespaces). */
    int pid();

    /** Spawns jrun-init with {@code preserveFds} of the caller's fds passed through; {helper pid, control fd}. */
    int[] spawnHelper(int preserveFds);

    /** PR_SET_CHILD_SUBREAPER in the caller: the container's processes, orphaned by the helper, become its children. */
    void becomeSubreaper();

    /** The wait status of {@code pid}, a child of the caller, which forwards its signals to it until it exits. */
    int waitFor(int pid);

    /** The caller side of the call running on this thread, or null (a JVM of its own). */
    static CallerSide current() {
        return Holder.CURRENT.get();
    }

    /** Runs {@code call} on this thread with {@code side} as its caller side. */
    static <T> T with(CallerSide side, Supplier<T> call) {
        Holder.CURRENT.set(side);
        try {
            return call.get();
        } finally {
            Holder.CURRENT.remove();
        }
    }

    /** Per thread: the engine runs each call on a thread of its own. */
    final class Holder {
        private static final ThreadLocal<CallerSide> CURRENT = new ThreadLocal<>();

        private Holder() {}
    }
}
