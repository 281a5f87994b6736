package io.jrun.cli;

/** A usage error: printed as one line, exit status 1. */
final class UsageError extends RuntimeException {
    UsageError(String message) {
        super(message);
    }
}
