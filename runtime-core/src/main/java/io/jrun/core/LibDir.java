package io.jrun.core;

import java.nio.file.Path;

/**
 * Where jrun's native parts live: system property {@code jrun.native.dir}, else env {@code JRUN_LIB_DIR}, else
 * {@code /usr/local/lib/jrun} (what {@code make install} writes). The same lookup as NativeSyscalls.
 */
public final class LibDir {
    private LibDir() {}

    public static Path path() {
        String p = System.getProperty("jrun.native.dir");
        if (p == null || p.isEmpty()) p = System.getenv("JRUN_LIB_DIR");
        if (p == null || p.isEmpty()) p = "/usr/local/lib/jrun";
        return Path.of(p);
    }

    public static Path helper() {
        return path().resolve("jrun-init");
    }
}
