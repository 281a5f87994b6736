package io.jrun.cli;

import io.jrun.core.JrunException;
import io.jrun.core.Trace;
import io.jrun.core.Version;
import io.jrun.core.Warnings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * jrun's entry point: runc-compatible global flags, then one subcommand. The argv is parsed by {@link PlainArgv}
 * when it is plain, by picocli otherwise, and nothing is initialised that the command does not use.
 */
public final class Main {
    static final List<Subcommand> COMMANDS = List.of(
            new Commands.Create(), new Commands.Start(), new Commands.Run(), new Commands.State(),
            new Commands.ListCmd(), new Commands.Kill(), new Commands.Delete(), new SpecCommand(),
            new FeaturesCommand(), new ExecCommand(), new ImageCommand(),
            new PsCommand(), new PauseCommand(), new ResumeCommand(), new UpdateCommand(), new EventsCommand(),
            new SandboxAgentCommand(),
            new CheckpointCommand(), new RestoreCommand());

    /**
     * Whether --debug turned Logback on. Kept here, not read from DebugLog: merely loading DebugLog makes the
     * verifier load Logback's classes from their jars (they are not in the AOT cache), ~5 ms on every error path.
     */
    private static boolean debugLogging;
    /** --debug's --log file and format, while debugLogging (the engine restores them after a wait). */
    private static String debugLog, debugLogFormat;

    private Main() {}

