package io.jrun.cli;

import io.jrun.core.JrunException;
import io.jrun.core.image.ImageRequest;
import io.jrun.core.image.LayerStore;
import io.jrun.sys.Syscalls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code jrun image ls|rm|prune}: the layer store of `run --image` (docs/images.md), and the image flags that
 * create and run share.
 */
final class ImageCommand implements Subcommand {
    public String name() { return "image"; }

    public String description() { return "manage the layer store of images run with --image (ls, rm LAYER..., prune)"; }

    public void define(Params p) {
        p.option("DIR", "the layer store (default /var/lib/jrun, per user when not root)", "--store");
        p.flag("display only layer digests", "--quiet", "-q");
        p.positionals("ls|rm|prune [LAYER_DIGEST...]", Integer.MAX_VALUE, "what to do, and the layers for rm");
    }

    /** create and run: --image and what goes with it. */
    static void imageFlags(Params p) {
        p.option("PATH[:TAG|@DIGEST]", "run an OCI image layout or oci-archive instead of a bundle", "--image");
        p.option("OS/ARCH[/VARIANT]", "with --image: the platform to pick from an image index (default: this machine's)", "--platform");
        p.option("DIR", "with --image: keep the container's changes in DIR (default: a tmpfs, gone with the container)", "--keep-changes");
        p.option("DIR", "with --image: the layer store (default /var/lib/jrun, per user when not root)", "--store");
        p.flag("with --image: fix TZ, locale, PATH, HOME, umask, hostname, rlimits and SOURCE_DATE_EPOCH for builds", "--reproducible");
        p.option("SECONDS", "with --reproducible: SOURCE_DATE_EPOCH (default: the image's created time)", "--source-date-epoch");
    }

    static ImageRequest imageRequest(Parsed a, String command) {
        String image = a.str("--image", null);
        List<String> rest = a.positionals.size() > 1 ? a.positionals.subList(1, a.positionals.size()) : List.of();
        if (image == null) {
            for (String f : List.of("--platform", "--keep-changes", "--store", "--reproducible", "--source-date-epoch")) {
                if (a.has(f)) throw new UsageError(f + " needs --image");
            }
            if (!rest.isEmpty()) throw new UsageError("\"" + command + "\" requires exactly 1 argument(s)");
            return null;
        }
        if (a.has("--bundle")) throw new UsageError("--image and --bundle are mutually exclusive");
        String sde = a.str("--source-date-epoch", null);
        Long epoch = null;
        if (sde != null) {
            if (!a.has("--reproducible")) throw new UsageError("--source-date-epoch needs --reproducible");
            try {
                epoch = Long.parseLong(sde);
            } catch (NumberFormatException e) {
                epoch = -1L;
            }
            if (epoch < 0) throw new UsageError("--source-date-epoch: " + sde + " is not a number of seconds");
        }
        String keep = a.str("--keep-changes", null);
        String store = a.str("--store", null);
        return new ImageRequest(image, a.str("--platform", null), List.copyOf(rest),
                keep == null ? null : Path.of(keep), store == null ? null : Path.of(store), a.has("--reproducible"), epoch);
    }

    public int run(Parsed a, Cli cli) {
        String verb = a.pos(0);
        if (verb == null) throw new UsageError("\"image\" requires a subcommand: ls, rm or prune");
        String dir = a.str("--store", null);
        boolean root = isRoot();
        LayerStore store = new LayerStore(dir != null ? io.jrun.core.CallerPaths.absolute(Path.of(dir)) : LayerStore.defaultDir(root), Syscalls.get());
        List<String> args = a.positionals.subList(1, a.positionals.size());
        switch (verb) {
            case "ls", "list" -> {
                if (!args.isEmpty()) throw new UsageError("\"image ls\" takes no arguments");
                List<LayerStore.Entry> entries = store.list();
                if (a.has("--quiet")) {
                    for (LayerStore.Entry e : entries) cli.out.println(e.digest());
                    return 0;
                }
                cli.out.printf("%-71s %14s %s%n", "LAYER", "BYTES", "CONTAINERS");
                for (LayerStore.Entry e : entries) cli.out.printf("%-71s %14d %d%n", e.digest(), e.bytes(), e.users().size());
            }
            case "rm" -> {
                if (args.isEmpty()) throw new UsageError("\"image rm\" requires at least 1 layer digest");
                for (String d : args) {
                    store.remove(d);
                    cli.out.println(d);
                }
            }
            case "prune" -> {
                if (!args.isEmpty()) throw new UsageError("\"image prune\" takes no arguments");
                for (String d : store.prune()) cli.out.println(d);
            }
            default -> throw new UsageError("\"image\": unknown subcommand " + verb + " (ls, rm, prune)");
        }
        return 0;
    }

    private static boolean isRoot() {
        try {
            return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) == 0;
        } catch (Exception e) {
            throw new JrunException("read /proc/self: " + e.getMessage(), e);
        }
    }
}
