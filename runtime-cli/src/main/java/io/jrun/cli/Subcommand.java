package io.jrun.cli;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/**
 * One jrun subcommand: it declares its arguments on a programmatic picocli model (no annotation scanning:
 * start-up is the product's latency) and turns them into one call of the runtime-core engine.
 */
interface Subcommand {
    String name();

    String description();

    /** Adds options and positional parameters. */
    void define(CommandSpec spec);

    /** Runs the command; returns the exit status. */
    int run(ParseResult args, Cli cli) throws Exception;
}
