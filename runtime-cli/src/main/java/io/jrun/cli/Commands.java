package io.jrun.cli;

import io.jrun.core.CallerPaths;
import io.jrun.core.ContainerEngine;
import io.jrun.core.state.ContainerState;
import io.jrun.sys.Signals;
import java.nio.file.Path;
import java.util.List;

/** The lifecycle subcommands: each turns its arguments into one call of {@link ContainerEngine}. */
final class Commands {
    private Commands() {}

    /** Flags shared by create and run (runc's create.go / run.go). */
    static void createFlags(Params p) {
        p.option("DIR", "path to the root of the bundle directory, defaults to the current directory", "--bundle", "-b");
        p.option("PATH", "path to an AF_UNIX socket which will receive the pseudo-terminal master", "--console-socket");
        p.option("FILE", "specify the file to write the process id to", "--pid-file");
        p.flag("do not use pivot root to jail process inside rootfs", "--no-pivot");
        p.flag("do not create a new session keyring for the container", "--no-new-keyring");
        p.flag("run jrun's minimal init as PID 1: it forwards signals to the process and reaps zombies", "--init");
        p.intOption("N", "pass N additional file descriptors to the container (stdio + $LISTEN_FDS + N in total)", "--preserve-fds");
        ImageCommand.imageFlags(p);
        p.positionals("CONTAINER_ID [-- COMMAND [ARG...]]", Integer.MAX_VALUE,
                "the container's unique name; with --image, the command that replaces the image's Cmd");
        p.namesNewContainer = true;
    }

    static ContainerEngine.CreateRequest createRequest(Parsed a, String command) {
        String id = a.id(command);
        String bundle = a.str("--bundle", "");
        String pidFile = a.str("--pid-file", null);
        int preserve = a.integer("--preserve-fds", 0);
        if (preserve < 0) throw new UsageError("--preserve-fds: must not be negative");
        io.jrun.core.image.ImageRequest image = ImageCommand.imageRequest(a, command);
        return new ContainerEngine.CreateRequest(id,
                bundle.isEmpty() ? CallerPaths.absolute(Path.of("")) : Path.of(bundle),
                pidFile == null ? null : CallerPaths.absolute(Path.of(pidFile)),
                a.str("--console-socket", null), preserve, a.has("--no-pivot"),
                a.has("--no-new-keyring"), a.has("--init"), image);
    }

    static final class Create implements Subcommand {
        public String name() { return "create"; }

        public String description() { return "create a container"; }

        public void define(Params p) { createFlags(p); }

        public int run(Parsed a, Cli cli) {
            cli.engine().create(createRequest(a, name()));
            return 0;
        }
    }

    static final class Start implements Subcommand {
        public String name() { return "start"; }

        public String description() { return "executes the user defined process in a created container"; }

        public void define(Params p) { p.containerId(); }

        public int run(Parsed a, Cli cli) {
            cli.engine().start(a.id(name()));
            return 0;
        }
    }

    static final class Run implements Subcommand {
        public String name() { return "run"; }

        public String description() { return "create and run a container"; }

        public void define(Params p) {
            createFlags(p);
            p.flag("detach from the container's process", "--detach", "-d");
            p.flag("do not delete the container after it exits", "--keep");
            p.flag("disable the use of the subreaper used to reap reparented processes", "--no-subreaper");
        }

        public int run(Parsed a, Cli cli) {
            return cli.engine().run(createRequest(a, name()), a.has("--detach"), a.has("--keep"));
        }
    }

    static final class State implements Subcommand {
        public String name() { return "state"; }

        public String description() { return "output the state of a container"; }

        public void define(Params p) { p.containerId(); }

        public int run(Parsed a, Cli cli) {
            cli.out.println(StateJson.pretty(cli.engine().view(a.id(name()))));
            return 0;
        }
    }

    static final class ListCmd implements Subcommand {
        public String name() { return "list"; }

        public String description() { return "lists containers started by jrun with the given root"; }

        public void define(Params p) {
            p.option("FORMAT", "select one of: table or json (default: \"table\")", "--format", "-f");
            p.flag("display only container IDs", "--quiet", "-q");
        }

        public int run(Parsed a, Cli cli) {
            List<ContainerEngine.View> views = cli.engine().list();
            String format = a.str("--format", "table");
            if (a.has("--quiet")) {
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
                default -> throw new UsageError("invalid format option");
            }
            return 0;
        }
    }

    static final class Kill implements Subcommand {
        public String name() { return "kill"; }

        public String description() { return "kill sends the specified signal (default: SIGTERM) to the container's init process"; }

        public void define(Params p) {
            p.flag("send the specified signal to all processes inside the container", "--all", "-a");
            p.positionals("CONTAINER_ID [SIGNAL]", 2, "the container's name and the signal");
        }

        public int run(Parsed a, Cli cli) {
            String id = a.id(name());
            String sig = a.pos(1);
            int signal = Signals.parse(sig == null ? "SIGTERM" : sig);
            cli.engine().kill(id, signal, a.has("--all"));
            return 0;
        }
    }

    static final class Delete implements Subcommand {
        public String name() { return "delete"; }

        public String description() { return "delete any resources held by the container often used with detached container"; }

        public void define(Params p) {
            p.flag("forcibly deletes the container if it is still running (uses SIGKILL)", "--force", "-f");
            p.containerId();
        }

        public int run(Parsed a, Cli cli) {
            cli.engine().delete(a.id(name()), a.has("--force"));
            return 0;
        }
    }
}
