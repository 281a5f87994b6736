package io.jrun.sys;

/** A failed system call: its name, errno, and (where it helps) the path or object it acted on. */
public final class SyscallException extends RuntimeException {
    private final String syscall;
    private final int errno;

    public SyscallException(String syscall, int errno, String message) {
        super(message);
        this.syscall = syscall;
        this.errno = errno;
    }

    public String syscall() { return syscall; }

    public int errno() { return errno; }
}
