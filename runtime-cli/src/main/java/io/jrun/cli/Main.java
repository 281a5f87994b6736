package io.jrun.cli;

import io.jrun.core.JrunException;
import io.jrun.core.Trace;
import io.jrun.core.Version;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParseResult;

/**
 * jrun's entry point: runc-compatible global flags, then one subcommand. The picocli model is built in code
 * (no annotation scanning), and nothing is initialised that the command does not use.
 */
public final class Main {
    static final List<Subcommand> COMMANDS = List.of(
            new Commands.Create(), new Commands.Start(), new Commands.Run(), new Commands.State(),
            new Commands.ListCmd(), new Commands.Kill(), new Commands.Delete(), new SpecCommand(),
            new FeaturesCommand(), new ExecCommand(),
            new PsCommand(), new PauseCommand(), new ResumeCommand(), new UpdateCommand(), new EventsCommand(),
            new NotYet("checkpoint", "checkpoint a running container"),
            new NotYet("restore", "restore a container from a previous checkpoint"));

    /**
     * Whether --debug turned Logback on. Kept here, not read from DebugLog: merely loading DebugLog makes the
     * verifier load Logback's classes from their jars (they are not in the AOT cache), ~5 ms on every error path.
     */
    private static boolean debugLogging;

    private Main() {}

    public static void main(String[] args) {
        Trace.mark("main");
        int code = execute(args, System.out, System.err);
        Trace.mark("done");
        if (!debugLogging) {
            // halt, not exit: jrun has no shutdown hook, and System.exit looks up a System.Logger for its
            // exit event, a class-path scan of every jar; halting saved 15-30 ms of wall time per call.
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(code);
        }
        System.exit(code); // --debug: let Logback's appenders close normally
    }

