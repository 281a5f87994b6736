package io.jrun.cli;

import io.jrun.core.ContainerControl;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/** {@code jrun pause ID}: freezes every process of the container (see ContainerControl#pause). */
final class PauseCommand implements Subcommand {
    public String name() { return "pause"; }

    public String description() { return "pause suspends all processes inside the container"; }

    public void define(CommandSpec s) { Args.positional(s, "CONTAINER_ID", "0..1", "the container's name"); }

    public int run(ParseResult a, Cli cli) {
        new ContainerControl(cli.engine()).pause(Args.id(a, name()));
        return 0;
    }
}
