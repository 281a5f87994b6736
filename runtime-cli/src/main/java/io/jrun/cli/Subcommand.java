package io.jrun.cli;

/**
 * One jrun subcommand: it declares its arguments ({@link Params}; no annotation scanning: start-up is the
 * product's latency) and turns them into one call of the runtime-core engine.
 */
interface Subcommand {
    String name();

    String description();

    /** Adds options and positional parameters. */
    void define(Params params);

    /** Runs the command; returns the exit status. */
    int run(Parsed args, Cli cli) throws Exception;

    /** False for a command whose engine does not exist yet ({@link NotYet}): its --help fails too. */
    default boolean implemented() {
        return true;
    }

    /** This command's parameters, --help included. */
    default Params params() {
        Params p = new Params(description());
        p.flag("show help", "--help", "-h");
        define(p);
        return p;
    }
}
