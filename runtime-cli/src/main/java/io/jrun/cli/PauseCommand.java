package io.jrun.cli;

import io.jrun.core.ContainerControl;

/** {@code jrun pause ID}: freezes every process of the container (see ContainerControl#pause). */
final class PauseCommand implements Subcommand {
    public String name() { return "pause"; }

    public String description() { return "pause suspends all processes inside the container"; }

    public void define(Params p) { p.containerId(); }

    public int run(Parsed a, Cli cli) {
        new ContainerControl(cli.engine()).pause(a.id(name()));
        return 0;
    }
}
