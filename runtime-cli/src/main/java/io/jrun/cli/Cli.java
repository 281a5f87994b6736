package io.jrun.cli;

import io.jrun.core.ContainerEngine;
import java.io.PrintStream;
import java.nio.file.Path;

/** The global flags of one jrun invocation and what is built from them, lazily. */
final class Cli {
    final Path root;
    final String logFile;
    final String logFormat;
    final boolean debug;
    final boolean systemdCgroup;
    final boolean rootless;
    final PrintStream out;
    /** --criu PATH: the criu binary checkpoint and restore use (null: jrun's own, docs/checkpoint.md). */
    String criu;
    private ContainerEngine engine;

    Cli(Path root, String logFile, String logFormat, boolean debug, boolean systemdCgroup, boolean rootless,
        PrintStream out) {
        this.root = root;
        this.logFile = logFile;
        this.logFormat = logFormat;
        this.debug = debug;
        this.systemdCgroup = systemdCgroup;
        this.rootless = rootless;
        this.out = out;
    }

    ContainerEngine engine() {
        if (engine == null) engine = new ContainerEngine(new ContainerEngine.Options(root, systemdCgroup, rootless));
        return engine;
    }
}
