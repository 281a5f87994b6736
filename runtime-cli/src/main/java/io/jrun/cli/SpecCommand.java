package io.jrun.cli;

import io.jrun.core.DefaultConfig;
import io.jrun.core.JrunException;
import io.jrun.core.sandbox.SandboxConfig;
import io.jrun.core.spec.SpecWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** spec: writes a default config.json, like {@code runc spec}. */
final class SpecCommand implements Subcommand {
    public String name() { return "spec"; }

    public String description() { return "create a new specification file"; }

    public void define(Params p) {
        p.option("DIR", "path to the root of the bundle directory", "--bundle", "-b");
        p.flag("generate a configuration for a rootless container", "--rootless");
        p.flag("generate a sandbox for untrusted code: seccomp allowlist, violations to `jrun sandbox-agent`",
                "--sandbox");
    }

    public int run(Parsed a, Cli cli) {
        String bundle = a.str("--bundle", "");
        Path dir = bundle.isEmpty() ? Path.of("") : Path.of(bundle);
        Path file = dir.resolve("config.json");
        if (Files.exists(file)) throw new JrunException("File " + file + " exists. Remove it first");
        if (a.has("--sandbox") && a.has("--rootless")) throw new UsageError("--sandbox and --rootless cannot be combined");
        String json = SpecWriter.write(a.has("--sandbox") ? SandboxConfig.create() : DefaultConfig.create(a.has("--rootless")));
        try {
            Files.writeString(file, json);
        } catch (IOException e) {
            throw new JrunException("write " + file + ": " + e.getMessage(), e);
        }
        return 0;
    }
}
