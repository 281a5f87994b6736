package io.jrun.core;

import io.jrun.sys.Errno;
import io.jrun.sys.SyscallException;
import io.jrun.sys.Syscalls;

/** Waiting for and signalling processes jrun started or adopted (as a child subreaper). */
final class Processes {
    private Processes() {}

    /** waitpid until the process exits (EINTR retried); returns its wait status. */
    static int waitFor(Syscalls sys, int pid, String what) {
        while (true) {
            try {
                return sys.waitpid(pid, 0)[1];
            } catch (SyscallException e) {
                if (e.errno() == Errno.EINTR) continue;
                throw new JrunException("wait for " + what + " " + pid + ": " + e.getMessage(), e);
            }
        }
    }

    /** Signals a process that may have exited meanwhile. */
    static void signalQuietly(Syscalls sys, int pid, int signal) {
        try {
            sys.kill(pid, signal);
        } catch (SyscallException ignored) {
            // raced with its exit
        }
    }
}
