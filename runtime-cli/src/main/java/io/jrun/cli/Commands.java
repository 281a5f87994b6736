package io.jrun.cli;

import io.jrun.core.ContainerEngine;
import io.jrun.core.state.ContainerState;
import io.jrun.sys.Signals;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/** The lifecycle subcommands: each turns its arguments into one call of {@link ContainerEngine}. */
final class Commands {
    private Commands() {}

    /** Flags shared by create and run (runc's create.go / run.go). */
    static void createFlags(CommandSpec s) {
        Args.option(s, "DIR", "path to the root of the bundle directory, defaults to the current directory", "--bundle", "-b");
        Args.option(s, "PATH", "path to an AF_UNIX socket which will receive the pseudo-terminal master", "--console-socket");
        Args.option(s, "FILE", "specify the file to write the process id to", "--pid-file");
        Args.flag(s, "do not use pivot root to jail process inside rootfs", "--no-pivot");
        Args.flag(s, "do not create a new session keyring for the container", "--no-new-keyring");
        Args.intOption(s, "N", "pass N additional file descriptors to the container (stdio + $LISTEN_FDS + N in total)", "--preserve-fds");
        Args.positional(s, "CONTAINER_ID", "0..1", "the container's unique name");
    }

    static ContainerEngine.CreateRequest createRequest(ParseResult a, String command) {
        String id = Args.id(a, command);
        String bundle = Args.str(a, "--bundle", "");
        String pidFile = Args.str(a, "--pid-file", null);
        int preserve = Args.integer(a, "--preserve-fds", 0);
        if (preserve < 0) throw new Args.UsageError("--preserve-fds: must not be negative");
        return new ContainerEngine.CreateRequest(id,
                bundle.isEmpty() ? Path.of("").toAbsolutePath() : Path.of(bundle),
                pidFile == null ? null : Path.of(pidFile).toAbsolutePath(),
                Args.str(a, "--console-socket", null), preserve, Args.has(a, "--no-pivot"),
                Args.has(a, "--no-new-keyring"));
    }

    static final class Create implements Subcommand {
        public String name() { return "create"; }

        public String description() { return "create a container"; }

        public void define(CommandSpec s) { createFlags(s); }

        public int run(ParseResult a, Cli cli) {
            cli.engine().create(createRequest(a, name()));
            return 0;
        }
    }

    static final class Start implements Subcommand {
        public String name() { return "start"; }

        public String description() { return "executes the user defined process in a created container"; }

        public void define(CommandSpec s) { Args.positional(s, "CONTAINER_ID", "0..1", "the container's name"); }

        public int run(ParseResult a, Cli cli) {
            cli.engine().start(Args.id(a, name()));
            return 0;
        }
    }

    static final class Run implements Subcommand {
        public String name() { return "run"; }

        public String description() { return "create and run a container"; }

        public void define(CommandSpec s) {
            createFlags(s);
            Args.flag(s, "detach from the container's process", "--detach", "-d");
            Args.flag(s, "do not delete the container after it exits", "--keep");
            Args.flag(s, "disable the use of the subreaper used to reap reparented processes", "--no-subreaper");
        }

        public int run(ParseResult a, Cli cli) {
            return cli.engine().run(createRequest(a, name()), Args.has(a, "--detach"), Args.has(a, "--keep"));
        }
    }

    static final class State implements Subcommand {
        public String name() { return "state"; }

        public String description() { return "output the state of a container"; }

        public void define(CommandSpec s) { Args.positional(s, "CONTAINER_ID", "0..1", "the container's name"); }

        public int run(ParseResult a, Cli cli) {
            cli.out.println(StateJson.pretty(cli.engine().view(Args.id(a, name()))));
            return 0;
        }
    }

    static final class ListCmd implements Subcommand {
        public String name() { return "list"; }

        public String description() { return "lists containers started by jrun with the given root"; }

        public void define(CommandSpec s) {
            Args.option(s, "FORMAT", "select one of: table or json (default: \"table\")", "--format", "-f");
            Args.flag(s, "display only container IDs", "--quiet", "-q");
        }

        public int run(ParseResult a, Cli cli) {
            List<ContainerEngine.View> views = cli.engine().list();
            String format = Args.str(a, "--format", "table");
            if (Args.has(a, "--quiet")) {
                for (ContainerEngine.View v : views) cli.out.println(v.state().id());
                return 0;
            }
            switch (format) {
                case "json" -> cli.out.println(StateJson.array(views));
                case "table" -> {
                    String fmt = "%-12s %-10s %-10s %-40s %-30s %s%n";
                    cli.out.printf(fmt, "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
                    for (ContainerEngine.View v : views) {
                        ContainerState s = v.state();
                        cli.out.printf(fmt, s.id(), v.livePid(), v.status().json(), s.bundle(), s.created(), StateJson.owner(s));
                    }
                }
                default -> throw new Args.UsageError("invalid format option");
            }
            return 0;
        }
    }

    static final class Kill implements Subcommand {
        public String name() { return "kill"; }

        public String description() { return "kill sends the specified signal (default: SIGTERM) to the container's init process"; }

        public void define(CommandSpec s) {
            Args.flag(s, "send the specified signal to all processes inside the container", "--all", "-a");
            Args.positionals(s, "CONTAINER_ID [SIGNAL]", "0..2", "the container's name and the signal");
        }

        public int run(ParseResult a, Cli cli) {
            String id = Args.id(a, name());
            String sig = Args.pos(a, 1);
            int signal = Signals.parse(sig == null ? "SIGTERM" : sig);
            cli.engine().kill(id, signal, Args.has(a, "--all"));
            return 0;
        }
    }

    static final class Delete implements Subcommand {
        public String name() { return "delete"; }

        public String description() { return "delete any resources held by the container often used with detached container"; }

        public void define(CommandSpec s) {
            Args.flag(s, "forcibly deletes the container if it is still running (uses SIGKILL)", "--force", "-f");
            Args.positional(s, "CONTAINER_ID", "0..1", "the container's name");
        }

        public int run(ParseResult a, Cli cli) {
            cli.engine().delete(Args.id(a, name()), Args.has(a, "--force"));
            return 0;
        }
    }
}
