package io.jrun.cli;

/**
 * What one command line asks for: the global options, and the subcommand with its arguments (both null when
 * none is named: --version, --help, or nothing at all).
 */
record Invocation(Parsed global, Subcommand command, Parsed args) {}
