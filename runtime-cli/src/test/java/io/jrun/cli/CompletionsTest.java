package io.jrun.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generated completion scripts, run by the shells themselves, with a fake `jrun` first on PATH whose
 * `list -q` prints two ids (and the --root it was given, to show that the root is passed on).
 */
class CompletionsTest {
    @TempDir
    Path dir;

    @BeforeEach
    void generate() throws IOException {
        Docs.write(dir);
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.writeString(bin.resolve("jrun"), """
                #!/bin/sh
                [ "$1" = --root ] && echo "root:$2"
                case " $* " in *" list -q "*) echo alpha; echo beta ;; esac
                """);
        Files.setPosixFilePermissions(bin.resolve("jrun"), PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void bashCompletesCommandsOptionsAndIds() throws Exception {
        for (boolean withBashCompletion : new boolean[] {false, true}) {
            if (withBashCompletion && !Files.exists(Path.of(BASH_COMPLETION))) continue;
            assertEquals(List.of("delete"), bash("jrun de", withBashCompletion));
            assertEquals(List.of("alpha", "beta"), bash("jrun delete ", withBashCompletion));
            assertEquals(List.of("root:/x", "alpha", "beta"), bash("jrun --root /x state ", withBashCompletion));
            assertEquals(List.of("--bundle"), bash("jrun create --b", withBashCompletion));
            assertEquals(List.of(), bash("jrun create ", withBashCompletion)); // a new id: nothing to offer
            assertEquals(List.of(), bash("jrun delete alpha ", withBashCompletion));
            assertEquals(List.of("--root", "--rootless"), bash("jrun --ro", withBashCompletion));
            assertEquals(Set.of("--force", "-f", "--help", "-h"), Set.copyOf(bash("jrun delete -", withBashCompletion)));
            // exec: after the id everything is the process's, options included
            assertEquals(List.of(), bash("jrun exec alpha --", withBashCompletion));
            assertEquals(List.of(dir.resolve("bin").toString()), bash("jrun create --bundle " + dir.resolve("bi"), withBashCompletion));
        }
    }

    @Test
    void fishCompletesCommandsOptionsAndIds() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/fish")), "fish not installed");
        assertTrue(fish("jrun de").contains("delete"));
        assertTrue(fish("jrun delete ").containsAll(List.of("alpha", "beta")));
        assertTrue(fish("jrun create --b").contains("--bundle"));
    }

    @Test
    void zshScriptParses() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/zsh")), "zsh not installed");
        List<String> out = run(List.of("zsh", "-n", dir.resolve("completion/_jrun").toString()));
        assertEquals(List.of(), out);
    }

    private static final String BASH_COMPLETION = "/usr/share/bash-completion/bash_completion";

    /** The candidates bash offers at the end of {@code line}, as a TAB there would. */
    private List<String> bash(String line, boolean withBashCompletion) throws Exception {
        String script = (withBashCompletion ? "source " + BASH_COMPLETION + "\n" : "")
                + "source " + dir.resolve("completion/jrun.bash") + "\n"
                + "COMP_LINE=$1 COMP_POINT=${#1}\n"
                + "read -ra COMP_WORDS <<<\"$1\"\n"
                + "[[ $1 == *' ' ]] && COMP_WORDS+=('')\n"
                + "COMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n"
                + "_jrun\n"
                + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
        return run(List.of("bash", "-c", script, "bash", line));
    }

    private List<String> fish(String line) throws Exception {
        String script = "source " + dir.resolve("completion/jrun.fish") + "; complete -C '" + line + "'";
        return run(List.of("fish", "-c", script)).stream().map(l -> l.split("\t")[0]).toList();
    }

    private List<String> run(List<String> cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("PATH", dir.resolve("bin") + ":" + System.getenv("PATH"));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out.lines().filter(l -> !l.isEmpty()).toList();
    }
}
