package io.jrun.core;

/**
 * An error meant for the user: its message is the one line printed on stderr and logged to --log.
 * {@code exitCode} is the process exit status jrun returns (1 unless a command needs another).
 */
public class JrunException extends RuntimeException {
    private final int exitCode;

    public JrunException(String message) {
        this(message, 1, null);
    }

    public JrunException(String message, Throwable cause) {
        this(message, 1, cause);
    }

    public JrunException(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() { return exitCode; }
}
