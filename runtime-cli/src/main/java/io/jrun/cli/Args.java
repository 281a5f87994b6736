package io.jrun.cli;

import picocli.CommandLine;
import picocli.CommandLine.IFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

/** Small helpers over picocli's programmatic model, so each command reads as a list of its flags. */
final class Args {
    private Args() {}

    /**
     * The factory given to picocli instead of its default one, whose static initialiser looks for Groovy with
     * Class.forName: that miss opened and searched every jar on the class path, ~10-25 ms of every call
     * (docs/performance.md). The programmatic model never asks a factory for anything; reflection is the
     * fallback picocli's own factory would use.
     */
    private static final IFactory FACTORY = new IFactory() {
        @Override
        public <K> K create(Class<K> cls) throws Exception {
            return cls.getDeclaredConstructor().newInstance();
        }
    };

    /** An empty command model named {@code name}. */
    static CommandSpec spec(String name) {
        return CommandSpec.wrapWithoutInspection(null, FACTORY).name(name);
    }

    static CommandLine commandLine(CommandSpec spec) {
        return new CommandLine(spec, FACTORY);
    }

    static void flag(CommandSpec spec, String description, String... names) {
        spec.addOption(OptionSpec.builder(names).arity("0").type(boolean.class).description(description).build());
    }

    static void option(CommandSpec spec, String label, String description, String... names) {
        spec.addOption(OptionSpec.builder(names).paramLabel(label).type(String.class).description(description).build());
    }

    static void intOption(CommandSpec spec, String label, String description, String... names) {
        spec.addOption(OptionSpec.builder(names).paramLabel(label).type(int.class).description(description).build());
    }

    static void multi(CommandSpec spec, String label, String description, String... names) {
        spec.addOption(OptionSpec.builder(names).paramLabel(label).type(String[].class).auxiliaryTypes(String.class)
                .description(description).build());
    }

    static void positional(CommandSpec spec, String label, String arity, String description) {
        spec.addPositional(PositionalParamSpec.builder().paramLabel(label).arity(arity).type(String.class)
                .description(description).build());
    }

    static void positionals(CommandSpec spec, String label, String arity, String description) {
        spec.addPositional(PositionalParamSpec.builder().paramLabel(label).arity(arity).type(String[].class)
                .auxiliaryTypes(String.class).description(description).build());
    }

    static boolean has(ParseResult r, String name) {
        return r.hasMatchedOption(name) && Boolean.TRUE.equals(r.matchedOptionValue(name, Boolean.FALSE));
    }

    static String str(ParseResult r, String name, String dflt) {
        return r.matchedOptionValue(name, dflt);
    }

    static int integer(ParseResult r, String name, int dflt) {
        Integer v = r.matchedOptionValue(name, dflt);
        return v;
    }

    static String[] strs(ParseResult r, String name) {
        return r.matchedOptionValue(name, new String[0]);
    }

    /** The i-th positional value, or null. */
    static String pos(ParseResult r, int i) {
        int seen = 0;
        for (PositionalParamSpec p : r.matchedPositionals()) {
            for (String v : p.stringValues()) {
                if (seen++ == i) return v;
            }
        }
        return null;
    }

    /** The container id argument, with runc's wording when missing. */
    static String id(ParseResult r, String command) {
        String id = pos(r, 0);
        if (id == null || id.isEmpty()) {
            throw new UsageError("\"" + command + "\" requires a minimum of 1 argument");
        }
        return id;
    }

    /** A usage error: printed with the command's name, exit status 1. */
    static final class UsageError extends RuntimeException {
        UsageError(String message) {
            super(message);
        }
    }
}
