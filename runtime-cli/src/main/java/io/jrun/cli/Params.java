package io.jrun.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The arguments one command accepts, declared once. Both parsers read it: {@link PlainArgv} parses the plain
 * argvs clients send, and {@link PicocliArgv} builds picocli's model from it for help, errors and everything
 * PlainArgv declines.
 */
final class Params {
    enum Kind {
        /** present or not, no value */
        FLAG,
        /** one string value */
        VALUE,
        /** one int value */
        INT,
        /** a string value, repeatable */
        MULTI
    }

    /** One option: its names (the long one first: commands look it up by that), kind and help text. */
    static final class Option {
        final String[] names;
        final Kind kind;
        final String label;
        final String description;

        Option(String[] names, Kind kind, String label, String description) {
            this.names = names;
            this.kind = kind;
            this.label = label;
            this.description = description;
        }

        boolean named(String name) {
            for (String n : names) {
                if (n.equals(name)) return true;
            }
            return false;
        }
    }

    final String description;
    final List<Option> options = new ArrayList<>();
    /** Help text of the positional parameters; null when the command takes none. */
    String positionalLabel;
    String positionalDescription;
    /** At most this many positionals (Integer.MAX_VALUE: any number); none is required by the parser. */
    int maxPositionals;
    /** Everything from the first positional on is positional, options included (exec's and ps's commands). */
    boolean stopAtPositional;
    /** Any arguments at all, unparsed (commands that only say they are not implemented). */
    boolean anyArguments;
    /**
     * The first positional names a container that does not exist yet (create, run): shell completion offers
     * the existing ids (`jrun list -q`) for every other command whose first positional is a CONTAINER_ID.
     */
    boolean namesNewContainer;

    Params(String description) {
        this.description = description;
    }

    Params flag(String description, String... names) {
        return add(new Option(names, Kind.FLAG, null, description));
    }

    Params option(String label, String description, String... names) {
        return add(new Option(names, Kind.VALUE, label, description));
    }

    Params intOption(String label, String description, String... names) {
        return add(new Option(names, Kind.INT, label, description));
    }

    Params multi(String label, String description, String... names) {
        return add(new Option(names, Kind.MULTI, label, description));
    }

    /** Up to {@code max} positional parameters. */
    Params positionals(String label, int max, String description) {
        positionalLabel = label;
        positionalDescription = description;
        maxPositionals = max;
        return this;
    }

    /** The one optional positional most commands take: the container's id. */
    Params containerId() {
        return positionals("CONTAINER_ID", 1, "the container's name");
    }

    /** Whether the first positional is the id of an existing container (what completion offers `list -q` for). */
    boolean takesExistingId() {
        return positionalLabel != null && positionalLabel.startsWith("CONTAINER_ID") && !namesNewContainer;
    }

    /** The option with this name, or null. */
    Option find(String name) {
        for (Option o : options) {
            if (o.named(name)) return o;
        }
        return null;
    }

    private Params add(Option o) {
        options.add(o);
        return this;
    }
}
