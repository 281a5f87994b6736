package io.jrun.core.sandbox;

import io.jrun.core.CallerPaths;
import io.jrun.core.ContainerControl;
import io.jrun.core.ContainerEngine;
import io.jrun.core.Json;
import io.jrun.core.Timestamps;
import io.jrun.sys.NativeSyscalls;
import io.jrun.sys.SyscallException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * What the agent does on a syscall outside the allowlist (docs/sandbox.md "Policy"). Kill mode: freeze the
 * container's cgroup (every process at once, the offender blocked in its syscall), write the evidence
 * directory ({@link Evidence}), append one JSON audit record, mark the container's state dir (so a foreground
 * `jrun run` exits {@link SandboxAgent#EXIT_VIOLATION}), kill every process and delete the container.
 * Log-only mode: the audit record, and the syscall fails with EPERM.
 */
final class Violations {
    private static final String MARKER = SandboxAgent.MARKER;
    private static final int EPERM = 1, SIGKILL = 9;

    private final ContainerEngine engine;
    private final SandboxAgent.Options options;
    private final NativeSyscalls sys = NativeSyscalls.instance();

    Violations(ContainerEngine engine, SandboxAgent.Options options) {
        this.engine = engine;
        this.options = options;
    }

    /** Returns true when the container is gone (kill mode), false when its notifications go on (log only). */
    boolean handle(String id, SandboxAgent.Notification n, int fd) {
        if (options.logOnly()) {
            audit(record(id, n, "logged", null, null));
            answerEperm(fd, n);
            return false;
        }
        // one violation at a time: the engine's calls take the container's lock, and the audit log is shared
        synchronized (this) {
            String freeze = freeze(id);
            Path dir = null;
            String evidenceError = null;
            try {
                dir = new Evidence(engine, options.evidenceDir()).write(id, n);
            } catch (IOException | RuntimeException e) {
                evidenceError = e.getMessage();
            }
            boolean known = engine.store().exists(id);
            if (!known) {
                // not a container of our --root: stop the offender itself (it is blocked in our notification, so
                // its pid cannot have been reused); closing the fd alone would let its syscall fail with ENOSYS
                killQuietly(n.pid());
            }
            audit(record(id, n, "killed", dir, freeze + (evidenceError == null ? "" : "; evidence: " + evidenceError)
                    + (known ? "" : "; not a container under this --root: only pid " + n.pid() + " killed")));
            if (known) {
                mark(id);
                destroy(id);
            }
        }
        return true;
    }

    private void killQuietly(int pid) {
        try {
            sys.kill(pid, SIGKILL);
        } catch (SyscallException e) {
            // already gone
        }
    }

    private String freeze(String id) {
        try {
            new ContainerControl(engine).pause(id);
            return "frozen";
        } catch (RuntimeException e) {
            return "not frozen: " + e.getMessage();
        }
    }

    private void answerEperm(int fd, SandboxAgent.Notification n) {
        try {
            sys.notifRespond(fd, n.id(), EPERM, false);
        } catch (SyscallException e) {
            // the process died meanwhile: nothing to answer
        }
    }

    static String record(String id, SandboxAgent.Notification n, String action, Path evidence, String note) {
        StringBuilder b = new StringBuilder(256).append("{\"time\":").append(Json.quote(Timestamps.nowNanos()))
                .append(",\"container\":").append(Json.quote(id)).append(",\"action\":\"").append(action)
                .append("\",\"pid\":").append(n.pid()).append(",\"syscall\":").append(Json.quote(n.name()))
                .append(",\"nr\":").append(n.nr()).append(",\"arch\":\"0x").append(Integer.toHexString(n.arch()))
                .append("\",\"args\":[");
        for (int i = 0; i < n.args().length; i++) {
            b.append(i == 0 ? "" : ",").append("\"0x").append(Long.toHexString(n.args()[i])).append('"');
        }
        b.append(']');
        if (evidence != null) b.append(",\"evidence\":").append(Json.quote(evidence.toString()));
        if (note != null) b.append(",\"note\":").append(Json.quote(note));
        return b.append('}').toString();
    }

    /** One line per record, appended with a single write (O_APPEND), so records never interleave. */
    private void audit(String line) {
        try {
            Files.createDirectories(CallerPaths.absolute(options.auditLog()).getParent());
            Files.write(options.auditLog(), (line + "\n").getBytes(StandardCharsets.UTF_8),
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
        } catch (IOException e) {
            System.err.println("jrun sandbox-agent: audit log " + options.auditLog() + ": " + e.getMessage());
            System.err.println(line);
        }
    }

    private void mark(String id) {
        try {
            Files.writeString(engine.store().dir(id).resolve(MARKER), "seccomp violation\n");
        } catch (IOException | RuntimeException e) {
            // no state dir: nobody waits for this container's status
        }
    }

    /**
     * Kills every process (thawing them, so that SIGKILL acts on a v1 freezer), waits for the init to be reaped,
     * and gives a foreground `jrun run` a moment to read the marker and delete the container itself; else
     * deletes it here.
     */
    private void destroy(String id) {
        int pid = 0;
        String created = null;
        try {
            ContainerEngine.View v = engine.view(id);
            pid = v.livePid();
            created = v.state().created();
            engine.kill(id, SIGKILL, true);
            new ContainerControl(engine).resume(id);
        } catch (RuntimeException e) {
            // already stopped or not paused: delete --force below does the rest
        }
        Path proc = Path.of("/proc", pid > 0 ? Integer.toString(pid) : "0");
        waitFor(() -> !Files.exists(proc), 5000);
        waitFor(() -> !engine.store().exists(id), 2000);
        try {
            // the same container still: a foreground `run` that deleted it may have been followed by a new one
            // with the same id, which is not ours to delete
            if (engine.store().exists(id) && (created == null || created.equals(engine.view(id).state().created()))) {
                engine.delete(id, true);
            }
        } catch (RuntimeException e) {
            System.err.println("jrun sandbox-agent: delete " + id + ": " + e.getMessage());
        }
    }

    private static void waitFor(java.util.function.BooleanSupplier done, long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        while (!done.getAsBoolean() && System.nanoTime() < end) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