    static int execute(String[] args, PrintStream out, PrintStream err) {
        // Every CommandLine registers picocli's built-in type converters; those for java.sql, java.time and
        // java.nio.file types go through reflection and initialise ~100 JDK classes (~3 ms of every call).
        // jrun's options are strings, booleans and ints only.
        System.setProperty("picocli.converters.excludes", "java\\.(sql|time|nio\\.file)\\..*");
        CommandSpec rootSpec = Args.spec("jrun");
        rootSpec.usageMessage().description("jrun: an OCI runtime-spec " + Version.SPEC + " container runtime");
        Args.option(rootSpec, "DIR", "root directory for storage of container state (default: /run/jrun)", "--root");
        Args.option(rootSpec, "FILE", "set the log file to write jrun logs to (default is stderr)", "--log");
        Args.option(rootSpec, "FORMAT", "set the log format ('text' (default), or 'json')", "--log-format");
        Args.flag(rootSpec, "enable debug logging", "--debug");
        Args.flag(rootSpec, "enable systemd cgroup support", "--systemd-cgroup");
        Args.option(rootSpec, "VALUE", "ignore cgroup permission errors ('true', 'false', or 'auto')", "--rootless");
        Args.option(rootSpec, "PATH", "path to the criu binary used for checkpoint and restore", "--criu");
        Args.flag(rootSpec, "print the version", "--version", "-v");
        Args.flag(rootSpec, "show help", "--help", "-h");
        CommandLine cl = Args.commandLine(rootSpec);
        cl.setUnmatchedOptionsArePositionalParams(false);
        Map<String, Subcommand> byName = new LinkedHashMap<>();
        // Only the named subcommand's model is built: building all of them cost ~25 ms of every call (JRUN_TRACE).
        // An unknown name gets all of them, so picocli's errors are unchanged. With no subcommand named (--version,
        // --help, no arguments) none is built until usage is printed: the 17 models cost --version ~14 ms.
        String named = subcommandName(args);
        boolean known = false;
        for (Subcommand c : COMMANDS) known |= c.name().equals(named); // a loop: a stream's first use costs ~1 ms
        if (named != null) addSubcommands(cl, byName, known ? named : null);
        Trace.mark("model built");

        String logFile = null;
        String logFormat = "text";
        try {
            ParseResult pr = cl.parseArgs(args);
            Trace.mark("parsed");
            logFile = pr.matchedOptionValue("--log", null);
            logFormat = pr.matchedOptionValue("--log-format", "text");
            if (!logFormat.equals("text") && !logFormat.equals("json")) {
                throw new Args.UsageError("invalid log format: " + logFormat);
            }
            if (Args.has(pr, "--version")) {
                out.println("jrun version " + Version.version());
                out.println("commit: " + Version.commit());
                out.println("spec: " + Version.SPEC);
                return 0;
            }
            if (Args.has(pr, "--help") || !pr.hasSubcommand()) {
                addSubcommands(cl, byName, null);
                cl.usage(out);
                return Args.has(pr, "--help") ? 0 : 1;
            }
            ParseResult sub = pr.subcommand();
            if (Args.has(sub, "--help")) {
                cl.getSubcommands().get(sub.commandSpec().name()).usage(out);
                return 0;
            }
            Cli cli = new Cli(Path.of(pr.matchedOptionValue("--root", "/run/jrun")), logFile, logFormat,
                    Args.has(pr, "--debug"), Args.has(pr, "--systemd-cgroup"),
                    "true".equals(pr.matchedOptionValue("--rootless", "false")), out);
            if (cli.debug) {
                DebugLog.enable(logFile, logFormat);
                debugLogging = true;
            }
            return byName.get(sub.commandSpec().name()).run(sub, cli);
        } catch (CommandLine.ParameterException | Args.UsageError e) {
            return fail(err, logFile, logFormat, e.getMessage());
        } catch (JrunException e) {
            return fail(err, logFile, logFormat, e.getMessage(), e.exitCode());
        } catch (RuntimeException e) {
            // SpecException and other engine errors carry a complete one-line message.
            String msg = e.getMessage() == null ? e.toString() : e.getMessage();
            if (debugLogging) e.printStackTrace(err);
            return fail(err, logFile, logFormat, msg);
        } catch (Exception e) {
            return fail(err, logFile, logFormat, String.valueOf(e.getMessage()));
        }
    }

    /** Adds the model of the subcommand {@code only}, or of every subcommand not yet added when it is null. */
    private static void addSubcommands(CommandLine cl, Map<String, Subcommand> byName, String only) {
        for (Subcommand c : COMMANDS) {
            if (only != null ? !c.name().equals(only) : byName.containsKey(c.name())) continue;
            CommandSpec s = Args.spec(c.name());
            s.usageMessage().description(c.description());
            Args.flag(s, "show help", "--help", "-h");
            c.define(s);
            cl.addSubcommand(c.name(), Args.commandLine(s));
            byName.put(c.name(), c);
        }
    }

    /**
     * Global options that take a value as the next argument ("--root DIR"; "--root=DIR" is one argument). The
     * launcher (packaging/jrun.in) finds the subcommand the same way to pick its AOT cache: keep the two alike.
     */
    private static final List<String> GLOBAL_WITH_VALUE = List.of("--root", "--log", "--log-format", "--rootless", "--criu");

    /**
     * The subcommand named in {@code args}, found as picocli finds it: the first argument that is neither a
     * global option nor the value of one. Null when there is none.
     */
    static String subcommandName(String[] args) {
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("-")) return a;
            if (GLOBAL_WITH_VALUE.contains(a)) i++;
        }
        return null;
    }

    private static int fail(PrintStream err, String logFile, String logFormat, String msg) {
        return fail(err, logFile, logFormat, msg, 1);
    }

    private static int fail(PrintStream err, String logFile, String logFormat, String msg, int code) {
        String oneLine = msg.replace('\n', ' ');
        err.println("jrun: " + oneLine);
        ErrorLog.write(logFile, logFormat, "error", oneLine);
        return code;
    }
}
