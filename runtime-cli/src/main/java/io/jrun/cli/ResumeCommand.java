package io.jrun.cli;

import io.jrun.core.ContainerControl;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/** {@code jrun resume ID}: thaws a paused container (see ContainerControl#resume). */
final class ResumeCommand implements Subcommand {
    public String name() { return "resume"; }

    public String description() { return "resumes all processes that have been previously paused"; }

    public void define(CommandSpec s) { Args.positional(s, "CONTAINER_ID", "0..1", "the container's name"); }

    public int run(ParseResult a, Cli cli) {
        new ContainerControl(cli.engine()).resume(Args.id(a, name()));
        return 0;
    }
}
