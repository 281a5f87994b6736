package io.jrun.cli;

import io.jrun.core.JrunException;

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

    @Override
    public boolean implemented() { return false; }

    public void define(Params p) {
        p.anyArguments = true;
    }

    public int run(Parsed a, Cli cli) {
        throw new JrunException(name + ": not implemented yet");
    }
}
