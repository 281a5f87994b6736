package io.jrun.cli;

import io.jrun.core.Features;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/** features: the runtime-spec features document (features.md), truthful to this build. */
final class FeaturesCommand implements Subcommand {
    public String name() { return "features"; }

    public String description() { return "show the enabled features"; }

    public void define(CommandSpec s) { }

    public int run(ParseResult a, Cli cli) {
        cli.out.println(Features.json());
        return 0;
    }
}
