package io.jrun.cli;

import io.jrun.core.Features;

/** features: the runtime-spec features document (features.md), truthful to this build. */
final class FeaturesCommand implements Subcommand {
    public String name() { return "features"; }

    public String description() { return "show the enabled features"; }

    public void define(Params p) { }

    public int run(Parsed a, Cli cli) {
        cli.out.println(Features.json(cli.criu));
        return 0;
    }
}
