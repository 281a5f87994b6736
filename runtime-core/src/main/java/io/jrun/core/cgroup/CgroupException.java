package io.jrun.core.cgroup;

import io.jrun.core.JrunException;

/**
 * A cgroup operation that failed. The message is one line meant for the user and, where a spec value caused
 * it, starts with the spec field, e.g. {@code linux.resources.pids.limit: write /sys/fs/cgroup/pids/x/pids.max:
 * invalid argument}.
 */
public class CgroupException extends JrunException {
    public CgroupException(String message) {
        super(message);
    }

    public CgroupException(String message, Throwable cause) {
        super(message, cause);
    }
}
