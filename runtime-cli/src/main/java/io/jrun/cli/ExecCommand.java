package io.jrun.cli;

import io.jrun.core.ExecEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/** {@code exec}: runc's flags; the process comes from --process or from the arguments plus the container's. */
final class ExecCommand implements Subcommand {
    public String name() { return "exec"; }

    public String description() { return "execute new process inside the container"; }

    public void define(CommandSpec s) {
        // `exec ID sh -c x`: everything after the command is the command's, never jrun's (-c is --cap here)
        s.parser().stopAtPositional(true);
        Args.option(s, "PATH", "path to an AF_UNIX socket which will receive the pseudo-terminal master", "--console-socket");
        Args.option(s, "DIR", "current working directory in the container", "--cwd");
        Args.multi(s, "KEY=VALUE", "set environment variables", "--env", "-e");
        Args.flag(s, "allocate a pseudo-TTY", "--tty", "-t");
        Args.option(s, "UID[:GID]", "UID (format: <uid>[:<gid>])", "--user", "-u");
        Args.multi(s, "GID", "additional gids", "--additional-gids", "-g");
        Args.option(s, "FILE", "path to the process.json", "--process", "-p");
        Args.flag(s, "detach from the container's process", "--detach", "-d");
        Args.option(s, "FILE", "specify the file to write the process id to", "--pid-file");
        Args.option(s, "LABEL", "set the asm process label for the process commonly used with selinux", "--process-label");
        Args.option(s, "PROFILE", "set the apparmor profile for the process", "--apparmor");
        Args.flag(s, "set the no new privileges value for the process", "--no-new-privs");
        Args.multi(s, "CAP", "add a capability to the bounding set for the process", "--cap", "-c");
        Args.intOption(s, "N", "pass N additional file descriptors to the container (stdio + $LISTEN_FDS + N in total)", "--preserve-fds");
        Args.multi(s, "PATH", "run the process in an (existing) sub-cgroup(s)", "--cgroup");
        Args.flag(s, "allow exec in a paused container", "--ignore-paused");
        Args.positionals(s, "CONTAINER_ID COMMAND [ARGS...]", "0..*", "the container and the command");
    }

    public int run(ParseResult a, Cli cli) {
        String id = Args.id(a, name());
        List<String> command = new ArrayList<>();
        for (int i = 1; Args.pos(a, i) != null; i++) command.add(Args.pos(a, i));
        String processFile = Args.str(a, "--process", null);
        if (processFile == null && command.isEmpty()) {
            throw new Args.UsageError("exec: no command specified (use --process or give the command)");
        }
        int preserve = Args.integer(a, "--preserve-fds", 0);
        if (preserve < 0) throw new Args.UsageError("--preserve-fds: must not be negative");
        List<Long> gids = new ArrayList<>();
        for (String g : Args.strs(a, "--additional-gids")) {
            try {
                long v = Long.parseLong(g);
                if (v < 0 || v > 0xffffffffL) throw new NumberFormatException();
                gids.add(v);
            } catch (NumberFormatException e) {
                throw new Args.UsageError("invalid additional-gids value " + g);
            }
        }
        String[] cgroups = Args.strs(a, "--cgroup");
        ExecEngine.Overrides o = new ExecEngine.Overrides(command, Arrays.asList(Args.strs(a, "--env")),
                Args.str(a, "--user", null), gids, Args.str(a, "--cwd", null), Arrays.asList(Args.strs(a, "--cap")),
                Args.has(a, "--tty"), Args.str(a, "--apparmor", null), Args.str(a, "--process-label", null),
                Args.has(a, "--no-new-privs"));
        String pidFile = Args.str(a, "--pid-file", null);
        ExecEngine.ExecRequest r = new ExecEngine.ExecRequest(id,
                processFile == null ? null : Path.of(processFile), o,
                pidFile == null ? null : Path.of(pidFile).toAbsolutePath(), Args.str(a, "--console-socket", null),
                preserve, Args.has(a, "--detach"), Args.has(a, "--ignore-paused"),
                cgroups.length == 0 ? null : String.join(",", cgroups));
        return new ExecEngine(cli.engine()).exec(r);
    }
}
