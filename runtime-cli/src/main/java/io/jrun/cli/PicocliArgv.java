package io.jrun.cli;

import java.io.PrintStream;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

/**
 * picocli's model of jrun's command line, built in code from the commands' {@link Params}: it parses every argv
 * {@link PlainArgv} declines, so its wording of usage and of parse errors is jrun's. Only the named
 * subcommand's model is built: building all of them cost ~25 ms of a call (JRUN_TRACE).
 */
final class PicocliArgv {
    private PicocliArgv() {}

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

    /** Parses {@code args}; picocli's parse errors become {@link UsageError}s with its message. */
    static Invocation parse(Params global, List<Subcommand> commands, String[] args) {
        String named = subcommandName(global, args);
        Subcommand command = null;
        for (Subcommand c : commands) {
            if (c.name().equals(named)) command = c;
        }
        // An unknown name gets every subcommand's model, so that picocli's error (and its suggestions) is the
        // one it would give anyway. With no subcommand named, none is built.
        CommandLine cl = commandLine(global, named == null ? List.of() : command == null ? commands : List.of(command));
        try {
            ParseResult pr = cl.parseArgs(args);
            Parsed globals = parsed(global, pr);
            if (!pr.hasSubcommand()) return new Invocation(globals, null, null);
            ParseResult sub = pr.subcommand();
            return new Invocation(globals, command, parsed(command.params(), sub));
        } catch (CommandLine.ParameterException e) {
            throw new UsageError(e.getMessage());
        }
    }

    /** Prints the usage of {@code command}, or of jrun with the list of every subcommand when it is null. */
    static void usage(PrintStream out, Params global, List<Subcommand> commands, Subcommand command) {
        if (command == null) {
            commandLine(global, commands).usage(out);
        } else {
            commandLine(command.name(), command.params()).usage(out);
        }
    }

    /**
     * The subcommand named in {@code args}, found as picocli finds it: the first argument that is neither a
     * global option nor the value of one ("--root DIR"; "--root=DIR" is one argument). Null when there is none.
     * The launcher (packaging/jrun.in) finds the subcommand the same way to pick its AOT cache, with its own
     * list of the global options that take a value: keep the two alike (LauncherIT checks the launcher).
     */
    static String subcommandName(Params global, String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("-")) return a;
            Params.Option o = global.find(a);
            if (o != null && o.kind != Params.Kind.FLAG) i++;
        }
        return null;
    }

    private static CommandLine commandLine(Params global, List<Subcommand> subcommands) {
        // Every CommandLine registers picocli's built-in type converters; those for java.sql, java.time and
        // java.nio.file types go through reflection and initialise ~100 JDK classes (~3 ms of every call).
        // jrun's options are strings, booleans and ints only.
        System.setProperty("picocli.converters.excludes", "java\\.(sql|time|nio\\.file)\\..*");
        CommandLine cl = commandLine("jrun", global);
        cl.setUnmatchedOptionsArePositionalParams(false);
        for (Subcommand c : subcommands) cl.addSubcommand(c.name(), commandLine(c.name(), c.params()));
        return cl;
    }

    private static CommandLine commandLine(String name, Params p) {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(null, FACTORY).name(name);
        spec.usageMessage().description(p.description);
        for (Params.Option o : p.options) {
            OptionSpec.Builder b = OptionSpec.builder(o.names).description(o.description);
            switch (o.kind) {
                case FLAG -> b.arity("0").type(boolean.class);
                case VALUE -> b.paramLabel(o.label).type(String.class);
                case INT -> b.paramLabel(o.label).type(int.class);
                case MULTI -> b.paramLabel(o.label).type(String[].class).auxiliaryTypes(String.class);
            }
            spec.addOption(b.build());
        }
        if (p.positionalLabel != null) {
            boolean one = p.maxPositionals == 1;
            String arity = one ? "0..1" : p.maxPositionals == Integer.MAX_VALUE ? "0..*" : "0.." + p.maxPositionals;
            spec.addPositional(PositionalParamSpec.builder().paramLabel(p.positionalLabel).arity(arity)
                    .type(one ? String.class : String[].class).auxiliaryTypes(String.class)
                    .description(p.positionalDescription).build());
        }
        spec.parser().stopAtPositional(p.stopAtPositional);
        if (p.anyArguments) {
            spec.parser().unmatchedArgumentsAllowed(true);
            spec.parser().unmatchedOptionsArePositionalParams(true);
        }
        return new CommandLine(spec, FACTORY);
    }

    /** picocli's result for one command as {@link Parsed}: values as given, in order. */
    private static Parsed parsed(Params p, ParseResult r) {
        Parsed out = new Parsed(p);
        for (Params.Option o : p.options) {
            OptionSpec matched = r.matchedOption(o.names[0]);
            if (matched == null) continue;
            if (o.kind == Params.Kind.FLAG) {
                if (Boolean.TRUE.equals(r.matchedOptionValue(o.names[0], Boolean.FALSE))) out.add(o, "true");
            } else {
                // the strings picocli matched, as given (an INT's checked by its converter)
                for (String v : matched.stringValues()) out.add(o, v);
            }
        }
        // matchedPositionals() lists a spec once per match: a multi-value one (run --image ID -- CMD...) repeats
        for (PositionalParamSpec ps : new java.util.LinkedHashSet<>(r.matchedPositionals())) out.positionals.addAll(ps.stringValues());
        return out;
    }
}
