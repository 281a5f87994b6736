package io.jrun.core.sandbox;

import io.jrun.core.CallerPaths;
import io.jrun.core.ContainerEngine;
import io.jrun.core.JrunException;
import io.jrun.core.spec.JsonTree;
import io.jrun.seccomp.Arch;
import io.jrun.sys.NativeSyscalls;
import io.jrun.sys.SyscallException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * {@code jrun sandbox-agent} (docs/sandbox.md): the seccomp agent of runtime-spec config-linux.md "Seccomp".
 * The helper of every container whose linux.seccomp.listenerPath names our socket connects to it, and (after
 * loading the filter) sends the container's state JSON with the listener fd by SCM_RIGHTS. Each connection
 * gets a thread that answers the container's notifications: the runtime's own execve of the process (the
 * first notification, made before the program runs) continues; any other is a violation, handled by
 * {@link Violations} (freeze, evidence, audit record, kill and delete; or, log-only, an audit record and EPERM).
 */
public final class SandboxAgent {
    /** What `jrun run` exits with when the agent stopped its container: 128 + SIGSYS, as a seccomp kill. */
    public static final int EXIT_VIOLATION = 159;
    /** In the container's state dir once the agent stopped it: `jrun run` then exits {@link #EXIT_VIOLATION}. */
    public static final String MARKER = "sandbox-violation";

    public record Options(Path socket, boolean logOnly, Path evidenceDir, Path auditLog) {}

    private final Options options;
    private final NativeSyscalls sys = NativeSyscalls.instance();
    private final Violations violations;
    private final PrintStream err;

    public SandboxAgent(Options options, ContainerEngine engine, PrintStream err) {
        this.options = options;
        this.err = err;
        this.violations = new Violations(engine, options);
    }

    /** Listens and serves until the process is killed (SIGTERM removes the socket). */
    public void serve() {
        int lfd = listen();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.deleteIfExists(options.socket());
            } catch (IOException ignored) {
                // nothing more to do on the way out
            }
        }));
        err.println("jrun sandbox-agent: listening on " + options.socket() + (options.logOnly() ? " (log only)" : ""));
        for (;;) {
            int c = sys.engineAccept(lfd, 60_000);
            if (c < 0) continue;
            Thread.ofVirtual().name("sandbox-conn-" + c).start(() -> connection(c));
        }
    }

    /** A fresh socket in a directory only root can enter: only the runtime (root) may hand us containers. */
    private int listen() {
        Path s = options.socket();
        try {
            Path dir = CallerPaths.absolute(s).getParent();
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            Files.deleteIfExists(s);
        } catch (IOException e) {
            throw new JrunException("sandbox-agent: " + s + ": " + e.getMessage(), e);
        }
        return sys.unixListen(s.toString());
    }

    /** One container: its state and listener fd (at its `start`), then its notifications until it is gone. */
    private void connection(int c) {
        int[] fds = {-1, -1, -1, -1};
        String id = "?";
        try {
            byte[] payload = receive(c, fds);
            if (fds[0] < 0) throw new JrunException("no listener fd with the container state");
            id = containerId(payload);
            // it names paths (the evidence directory, the state dir): jrun's own id rules, runc's
            io.jrun.core.spec.SpecValidator.validateId(id);
            serveNotifications(fds[0], id);
        } catch (RuntimeException e) {
            err.println("jrun sandbox-agent: container " + id + ": " + e.getMessage());
        } finally {
            sys.close(c);
            for (int fd : fds) if (fd >= 0) sys.close(fd);
        }
    }

    /** Everything the helper sends until it closes the connection (a stream socket: it may come in pieces). */
    private byte[] receive(int c, int[] fds) {
        byte[] all = new byte[0];
        for (;;) {
            int[] got = {-1, -1, -1, -1};
            byte[] part = sys.recvPacket(c, 64 * 1024, -1, got);
            if (part == null) return all;
            for (int i = 0, j = 0; i < got.length; i++) {
                if (got[i] < 0) continue;
                while (j < fds.length && fds[j] >= 0) j++;
                if (j < fds.length) fds[j] = got[i];
                else sys.close(got[i]);
            }
            if (all.length + part.length > 1 << 20) throw new JrunException("container state larger than 1 MiB");
            all = Arrays.copyOf(all, all.length + part.length);
            System.arraycopy(part, 0, all, all.length - part.length, part.length);
        }
    }

    /** state.id of the containerProcessState JSON (config-linux.md "Seccomp"). */
    static String containerId(byte[] payload) {
        if (!(JsonTree.parse(payload, "container process state") instanceof JsonTree.Obj o)
                || !(o.members().get("state") instanceof JsonTree.Obj st)
                || !(st.members().get("id") instanceof JsonTree.Str idNode)) {
            throw new JrunException("container process state without state.id");
        }
        return idNode.value();
    }

    /**
     * Until the first execve, the calls are the helper's own last steps (its process title, then the execve of
     * process.args), made after it sent us the fd and before any of the program runs: they continue. From the
     * execve on, the process is the program, and every notification is a violation.
     */
    private void serveNotifications(int fd, String id) {
        boolean program = false;
        for (;;) {
            long[] n = sys.notifReceive(fd, 60_000);
            if (n == null) continue;
            if (n.length == 0) return; // every process under the filter is gone
            Notification note = Notification.of(n);
            if (!program) {
                program = note.name().equals("execve");
                respond(fd, note, 0, true);
                continue;
            }
            if (violations.handle(id, note, fd)) return;
        }
    }

    private void respond(int fd, Notification note, int errno, boolean cont) {
        try {
            sys.notifRespond(fd, note.id(), errno, cont);
        } catch (SyscallException e) {
            err.println("jrun sandbox-agent: answering " + note.name() + ": " + e.getMessage());
        }
    }

    /** One seccomp_notif: the process (a host pid: we are in the host's pid namespace), syscall, arguments. */
    public record Notification(long id, int pid, int nr, int arch, long ip, long[] args, String name) {
        static Notification of(long[] n) {
            int nr = (int) n[2], arch = (int) n[3];
            String name = "?";
            for (Arch a : Arch.values()) {
                if (a.auditArch() == arch && a.table().name(nr) != null) {
                    name = a.table().name(nr);
                    break;
                }
            }
            return new Notification(n[0], (int) n[1], nr, arch, n[4], Arrays.copyOfRange(n, 5, 11), name);
        }
    }
}
