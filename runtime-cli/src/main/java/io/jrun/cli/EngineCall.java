package io.jrun.cli;

import io.jrun.core.CallEnv;
import io.jrun.core.JrunException;
import io.jrun.core.launch.CallerSide;
import io.jrun.core.state.ProcStat;
import io.jrun.sys.NativeSyscalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Pattern;

/**
 * One connection to the resident engine (Daemon): one request, then REFUSED, or ACCEPTED and EXIT, with the
 * front door's help in between (EngineFrame: SPAWN, SUBREAPER, WAIT). A call runs as Main would in a JVM of its
 * own, borrowing the process's fds 0-2 (dup2 of the caller's), cwd (fchdir) and umask (CallContext). Those are
 * the process's, so calls take turns: one holds {@link #TURN} while it runs, and gives it up only while its
 * caller waits for a foreground process (a `run` that lasts hours must not hold up the engine).
 */
final class EngineCall implements CallerSide {
    private static final Set<String> FORWARDED = Set.of("state", "start", "kill", "delete", "list", "create", "run", "exec");
    /** In the foreground the front door waits for the process; a terminal needs a relay, which stays in a JVM. */
    private static final Set<String> FOREGROUND_OK = Set.of("run", "exec");
    private static final List<String> NAMESPACES = List.of("mnt", "pid", "user", "net", "cgroup");
    /** Environment values that change what a call does and that this engine cannot honour: their calls fall back. */
    private static final List<String> UNSUPPORTED_ENV = List.of("JRUN_TRACE", "JRUN_TEST_PAUSE_AT");
    /** How long the engine waits for the front door to spawn a helper (a fork and an exec). */
    private static final int SPAWN_TIMEOUT_MILLIS = 10_000;
    private static final Pattern TERMINAL_TRUE = Pattern.compile("\"terminal\"\\s*:\\s*true");
    private static final long MAX_PEEK_BYTES = 4L << 20;
    /** The process-wide call context (fds 0-2, cwd, umask, Main's per-call state) is one call's at a time. */
    private static final ReentrantLock TURN = new ReentrantLock(true);

