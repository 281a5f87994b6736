package io.jrun.cli;

import io.jrun.core.ContainerControl;

/** {@code jrun resume ID}: thaws a paused container (see ContainerControl#resume). */
final class ResumeCommand implements Subcommand {
    public String name() { return "resume"; }

    public String description() { return "resumes all processes that have been previously paused"; }

    public void define(Params p) { p.containerId(); }

    public int run(Parsed a, Cli cli) {
        new ContainerControl(cli.engine()).resume(a.id(name()));
        return 0;
    }
}
