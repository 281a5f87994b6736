package io.jrun.core.spec;

import io.jrun.core.JrunException;

/**
 * A config.json / process.json problem: unreadable file, malformed JSON, a value of the wrong type, or a spec
 * rule broken. The message is always one line of the form {@code <file>: <json path>: <problem>} so the CLI can
 * print it as is (clients such as containerd and podman show the runtime's last stderr line to the user).
 */
public class SpecException extends JrunException {
    private static final long serialVersionUID = 1L;

    public SpecException(String message) {
        super(message);
    }

    public SpecException(String message, Throwable cause) {
        super(message, cause);
    }
}
