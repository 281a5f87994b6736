package io.jrun.cli;

import io.jrun.core.sandbox.SandboxAgent;
import io.jrun.core.sandbox.SandboxConfig;
import java.nio.file.Path;

/**
 * {@code jrun sandbox-agent}: the seccomp agent that stops a `jrun spec --sandbox` container on its first
 * syscall outside the allowlist (docs/sandbox.md). Runs in the foreground until killed; the global --root
 * names the state of the containers it may freeze, kill and delete.
 */
final class SandboxAgentCommand implements Subcommand {
    public String name() { return "sandbox-agent"; }

    public String description() {
        return "stop sandboxed containers on a syscall outside their allowlist (seccomp agent)";
    }

    public void define(Params p) {
        p.option("PATH", "the socket the containers' linux.seccomp.listenerPath names (default "
                + SandboxConfig.DEFAULT_SOCKET + ")", "--socket");
        p.option("DIR", "where each violation's evidence directory is written (default /var/lib/jrun/sandbox)",
                "--evidence-dir");
        p.option("FILE", "the audit log, one JSON record per violation (default /var/log/jrun-sandbox.log)",
                "--audit-log");
        p.flag("only log violations (the syscall fails with EPERM), for tuning an allowlist", "--log-only");
    }

    public int run(Parsed a, Cli cli) {
        SandboxAgent.Options o = new SandboxAgent.Options(
                Path.of(a.str("--socket", SandboxConfig.DEFAULT_SOCKET)), a.has("--log-only"),
                Path.of(a.str("--evidence-dir", "/var/lib/jrun/sandbox")),
                Path.of(a.str("--audit-log", "/var/log/jrun-sandbox.log")));
        new SandboxAgent(o, cli.engine(), System.err).serve();
        return 0;
    }
}