    private final NativeSyscalls sys;
    private final int fd;
    private final int uid;
    private final List<Path> engineNamespaces;
    /** The caller's stdin, stdout, stderr and cwd, as received. */
    private final int[] fds = {-1, -1, -1, -1};
    private int callerPid;
    private int umask;
    /** The call as admit decoded and parsed it; run takes it from there (a packet is decoded and parsed once). */
    private EngineFrame.Request request;
    private Invocation invocation;
    private int engineUmask;
    /**
     * The call's own stdout and stderr streams over fds 1 and 2. Fresh for each call: a stream whose write failed
     * (the caller's pipe closed early, `jrun --version | head -1`) keeps its unwritten buffer, and a shared one
     * would hand those bytes to the next call's stdout.
     */
    private final java.io.PrintStream out = new java.io.PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), false);
    private final java.io.PrintStream err = new java.io.PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.err), true);

    EngineCall(NativeSyscalls sys, int fd, int uid, List<Path> engineNamespaces) {
        this.sys = sys;
        this.fd = fd;
        this.uid = uid;
        this.engineNamespaces = engineNamespaces;
    }

    void serve() {
        try {
            byte[] packet = sys.recvPacket(fd, EngineFrame.MAX_FRAME + 1, 1000, fds);
            if (packet == null) return; // the caller hung up
            String refusal = admit(packet);
            if (refusal != null) {
                sys.sendPacket(fd, EngineFrame.reply(EngineFrame.REFUSED, 0, refusal), null);
                return;
            }
            int status = run();
            sys.sendPacket(fd, EngineFrame.reply(EngineFrame.EXIT, status, null), null);
        } catch (EngineFrame.FrameException | RuntimeException e) {
            try {
                sys.sendPacket(fd, EngineFrame.reply(EngineFrame.REFUSED, 0, String.valueOf(e.getMessage())), null);
            } catch (RuntimeException gone) {
                // the caller hung up: nothing to tell it
            }
        } finally {
            for (int f : fds) {
                if (f >= 0) sys.close(f);
            }
        }
    }

    @Override
    public int pid() {
        return callerPid;
    }

    /** Why this call must run in its own JVM instead, or null when the engine takes it. */
    private String admit(byte[] packet) throws EngineFrame.FrameException {
        int[] cred = sys.peerCred(fd);
        callerPid = cred[0];
        // One engine per uid: root's serves root alone, a user's that user alone (not root either: a call runs with
        // the engine's credentials, and root's calls are for root's engine, which its front door dials).
        if (cred[1] != uid) return "caller's uid " + cred[1] + " is not the engine's (" + uid + ")";
        // A hook the engine runs for a call (prestart, poststart, ...) that calls jrun would wait for its turn
        // behind the very call that waits for the hook.
        if (descendsFromEngine(callerPid)) return "called from a process the engine runs (a hook)";
        try {
            if (!namespaces(Integer.toString(cred[0])).equals(engineNamespaces)) return "caller in other namespaces";
        } catch (IOException e) {
            return "caller's namespaces unreadable";
        }
        EngineFrame.Request r = request = EngineFrame.decode(packet);
        for (int f : fds) {
            if (f < 0) return "expected 4 fds (stdin, stdout, stderr, cwd)";
        }
        for (String name : UNSUPPORTED_ENV) {
            if (r.env(name) != null) return name + " is set";
        }
        Invocation inv = invocation = PlainArgv.parse(Main.globalParams(), Main.COMMANDS, r.args());
        if (inv != null && inv.command() == null && inv.global().has("--version") && !inv.global().has("--help")) return null;
        if (inv == null || inv.command() == null) return "argv not plain";
        String name = inv.command().name();
        if (!FORWARDED.contains(name)) return name + " is not served by the engine";
        if (FOREGROUND_OK.contains(name) && !inv.args().has("--detach") && foregroundTerminal(inv)) {
            return name + " in the foreground with a terminal is not served by the engine";
        }
        return null;
    }

    /**
     * Whether a foreground run or exec asks for a terminal: exec's -t, or "terminal": true in exec's --process
     * file or run's config.json (read through the caller's cwd). Any doubt counts as yes: the call then runs in a
     * JVM of its own, which is always right.
     */
    private boolean foregroundTerminal(Invocation inv) {
        String file;
        if (inv.command().name().equals("exec")) {
            if (inv.args().has("--tty")) return true;
            file = inv.args().str("--process", null);
            if (file == null) return false;
        } else {
            String bundle = inv.args().str("--bundle", "");
            file = (bundle.isEmpty() ? "." : bundle) + "/config.json";
        }
        Path p = file.startsWith("/") ? Path.of(file) : Path.of("/proc/self/fd/" + fds[3]).resolve(file);
        try {
            // Only a bounded look at a regular file: a huge one, a device (/dev/zero) or a fifo is for a JVM of its
            // own to read and refuse (a config of /dev/zero once ran this engine out of heap).
            if (!Files.isRegularFile(p) || Files.size(p) > MAX_PEEK_BYTES) return true;
            return TERMINAL_TRUE.matcher(Files.readString(p)).find();
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    private static boolean descendsFromEngine(int pid) {
        long engine = ProcessHandle.current().pid();
        for (int i = 0, p = ProcStat.parent(pid); i < 64 && p > 1; i++, p = ProcStat.parent(p)) {
            if (p == engine) return true;
        }
        return false;
    }

    static List<Path> namespaces(String pid) throws IOException {
        Path[] links = new Path[NAMESPACES.size()];
        for (int i = 0; i < links.length; i++) {
            links[i] = Files.readSymbolicLink(Path.of("/proc", pid, "ns", NAMESPACES.get(i)));
        }
        return List.of(links);
    }

    /** Runs the call with the caller's stdio, cwd and umask, as Main would in a JVM of its own. */
    private int run() {
        EngineFrame.Request r = request;
        umask = r.umask();
        TURN.lock();
        try {
            enter();
            sys.sendPacket(fd, EngineFrame.reply(EngineFrame.ACCEPTED, 0, null), null);
            try {
                return CallEnv.with(r.envMap(), () -> CallerSide.with(this, () -> Main.execute(invocation, out, err)));
            } catch (Throwable t) { // a failed call fails, the engine stays
                System.err.println("jrun: " + t);
                return 1;
            } finally {
                System.out.flush();
                System.err.flush();
                Main.resetCall();
            }
        } finally {
            leave();
            TURN.unlock();
        }
    }

    private void enter() {
        engineUmask = sys.umask(umask);
        sys.callContext(fds[0], fds[1], fds[2], fds[3]);
        System.setOut(out);
        System.setErr(err);
    }

    private void leave() {
        out.flush();
        err.flush();
        sys.callContext(-1, -1, -1, -1);
        sys.umask(engineUmask);
    }

    // ---- CallerSide: what the front door does for the call ----------------------------------------------------

    /** The helper must be the caller's own child: the engine acts on the pid it is given (cgroup, signals). */
    @Override
    public int[] spawnHelper(int preserveFds) {
        sys.sendPacket(fd, EngineFrame.reply(EngineFrame.SPAWN, preserveFds, null), null);
        int[] ctl = {-1};
        byte[] reply = sys.recvPacket(fd, 12 + EngineFrame.MAX_REASON, SPAWN_TIMEOUT_MILLIS, ctl);
        try {
            EngineFrame.Reply spawned = expect(reply, EngineFrame.SPAWNED);
            if (spawned.status() <= 0) throw new JrunException("start " + io.jrun.core.LibDir.helper() + ": " + spawned.reason());
            if (ctl[0] < 0) throw new JrunException("front door: no control socket for jrun-init");
            if (ProcStat.parent(spawned.status()) != callerPid) {
                throw new JrunException("front door: process " + spawned.status() + " is not its child");
            }
            int[] result = {spawned.status(), ctl[0]};
            ctl[0] = -1;
            return result;
        } finally {
            if (ctl[0] >= 0) sys.close(ctl[0]);
        }
    }

    @Override
    public void becomeSubreaper() {
        sys.sendPacket(fd, EngineFrame.reply(EngineFrame.SUBREAPER, 0, null), null);
    }

    /** The front door waits (and forwards signals); meanwhile other calls take their turn. */
    @Override
    public int waitFor(int pid) {
        sys.sendPacket(fd, EngineFrame.reply(EngineFrame.WAIT, pid, null), null);
        System.out.flush();
        System.err.flush();
        Main.CallState mine = Main.saveCall();
        leave();
        TURN.unlock();
        byte[] reply;
        try {
            reply = sys.recvPacket(fd, 12 + EngineFrame.MAX_REASON, -1, null);
        } finally {
            TURN.lock();
            enter();
            Main.restoreCall(mine);
        }
        return expect(reply, EngineFrame.EXITED).status();
    }

    private static EngineFrame.Reply expect(byte[] reply, int kind) {
        try {
            EngineFrame.Reply r = EngineFrame.decodeReply(reply);
            if (r.kind() != kind) throw new JrunException("front door: unexpected reply " + r.kind());
            return r;
        } catch (EngineFrame.FrameException e) {
            throw new JrunException("front door: " + e.getMessage());
        }
    }
}
