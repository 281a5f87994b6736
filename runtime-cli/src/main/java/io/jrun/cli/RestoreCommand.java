package io.jrun.cli;

import io.jrun.core.RestoreEngine;
import java.nio.file.Path;

/** {@code jrun restore ID}: runc's restore, through criu (docs/checkpoint.md). */
final class RestoreCommand implements Subcommand {
    public String name() { return "restore"; }

    public String description() { return "restore a container from a previous checkpoint"; }

    public void define(Params p) {
        p.option("PATH", "path to an AF_UNIX socket which will receive the pseudo-terminal master", "--console-socket");
        p.option("PATH", "path to criu image files for restoring (default: ./checkpoint)", "--image-path");
        p.option("PATH", "path for saving work files and logs", "--work-path");
        p.flag("allow open tcp connections", "--tcp-established");
        p.flag("allow external unix sockets", "--ext-unix-sk");
        p.flag("allow shell jobs", "--shell-job");
        p.flag("handle file locks, for safety", "--file-locks");
        p.option("MODE", "cgroups mode: soft (default), full, strict or ignore", "--manage-cgroups-mode");
        p.option("DIR", "path to the root of the bundle directory", "--bundle", "-b");
        p.flag("detach from the container's process", "--detach", "-d");
        p.option("FILE", "specify the file to write the process id to", "--pid-file");
        // containerd's shim restores through go-runc, whose RestoreOpts spell this one flag with a single dash
        // ("-no-subreaper"); runc's flag parser (Go's) takes either spelling, so jrun takes both.
        p.flag("disable the use of the subreaper used to reap reparented processes", "--no-subreaper", "-no-subreaper");
        p.flag("do not use pivot root to jail process inside rootfs", "--no-pivot");
        p.option("NAMESPACE", "create a namespace, but don't restore its properties", "--empty-ns");
        p.flag("enable auto deduplication of memory images", "--auto-dedup");
        p.flag("use userfaultfd to lazily restore memory pages", "--lazy-pages");
        p.option("PROFILE", "set the LSM profile of the restored process", "--lsm-profile");
        p.option("CONTEXT", "set the LSM mount context of the restored container", "--lsm-mount-context");
        p.positionals("CONTAINER_ID", 1, "the new container's unique name");
        p.namesNewContainer = true;
    }

    public int run(Parsed a, Cli cli) {
        String id = a.id(name());
        String bundle = a.str("--bundle", "");
        String pidFile = a.str("--pid-file", null);
        String work = a.str("--work-path", null);
        RestoreEngine.Options o = new RestoreEngine.Options(id,
                io.jrun.core.CallerPaths.absolute(Path.of(bundle)), a.has("--detach"),
                pidFile == null || pidFile.isEmpty() ? null : io.jrun.core.CallerPaths.absolute(Path.of(pidFile)),
                CheckpointCommand.emptyToNull(a.str("--console-socket", null)), a.has("--no-subreaper"),
                io.jrun.core.CallerPaths.absolute(Path.of(a.str("--image-path", "checkpoint"))),
                work == null || work.isEmpty() ? null : io.jrun.core.CallerPaths.absolute(Path.of(work)),
                a.has("--tcp-established"), a.has("--ext-unix-sk"), a.has("--shell-job"), a.has("--file-locks"),
                CheckpointCommand.emptyToNull(a.str("--manage-cgroups-mode", null)),
                CheckpointCommand.emptyToNull(a.str("--empty-ns", null)), a.has("--auto-dedup"),
                a.has("--lazy-pages"), CheckpointCommand.emptyToNull(a.str("--lsm-profile", null)),
                CheckpointCommand.emptyToNull(a.str("--lsm-mount-context", null)));
        return new RestoreEngine(cli.engine()).restore(o, cli.criu);
    }
}
