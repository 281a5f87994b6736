package io.jrun.core.seccomp;

/** The profile cannot be turned into a filter (invalid action/op/flag, or the program is too large). */
public final class SeccompException extends RuntimeException {
    public SeccompException(String message) {
        super(message);
    }
}
