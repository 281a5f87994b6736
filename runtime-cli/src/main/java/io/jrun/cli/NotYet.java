package io.jrun.cli;

import io.jrun.core.JrunException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/** A subcommand whose engine does not exist yet: accepts any arguments and says so, never pretends. */
final class NotYet implements Subcommand {
    private final String name;
    private final String description;

    NotYet(String name, String description) {
        this.name = name;
        this.description = description;
    }

    public String name() { return name; }

    public String description() { return description + " (not implemented yet)"; }

    public void define(CommandSpec s) {
        s.parser().unmatchedArgumentsAllowed(true);
        s.parser().unmatchedOptionsArePositionalParams(true);
    }

    public int run(ParseResult a, Cli cli) {
        throw new JrunException(name + ": not implemented yet");
    }
}
