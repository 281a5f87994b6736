package io.jrun.cli;

import io.jrun.core.ContainerControl;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * {@code jrun ps [--format table|json] ID [PS_ARGS...]}: as runc, everything after the id goes to ps(1)
 * (default {@code -ef}); json prints the host pids of the container's cgroup, e.g. {@code [13113]}.
 */
final class PsCommand implements Subcommand {
    public String name() { return "ps"; }

    public String description() { return "ps displays the processes running inside a container"; }

    public void define(Params p) {
        p.option("FORMAT", "select one of: table or json (default: \"table\")", "--format", "-f");
        p.positionals("CONTAINER_ID [PS_OPTIONS...]", Integer.MAX_VALUE, "the container's name, then options for ps");
        // `jrun ps ID -ef`: options after the id belong to ps, as with runc (Go flag parsing stops there).
        p.stopAtPositional = true;
    }

    public int run(Parsed a, Cli cli) {
        String id = a.id(name());
        List<String> psArgs = new ArrayList<>();
        for (int i = 1; a.pos(i) != null; i++) psArgs.add(a.pos(i));
        ContainerControl c = new ContainerControl(cli.engine());
        switch (a.str("--format", "table")) {
            case "json" -> cli.out.println(c.pids(id).stream().map(String::valueOf)
                    .collect(Collectors.joining(",", "[", "]")));
            case "table" -> cli.out.print(c.psTable(id, psArgs));
            default -> throw new UsageError("invalid format option");
        }
        cli.out.flush();
        return 0;
    }
}
