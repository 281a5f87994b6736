package io.jrun.cli;

import java.util.List;

/**
 * Parses the plain argvs that clients send (containerd's shim, podman, docker, scripts) without picocli.
 * Building picocli's model and parsing with it took ~5-6 ms of every call, about a third of what a short
 * command spends in Java (docs/performance.md); this takes well under 1 ms, and a call that never touches
 * picocli also keeps its ~160 classes out of the short AOT cache.
 *
 * <p>It accepts only argvs whose meaning cannot differ from picocli's: exact option names, each given at most
 * once (MULTI options any number of times); values that do not start with '-' ("-" itself is one), either as
 * the next argument or as {@code --long-name=value}; at most as many positionals as the command declares. For anything else
 * (--help, an unknown or repeated option, "--", clustered short flags, a value that is not a number)
 * it returns null, and picocli parses the argv: usage and every parse error stay picocli's. PlainArgvTest
 * checks that the two parsers agree on every argv recorded from containerd, docker and podman.
 */
final class PlainArgv {
    private PlainArgv() {}

    /** The invocation {@code args} asks for, or null when picocli must parse them. */
    static Invocation parse(Params global, List<Subcommand> commands, String[] args) {
        Parsed globals = new Parsed(global);
        int i = 0;
        for (; i < args.length && args[i].startsWith("-"); i++) {
            i = option(globals, args, i);
            if (i < 0) return null;
        }
        if (i == args.length) { // no subcommand: the version, or usage (picocli's)
            return globals.has("--version") ? new Invocation(globals, null, null) : null;
        }
        Subcommand command = null;
        for (Subcommand c : commands) {
            if (c.name().equals(args[i])) command = c;
        }
        if (command == null) return null;
        Params params = command.params();
        if (params.anyArguments) return null;
        Parsed parsed = new Parsed(params);
        for (i++; i < args.length; i++) {
            boolean optionsOver = params.stopAtPositional && !parsed.positionals.isEmpty();
            if (args[i].equals("--") && params.maxPositionals == Integer.MAX_VALUE && !optionsOver) {
                // `run --image … ID -- CMD ARGS`: the rest are positionals, as picocli reads "--" (the end of options)
                parsed.positionals.addAll(java.util.Arrays.asList(args).subList(i + 1, args.length));
                break;
            }
            if (args[i].startsWith("-") && !optionsOver) {
                i = option(parsed, args, i);
                if (i < 0) return null;
            } else {
                if (parsed.positionals.size() == params.maxPositionals) return null;
                parsed.positionals.add(args[i]);
            }
        }
        return new Invocation(globals, command, parsed);
    }

    /** Reads the option at args[i] (and its value) into {@code into}; the index of its last argument, or -1. */
    private static int option(Parsed into, String[] args, int i) {
        String name = args[i];
        String value = null;
        int eq = name.indexOf('=');
        if (name.startsWith("--") && eq > 2) {
            value = name.substring(eq + 1);
            name = name.substring(0, eq);
        }
        Params.Option o = into.params.find(name);
        if (o == null || o.named("--help")) return -1;
        if (o.kind != Params.Kind.MULTI && into.given(o)) return -1;
        if (o.kind == Params.Kind.FLAG) {
            if (value != null) return -1;
            into.add(o, "true");
            return i;
        }
        if (value == null) {
            if (++i == args.length) return -1;
            value = args[i];
        }
        // "-" alone is a value (update -r -: stdin); anything else with a leading '-' may be an option to picocli
        if (value.isEmpty() || (value.startsWith("-") && !value.equals("-"))) return -1;
        if (o.kind == Params.Kind.INT && !smallNumber(value)) return -1;
        into.add(o, value);
        return i;
    }

    /** Digits only, few enough for an int: what picocli's Integer.valueOf accepts, minus signs and overflow. */
    private static boolean smallNumber(String s) {
        if (s.length() > 9) return false;
        for (int k = 0; k < s.length(); k++) {
            if (s.charAt(k) < '0' || s.charAt(k) > '9') return false;
        }
        return true;
    }
}
