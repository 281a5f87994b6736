package io.jrun.core.state;

/** runtime-spec runtime.md "State": status values, as printed by {@code state}. */
public enum Status {
    CREATING, CREATED, RUNNING, PAUSED, STOPPED;

    public String json() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
