package io.jrun.cli;

import io.jrun.core.ContainerControl;
import io.jrun.core.JrunException;
import io.jrun.core.ResourceFlags;
import io.jrun.core.spec.Spec;
import io.jrun.core.spec.SpecReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code jrun update [--resources FILE|-] [flags] ID}: runc's update. The LinuxResources JSON (docker pipes
 * it on stdin, podman passes a file) is read first, then each individual flag given replaces its field.
 */
final class UpdateCommand implements Subcommand {
    public String name() { return "update"; }

    public String description() { return "update container resource constraints"; }

    public void define(Params p) {
        p.option("FILE", "path to the file containing the resources to update or '-' to read from the standard input",
                "--resources", "-r");
        for (String f : ResourceFlags.NAMES) {
            p.option("VALUE", flagHelp(f), "--" + f);
        }
        p.containerId();
    }

    private static String flagHelp(String f) {
        return switch (f) {
            case "memory", "memory-reservation", "memory-swap", "kernel-memory", "kernel-memory-tcp" ->
                    f.replace('-', ' ') + " limit (in bytes; units such as 32m or 1G accepted; -1: unlimited)";
            case "l3-cache-schema", "mem-bw-schema" -> "Intel RDT schema (not supported by jrun)";
            default -> f.replace('-', ' ');
        };
    }

    public int run(Parsed a, Cli cli) throws IOException {
        String id = a.id(name());
        String file = a.str("--resources", null);
        Spec.Resources base = null;
        if (file != null) {
            base = file.equals("-") ? SpecReader.readResources(System.in, "stdin")
                    : SpecReader.readResources(Path.of(file));
        }
        Map<String, String> flags = new LinkedHashMap<>();
        for (String f : ResourceFlags.NAMES) {
            String v = a.str("--" + f, null);
            if (v != null) flags.put(f, v);
        }
        if (base == null && flags.isEmpty()) {
            throw new JrunException("you must specify at least one resource to update (--resources or a flag)");
        }
        new ContainerControl(cli.engine()).update(id, ResourceFlags.merge(base, flags));
        return 0;
    }
}
