package io.jrun.cli;

import io.jrun.core.ContainerControl;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/**
 * {@code jrun ps [--format table|json] ID [PS_ARGS...]}: as runc, everything after the id goes to ps(1)
 * (default {@code -ef}); json prints the host pids of the container's cgroup, e.g. {@code [13113]}.
 */
final class PsCommand implements Subcommand {
    public String name() { return "ps"; }

    public String description() { return "ps displays the processes running inside a container"; }

    public void define(CommandSpec s) {
        Args.option(s, "FORMAT", "select one of: table or json (default: \"table\")", "--format", "-f");
        Args.positionals(s, "CONTAINER_ID [PS_OPTIONS...]", "0..*", "the container's name, then options for ps");
        // `jrun ps ID -ef`: options after the id belong to ps, as with runc (Go flag parsing stops there).
        s.parser().stopAtPositional(true);
    }

    public int run(ParseResult a, Cli cli) {
        String id = Args.id(a, name());
        List<String> psArgs = new ArrayList<>();
        for (int i = 1; Args.pos(a, i) != null; i++) psArgs.add(Args.pos(a, i));
        ContainerControl c = new ContainerControl(cli.engine());
        switch (Args.str(a, "--format", "table")) {
            case "json" -> cli.out.println(c.pids(id).stream().map(String::valueOf)
                    .collect(Collectors.joining(",", "[", "]")));
            case "table" -> cli.out.print(c.psTable(id, psArgs));
            default -> throw new Args.UsageError("invalid format option");
        }
        cli.out.flush();
        return 0;
    }
}