    public static void main(String[] args) {
        // The resident engine (opt-in, docs/architecture.md): not in COMMANDS, so usage, man pages and
        // completions stay as they were; only the front door and operators start it.
        if (args.length > 0 && args[0].equals("daemon")) {
            int code = Daemon.main(args);
            System.out.flush();
            System.err.flush();
            Runtime.getRuntime().halt(code);
        }
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

    /** jrun's global options, before the subcommand (runc's main.go). */
    static Params globalParams() {
        return new Params("jrun: an OCI runtime-spec " + Version.SPEC + " container runtime")
                .option("DIR", "root directory for storage of container state (default: /run/jrun, or $XDG_RUNTIME_DIR/jrun for a non-root user)", "--root")
                .option("FILE", "set the log file to write jrun logs to (default is stderr)", "--log")
                .option("FORMAT", "set the log format ('text' (default), or 'json')", "--log-format")
                .flag("enable debug logging", "--debug")
                .flag("enable systemd cgroup support", "--systemd-cgroup")
                .option("VALUE", "ignore cgroup permission errors ('true', 'false', or 'auto')", "--rootless")
                .option("PATH", "path to the criu binary used for checkpoint and restore", "--criu")
                .flag("print the version", "--version", "-v")
                .flag("show help", "--help", "-h");
    }

    static int execute(String[] args, PrintStream out, PrintStream err) {
        Invocation inv;
        try {
            Params global = globalParams();
            // PlainArgv takes the argvs clients send; picocli the rest, so its usage and errors are jrun's.
            inv = PlainArgv.parse(global, COMMANDS, args);
            if (inv == null) inv = PicocliArgv.parse(global, COMMANDS, args);
        } catch (RuntimeException e) {
            // The argv did not parse, so the globals were not read: the clients that pass --log (containerd's shim,
            // conmon) show only what the log says, so find it as the parser would have.
            String format = "json".equals(globalValue(args, "--log-format")) ? "json" : "text";
            return fail(err, globalValue(args, "--log"), format, e.getMessage() == null ? e.toString() : e.getMessage());
        }
        Trace.mark("parsed");
        return execute(inv, out, err);
    }

    /** Runs an invocation already parsed (the resident engine parsed it to admit the call). */
    static int execute(Invocation inv, PrintStream out, PrintStream err) {
        String logFile = null;
        String logFormat = "text";
        try {
            Parsed g = inv.global();
            logFile = g.str("--log", null);
            logFormat = g.str("--log-format", "text");
            if (!logFormat.equals("text") && !logFormat.equals("json")) {
                throw new UsageError("invalid log format: " + logFormat);
            }
            if (g.has("--version")) {
                out.println("jrun version " + Version.version());
                out.println("commit: " + Version.commit());
                out.println("spec: " + Version.SPEC);
                return 0;
            }
            if (g.has("--help") || inv.command() == null) {
                PicocliArgv.usage(out, g.params, COMMANDS, null);
                return g.has("--help") ? 0 : 1;
            }
            // A command that does not exist yet fails even for --help: podman probes `checkpoint --help` and
            // takes exit 0 for support.
            if (inv.args().has("--help") && inv.command().implemented()) {
                PicocliArgv.usage(out, g.params, COMMANDS, inv.command());
                return 0;
            }
            // runc's defaults: --root under $XDG_RUNTIME_DIR for a non-root caller, --rootless auto (docs/rootless.md)
            Path root = g.has("--root") ? Path.of(g.str("--root", "")) : io.jrun.core.Rootless.defaultRoot();
            Cli cli = new Cli(root, logFile, logFormat, g.has("--debug"),
                    g.has("--systemd-cgroup"), io.jrun.core.Rootless.resolve(g.str("--rootless", "auto")), out);
            cli.criu = g.str("--criu", null);
            if (logFile != null && !logFile.isEmpty()) {
                String file = logFile, format = logFormat;
                Warnings.sink(msg -> ErrorLog.write(file, format, "warning", msg));
            }
            if (cli.debug) enableDebug(logFile, logFormat);
            return inv.command().run(inv.args(), cli);
        } catch (UsageError e) {
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

    /**
     * The value of global option {@code name} ("--log F" or "--log=F") among the arguments before the
     * subcommand, or null: for an argv that did not parse as a whole.
     */
    static String globalValue(String[] args, String name) {
        Params global = globalParams();
        for (int i = 0; i < args.length && args[i].startsWith("-"); i++) {
            String a = args[i];
            int eq = a.indexOf('=');
            Params.Option o = global.find(eq > 2 && a.startsWith("--") ? a.substring(0, eq) : a);
            if (o == null || o.kind == Params.Kind.FLAG) continue;
            String value = eq > 2 && a.startsWith("--") ? a.substring(eq + 1) : i + 1 < args.length ? args[++i] : null;
            if (o.named(name)) return value;
        }
        return null;
    }

    /**
     * Undoes what {@link #execute} left process-wide, so that the resident engine's next call starts as a fresh
     * JVM's would: the --log warning sink, and --debug's logging.
     */
    private static void enableDebug(String logFile, String logFormat) {
        DebugLog.enable(logFile, logFormat);
        debugLogging = true;
        debugLog = logFile;
        debugLogFormat = logFormat;
    }

    /** What {@link #execute} set process-wide for the call in progress (the --log sink, --debug's logging). */
    record CallState(java.util.function.Consumer<String> warnings, boolean debug, String debugLog, String debugLogFormat) {}

    /** The call's process-wide state, for the engine to restore after other calls ran meanwhile (EngineCall). */
    static CallState saveCall() {
        return new CallState(Warnings.sink(), debugLogging, debugLog, debugLogFormat);
    }

    static void restoreCall(CallState s) {
        resetCall();
        Warnings.sink(s.warnings());
        if (s.debug()) enableDebug(s.debugLog(), s.debugLogFormat());
    }

    static void resetCall() {
        Warnings.sink(null);
        if (debugLogging) {
            DebugLog.disable();
            debugLogging = false;
        }
    }

    private static int fail(PrintStream err, String logFile, String logFormat, String msg) {
        return fail(err, logFile, logFormat, msg, 1);
    }

    /**
     * The longest error line: validation errors quote values bounded (Json.quoteValue), and this backstop keeps
     * any other error that echoes a value (a kernel's, a file's) from printing kilobytes.
     */
    static final int MAX_ERROR = 1000;

    private static int fail(PrintStream err, String logFile, String logFormat, String msg, int code) {
        String oneLine = msg.replace('\n', ' ');
        if (oneLine.length() > MAX_ERROR) {
            oneLine = oneLine.substring(0, MAX_ERROR) + "...";
        }
        err.println("jrun: " + oneLine);
        ErrorLog.write(logFile, logFormat, "error", oneLine);
        return code;
    }
}
