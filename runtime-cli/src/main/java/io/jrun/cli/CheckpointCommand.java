package io.jrun.cli;

import io.jrun.core.CheckpointEngine;
import java.nio.file.Path;

/** {@code jrun checkpoint ID}: runc's checkpoint, through criu (docs/checkpoint.md). */
final class CheckpointCommand implements Subcommand {
    public String name() { return "checkpoint"; }

    public String description() { return "checkpoint a running container"; }

    public void define(Params p) {
        p.option("PATH", "path for saving criu image files (default: ./checkpoint)", "--image-path");
        p.option("PATH", "path for saving work files and logs", "--work-path");
        p.option("PATH", "path for previous criu image files in pre-dump", "--parent-path");
        p.flag("leave the process running after checkpointing", "--leave-running");
        p.flag("allow open tcp connections", "--tcp-established");
        p.flag("skip in-flight tcp connections", "--tcp-skip-in-flight");
        p.flag("allow one to link unlinked files back when possible", "--link-remap");
        p.flag("allow external unix sockets", "--ext-unix-sk");
        p.flag("allow shell jobs", "--shell-job");
        p.flag("use userfaultfd to lazily restore memory pages", "--lazy-pages");
        p.intOption("FD", "criu writes \\0 to this FD once lazy-pages is ready", "--status-fd");
        p.option("IP:PORT", "ADDRESS:PORT of the page server", "--page-server");
        p.flag("handle file locks, for safety", "--file-locks");
        p.flag("dump container's memory information only, leave the container running after this", "--pre-dump");
        p.option("MODE", "cgroups mode: soft (default), full, strict or ignore", "--manage-cgroups-mode");
        p.option("NAMESPACE", "create a namespace, but don't restore its properties", "--empty-ns");
        p.flag("enable auto deduplication of memory images", "--auto-dedup");
        p.containerId();
    }

    public int run(Parsed a, Cli cli) {
        String id = a.id(name());
        String work = a.str("--work-path", null);
        CheckpointEngine.Options o = new CheckpointEngine.Options(
                io.jrun.core.CallerPaths.absolute(Path.of(a.str("--image-path", "checkpoint"))),
                work == null || work.isEmpty() ? null : io.jrun.core.CallerPaths.absolute(Path.of(work)),
                emptyToNull(a.str("--parent-path", null)), a.has("--leave-running"), a.has("--tcp-established"),
                a.has("--tcp-skip-in-flight"), a.has("--link-remap"), a.has("--ext-unix-sk"), a.has("--shell-job"),
                a.has("--lazy-pages"), a.integer("--status-fd", -1), emptyToNull(a.str("--page-server", null)),
                a.has("--file-locks"), a.has("--pre-dump"), emptyToNull(a.str("--manage-cgroups-mode", null)),
                emptyToNull(a.str("--empty-ns", null)), a.has("--auto-dedup"));
        new CheckpointEngine(cli.engine()).checkpoint(id, o, cli.criu);
        return 0;
    }

    static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
