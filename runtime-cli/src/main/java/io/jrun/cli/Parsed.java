package io.jrun.cli;

import java.util.ArrayList;
import java.util.List;

/** One command's arguments as parsed, by either parser: option values by option, then the positionals. */
final class Parsed {
    final Params params;
    /** The values of each option of {@link #params}, in the same order; empty when it was not given. */
    private final List<List<String>> values;
    final List<String> positionals = new ArrayList<>();

    Parsed(Params params) {
        this.params = params;
        values = new ArrayList<>(params.options.size());
        for (int i = 0; i < params.options.size(); i++) values.add(new ArrayList<>(1));
    }

    void add(Params.Option o, String value) {
        values.get(params.options.indexOf(o)).add(value);
    }

    /** Whether the option was given (flags: given and not false). */
    boolean given(Params.Option o) {
        return !values.get(params.options.indexOf(o)).isEmpty();
    }

    boolean has(String name) {
        return !strings(name).isEmpty();
    }

    String str(String name, String dflt) {
        List<String> v = strings(name);
        return v.isEmpty() ? dflt : v.get(v.size() - 1);
    }

    /** An INT option's value; both parsers have checked that it is one. */
    int integer(String name, int dflt) {
        String v = str(name, null);
        return v == null ? dflt : Integer.parseInt(v);
    }

    String[] strs(String name) {
        return strings(name).toArray(new String[0]);
    }

    /** The i-th positional value, or null. */
    String pos(int i) {
        return i < positionals.size() ? positionals.get(i) : null;
    }

    /** The container id argument, with runc's wording when missing. */
    String id(String command) {
        String id = pos(0);
        if (id == null || id.isEmpty()) {
            throw new UsageError("\"" + command + "\" requires a minimum of 1 argument");
        }
        return id;
    }

    private List<String> strings(String name) {
        Params.Option o = params.find(name);
        if (o == null) throw new IllegalArgumentException("no option " + name); // a typo in a command's code
        return values.get(params.options.indexOf(o));
    }
}
