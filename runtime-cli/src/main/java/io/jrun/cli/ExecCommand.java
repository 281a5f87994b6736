package io.jrun.cli;

import io.jrun.core.CallerPaths;
import io.jrun.core.ExecEngine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** {@code exec}: runc's flags; the process comes from --process or from the arguments plus the container's. */
final class ExecCommand implements Subcommand {
    public String name() { return "exec"; }

    public String description() { return "execute new process inside the container"; }

    public void define(Params p) {
        // `exec ID sh -c x`: everything after the command is the command's, never jrun's (-c is --cap here)
        p.stopAtPositional = true;
        p.option("PATH", "path to an AF_UNIX socket which will receive the pseudo-terminal master", "--console-socket");
        p.option("DIR", "current working directory in the container", "--cwd");
        p.multi("KEY=VALUE", "set environment variables", "--env", "-e");
        p.flag("allocate a pseudo-TTY", "--tty", "-t");
        p.option("UID[:GID]", "UID (format: <uid>[:<gid>])", "--user", "-u");
        p.multi("GID", "additional gids", "--additional-gids", "-g");
        p.option("FILE", "path to the process.json", "--process", "-p");
        p.flag("detach from the container's process", "--detach", "-d");
        p.option("FILE", "specify the file to write the process id to", "--pid-file");
        p.option("LABEL", "set the asm process label for the process commonly used with selinux", "--process-label");
        p.option("PROFILE", "set the apparmor profile for the process", "--apparmor");
        p.flag("set the no new privileges value for the process", "--no-new-privs");
        p.multi("CAP", "add a capability to the bounding set for the process", "--cap", "-c");
        p.intOption("N", "pass N additional file descriptors to the container (stdio + $LISTEN_FDS + N in total)", "--preserve-fds");
        p.multi("PATH", "run the process in an (existing) sub-cgroup(s)", "--cgroup");
        p.flag("allow exec in a paused container", "--ignore-paused");
        p.positionals("CONTAINER_ID COMMAND [ARGS...]", Integer.MAX_VALUE, "the container and the command");
    }

    public int run(Parsed a, Cli cli) {
        String id = a.id(name());
        List<String> command = new ArrayList<>();
        for (int i = 1; a.pos(i) != null; i++) command.add(a.pos(i));
        String processFile = a.str("--process", null);
        if (processFile == null && command.isEmpty()) {
            throw new UsageError("exec: no command specified (use --process or give the command)");
        }
        int preserve = a.integer("--preserve-fds", 0);
        if (preserve < 0) throw new UsageError("--preserve-fds: must not be negative");
        List<Long> gids = new ArrayList<>();
        for (String g : a.strs("--additional-gids")) {
            try {
                long v = Long.parseLong(g);
                if (v < 0 || v > 0xffffffffL) throw new NumberFormatException();
                gids.add(v);
            } catch (NumberFormatException e) {
                throw new UsageError("invalid additional-gids value " + g);
            }
        }
        String[] cgroups = a.strs("--cgroup");
        ExecEngine.Overrides o = new ExecEngine.Overrides(command, Arrays.asList(a.strs("--env")),
                a.str("--user", null), gids, a.str("--cwd", null), Arrays.asList(a.strs("--cap")),
                a.has("--tty"), a.str("--apparmor", null), a.str("--process-label", null),
                a.has("--no-new-privs"));
        String pidFile = a.str("--pid-file", null);
        ExecEngine.ExecRequest r = new ExecEngine.ExecRequest(id,
                processFile == null ? null : Path.of(processFile), o,
                pidFile == null ? null : CallerPaths.absolute(Path.of(pidFile)), a.str("--console-socket", null),
                preserve, a.has("--detach"), a.has("--ignore-paused"),
                cgroups.length == 0 ? null : String.join(",", cgroups));
        return new ExecEngine(cli.engine()).exec(r);
    }
}
