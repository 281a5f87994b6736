package io.jrun.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the runtime binary under test: {@code -Djrun.bin} (the installed /usr/local/bin/jrun by default), or
 * any runc-compatible runtime named by env {@code JRUN_IT_RUNTIME} (e.g. runc), so a failing test can be told
 * apart from a jrun bug by running the same suite against the reference runtime.
 */
final class Jrun {
    static final String BIN = System.getenv().getOrDefault("JRUN_IT_RUNTIME",
            System.getProperty("jrun.bin", "/usr/local/bin/jrun"));

    final Path root;

    Jrun(Path root) {
        this.root = root;
    }

    record Result(int code, String out, String err) {
        @Override
        public String toString() {
            return "exit " + code + "\nstdout: " + out + "\nstderr: " + err;
        }
    }

    Result run(String... args) {
        return runIn(null, args);
    }

    /** Runs with the state root prepended as a global flag. */
    Result runIn(Path cwd, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(BIN);
        cmd.add("--root");
        cmd.add(root.toString());
        cmd.addAll(List.of(args));
        return exec(cwd, cmd);
    }

    /** Runs with {@code stdin} as the runtime's standard input (e.g. `update --resources -`). */
    Result runWithInput(String stdin, String... args) {
        try {
            Path in = Files.createTempFile("jrun-it", ".in");
            Files.writeString(in, stdin);
            List<String> cmd = new ArrayList<>(List.of(BIN, "--root", root.toString()));
            cmd.addAll(List.of(args));
            try {
                return exec(null, cmd, in);
            } finally {
                Files.deleteIfExists(in);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static Result exec(Path cwd, List<String> cmd) {
        return exec(cwd, cmd, Path.of("/dev/null"));
    }

    static Result exec(Path cwd, List<String> cmd, Path stdin) {
        return exec(cwd, cmd, stdin, java.util.Map.of());
    }

    /** Runs with {@code env} added to the inherited environment (EngineIT: JRUN_DAEMON=on). */
    static Result exec(Path cwd, List<String> cmd, Path stdin, java.util.Map<String, String> env) {
        try {
            Path out = Files.createTempFile("jrun-it", ".out");
            Path err = Files.createTempFile("jrun-it", ".err");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(stdin.toFile()));
            if (cwd != null) pb.directory(cwd.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + cmd);
            }
            Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return r;
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
