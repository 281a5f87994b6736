package io.jrun.core;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** jrun's version, the git commit it was built from, and the runtime-spec version it implements. */
public final class Version {
    public static final String SPEC = "1.2.1";
    private static String version;
    private static String commit;

    private Version() {}

    public static String version() { load(); return version; }

    public static String commit() { load(); return commit; }

    private static synchronized void load() {
        if (version != null) return;
        Properties p = new Properties();
        try (InputStream in = Version.class.getResourceAsStream("/jrun-version.properties")) {
            if (in != null) p.load(in);
        } catch (IOException ignored) {
            // falls back to "unknown" below
        }
        version = p.getProperty("version", "unknown");
        commit = p.getProperty("commit", "unknown");
    }
}
