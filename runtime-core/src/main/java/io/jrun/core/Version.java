package io.jrun.core;

/** jrun's version, the git commit it was built from, and the runtime-spec version it implements. */
public final class Version {
    public static final String SPEC = "1.2.1";

    private Version() {}

    public static String version() { return BuildInfo.VERSION; }

    public static String commit() { return BuildInfo.COMMIT; }
}
