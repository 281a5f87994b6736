package io.jrun.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Relative paths from the command line resolved against the process's current directory as the kernel has it.
 * {@link Path#toAbsolutePath()} uses the JVM's start-up directory ({@code user.dir}, cached at start), which is
 * not the caller's in the resident engine: there a call borrows the caller's cwd with fchdir
 * (io.jrun.cli.Daemon). Relative file operations already follow the kernel's cwd; this makes absolute names
 * (the bundle recorded in state.json, pid files, error messages) agree with them.
 */
public final class CallerPaths {
    private static final Path CWD_LINK = Path.of("/proc/self/cwd");

    private CallerPaths() {}

    public static Path absolute(Path p) {
        if (p.isAbsolute()) return p;
        try {
            return Files.readSymbolicLink(CWD_LINK).resolve(p);
        } catch (IOException | UnsupportedOperationException e) {
            return p.toAbsolutePath(); // no procfs: the JVM's own idea, right for a one-JVM call
        }
    }
}
