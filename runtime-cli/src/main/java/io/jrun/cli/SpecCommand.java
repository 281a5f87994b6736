package io.jrun.cli;

import io.jrun.core.DefaultConfig;
import io.jrun.core.JrunException;
import io.jrun.core.spec.SpecWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/** spec: writes a default config.json, like {@code runc spec}. */
final class SpecCommand implements Subcommand {
    public String name() { return "spec"; }

    public String description() { return "create a new specification file"; }

    public void define(CommandSpec s) {
        Args.option(s, "DIR", "path to the root of the bundle directory", "--bundle", "-b");
        Args.flag(s, "generate a configuration for a rootless container", "--rootless");
    }

    public int run(ParseResult a, Cli cli) {
        String bundle = Args.str(a, "--bundle", "");
        Path dir = bundle.isEmpty() ? Path.of("") : Path.of(bundle);
        Path file = dir.resolve("config.json");
        if (Files.exists(file)) throw new JrunException("File " + file + " exists. Remove it first");
        String json = SpecWriter.write(DefaultConfig.create(Args.has(a, "--rootless")));
        try {
            Files.writeString(file, json);
        } catch (IOException e) {
            throw new JrunException("write " + file + ": " + e.getMessage(), e);
        }
        return 0;
    }
}
