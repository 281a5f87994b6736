package io.jrun.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Build-time tool (`make install`, `make deb`): writes the man pages and the shell completion scripts from the
 * commands' declarations into a directory, so that they cannot drift from what jrun parses.
 *
 * <pre>java -cp ... io.jrun.cli.Docs OUT_DIR   # OUT_DIR/man8/jrun*.8, OUT_DIR/completion/{jrun.bash,_jrun,jrun.fish}</pre>
 */
public final class Docs {
    private Docs() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: io.jrun.cli.Docs OUT_DIR");
            System.exit(2);
        }
        write(Path.of(args[0]));
    }

    static void write(Path out) throws IOException {
        Path man = Files.createDirectories(out.resolve("man8"));
        Params global = Main.globalParams();
        Files.writeString(man.resolve("jrun.8"), ManPages.main(global, Main.COMMANDS));
        for (Subcommand c : Main.COMMANDS) {
            Files.writeString(man.resolve("jrun-" + c.name() + ".8"), ManPages.command(c));
        }
        Path completion = Files.createDirectories(out.resolve("completion"));
        Files.writeString(completion.resolve("jrun.bash"), Completions.bash(global, Main.COMMANDS));
        Files.writeString(completion.resolve("_jrun"), Completions.zsh(global, Main.COMMANDS));
        Files.writeString(completion.resolve("jrun.fish"), Completions.fish(global, Main.COMMANDS));
    }
}
