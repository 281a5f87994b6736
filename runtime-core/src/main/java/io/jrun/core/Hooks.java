package io.jrun.core;

import io.jrun.core.spec.Spec;
import io.jrun.core.state.ContainerState;
import io.jrun.sys.Errno;
import io.jrun.sys.SyscallException;
import io.jrun.sys.Syscalls;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Runs the hooks of config.md "POSIX-platform Hooks" that execute in the runtime namespace (prestart,
 * createRuntime, poststart, poststop): each gets the container's state (runtime.md "State") on stdin, its
 * {@code args} as argv (args[0] is argv[0], not necessarily {@code path}) and exactly its {@code env}, and is
 * killed when it outlives {@code timeout}. Hooks that run inside the container go through
 * {@link ExecEngine#runHookInContainer}. See docs/hooks.md.
 */
final class Hooks {
    private static final int WNOHANG = 1;

    private Hooks() {}

    static List<Spec.Hook> of(List<Spec.Hook> l) {
        return l == null ? List.of() : l;
    }

    /** Runs the hooks in order; the first failure is thrown as runc words it. */
    static void run(Syscalls sys, String kind, List<Spec.Hook> hooks, String state) {
        for (int i = 0; i < hooks.size(); i++) {
            Spec.Hook h = hooks.get(i);
            try {
                runOne(sys, h, state);
            } catch (JrunException e) {
                throw new JrunException("error running " + kind + " hook #" + i + ": " + e.getMessage(), e);
            }
        }
    }

    /** poststart/poststop: failures are only logged (config.md: "the runtime MUST log a warning"). */
    static void runLogged(Syscalls sys, String kind, List<Spec.Hook> hooks, String state) {
        for (int i = 0; i < hooks.size(); i++) {
            try {
                runOne(sys, hooks.get(i), state);
            } catch (JrunException e) {
                System.err.println("jrun: warning: error running " + kind + " hook #" + i + ": " + e.getMessage());
            }
        }
    }

    private static void runOne(Syscalls sys, Spec.Hook h, String state) {
        List<String> args = h.args() == null || h.args().isEmpty() ? List.of(h.path()) : h.args();
        List<String> env = h.env() == null ? List.of() : h.env();
        int[] pipe = sys.pipe();
        int pid;
        try {
            pid = sys.spawnProcess(h.path(), args.toArray(String[]::new), env.toArray(String[]::new), pipe[0], -1);
        } catch (SyscallException e) {
            sys.close(pipe[1]);
            throw new JrunException("fork/exec " + h.path() + ": " + sys.strerror(e.errno()).toLowerCase(java.util.Locale.ROOT), e);
        } finally {
            sys.close(pipe[0]);
        }
        feed(sys, pipe[1], state);
        waitHook(sys, pid, h.timeout());
    }

    /** Writes the state and closes the pipe; a hook that exits without reading it is not an error. */
    static void feed(Syscalls sys, int fd, String state) {
        byte[] b = state.getBytes(StandardCharsets.UTF_8);
        try {
            sys.write(fd, b, 0, b.length);
        } catch (SyscallException ignored) {
            // EPIPE: the hook did not read its stdin
        } finally {
            sys.close(fd);
        }
    }

    /** Waits for a child; past {@code timeoutSecs} it is killed and the hook fails. */
    static void waitHook(Syscalls sys, int pid, Integer timeoutSecs) {
        long deadline = timeoutSecs == null ? Long.MAX_VALUE : System.nanoTime() + timeoutSecs * 1_000_000_000L;
        long sleep = 1;
        while (true) {
            int[] r;
            try {
                r = sys.waitpid(pid, WNOHANG);
            } catch (SyscallException e) {
                if (e.errno() == Errno.EINTR) continue;
                throw new JrunException("wait: " + e.getMessage(), e);
            }
            if (r[0] == pid) {
                int st = r[1];
                if ((st & 0x7f) == 0) {
                    int code = (st >> 8) & 0xff;
                    if (code != 0) throw new JrunException("exit status " + code);
                    return;
                }
                throw new JrunException("signal: " + (st & 0x7f));
            }
            if (System.nanoTime() > deadline) {
                try {
                    sys.kill(pid, 9);
                    sys.waitpid(pid, 0);
                } catch (SyscallException ignored) {
                    // already gone
                }
                throw new JrunException("timeout after " + timeoutSecs + " seconds");
            }
            if (!Pause.millis(sleep)) throw new JrunException("interrupted");
            sleep = Math.min(20, sleep * 2);
        }
    }

    /** runtime.md "State" as hooks receive it: ociVersion, id, status, pid, bundle, annotations. */
    static String stateJson(ContainerState st, String status, int pid) {
        StringBuilder sb = new StringBuilder("{\"ociVersion\":").append(q(st.ociVersion()))
                .append(",\"id\":").append(q(st.id()))
                .append(",\"status\":").append(q(status));
        if (pid > 0) sb.append(",\"pid\":").append(pid);
        sb.append(",\"bundle\":").append(q(st.bundle()));
        if (st.annotations() != null && !st.annotations().isEmpty()) {
            sb.append(",\"annotations\":{");
            boolean first = true;
            for (Map.Entry<String, String> e : st.annotations().entrySet()) {
                if (!first) sb.append(',');
                first = false;
                sb.append(q(e.getKey())).append(':').append(q(e.getValue()));
            }
            sb.append('}');
        }
        return sb.append('}').toString();
    }

    /** A JSON string; null (a field not recorded) as "". */
    static String q(String s) {
        return Json.quote(s == null ? "" : s);
    }
}
