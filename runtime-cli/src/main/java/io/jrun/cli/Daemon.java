package io.jrun.cli;

import io.jrun.core.JrunException;
import io.jrun.core.Version;
import io.jrun.core.launch.HelperSession;
import io.jrun.core.state.ProcStat;
import io.jrun.sys.NativeSyscalls;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Set;

/**
 * {@code jrun daemon [--socket PATH] [--idle-timeout SECONDS]}: the resident engine, milestone 1 (opt-in with
 * JRUN_DAEMON=on; docs/architecture.md, "Resident engine"). It runs the short calls a shim makes on existing
 * containers (state, start, kill, delete, list) in this one warm JVM, for the front door (jrun-door) that hands
 * over each call's argv, umask, stdio and cwd. Calls are served one at a time: a call borrows the process's
 * fds 0-2, cwd and umask (NativeSyscalls.callContext), which keeps every byte it writes or spawns where a
 * one-JVM call's would go. The engine holds no state of its own: state.json, locks and cgroups stay the truth,
 * so it can die at any moment and one-JVM calls interleave freely with its calls.
 */
final class Daemon {
    static final String DEFAULT_DIR = "/run/jrun-engine";
    static final int DEFAULT_IDLE_SECONDS = 300;
    /** How often an idle engine checks that its socket is still its own (removed or replaced: it exits). */
    private static final int WAKE_MILLIS = 5000;
    private static final Set<String> FORWARDED = Set.of("state", "start", "kill", "delete", "list", "create", "run", "exec");
    /** Served only detached: in the foreground the caller waits for the process and forwards signals to it. */
    private static final Set<String> DETACHED_ONLY = Set.of("run", "exec");
    /** How long the engine waits for the front door to spawn a helper (a fork and an exec). */
    private static final int SPAWN_TIMEOUT_MILLIS = 10_000;
    private static final List<String> NAMESPACES = List.of("mnt", "pid", "user", "net", "cgroup");
    /** Environment values that change what a call does and that this engine cannot honour: their calls fall back. */
    private static final List<String> UNSUPPORTED_ENV = List.of("JRUN_TRACE", "JRUN_TEST_PAUSE_AT");

    private final NativeSyscalls sys = NativeSyscalls.instance();
    private final Path socket;
    private final long idleMillis;
    private final int uid;
    private final List<Path> ownNamespaces;
    private Object socketKey;

    private Daemon(Path socket, long idleMillis) throws IOException {
        this.socket = socket;
        this.idleMillis = idleMillis;
        this.uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        this.ownNamespaces = namespaces("self");
    }

    /** The socket of this build's engine when none is named: a new install gets a new one. */
    static Path defaultSocket() {
        return Path.of(DEFAULT_DIR, "engine-" + Version.version() + "-" + Version.commit() + ".sock");
    }

    static int main(String[] args) {
        try {
            Path socket = null;
            long idle = DEFAULT_IDLE_SECONDS;
            boolean stop = false;
            for (int i = 1; i < args.length; i++) {
                String a = args[i];
                if ((a.equals("--socket") || a.equals("--idle-timeout")) && i + 1 < args.length) {
                    String v = args[++i];
                    if (a.equals("--socket")) socket = Path.of(v).toAbsolutePath();
                    else idle = seconds(v);
                } else if (a.equals("--stop")) {
                    stop = true;
                } else {
                    throw new UsageError("usage: jrun daemon [--socket PATH] [--idle-timeout SECONDS] | jrun daemon --stop [--socket PATH]");
                }
            }
            if (stop) return stop(socket);
            if (socket == null) socket = defaultSocket();
            if (socket.startsWith(DEFAULT_DIR)) privateDir(socket.getParent());
            return new Daemon(socket, idle * 1000).serve();
        } catch (IOException | RuntimeException e) {
            System.err.println("jrun: daemon: " + e.getMessage());
            return 1;
        }
    }

    /**
     * {@code --stop}: SIGTERM to the engine serving {@code socket}, or to every engine under the default directory
     * (any build's), and waits up to 5 s for each to go; an engine is told apart from a reused pid by its
     * command line. CI and package removal use it so that nothing keeps running.
     */
    private static int stop(Path socket) throws IOException {
        List<Path> pidFiles;
        if (socket != null) {
            pidFiles = List.of(Path.of(socket + ".pid"));
        } else if (Files.isDirectory(Path.of(DEFAULT_DIR))) {
            try (var files = Files.list(Path.of(DEFAULT_DIR))) {
                pidFiles = files.filter(f -> f.getFileName().toString().endsWith(".sock.pid")).toList();
            }
        } else {
            pidFiles = List.of();
        }
        for (Path f : pidFiles) {
            String pid = Files.exists(f) ? Files.readString(f).trim() : "";
            if (!pid.matches("[0-9]{1,9}")) continue; // exited: its pid file is empty
            ProcessHandle.of(Long.parseLong(pid))
                    .filter(p -> p.info().arguments().map(a -> List.of(a).contains("daemon")).orElse(false))
                    .ifPresent(Daemon::terminate);
        }
        return 0;
    }

    private static void terminate(ProcessHandle engine) {
        engine.destroy(); // SIGTERM: the shutdown hook removes the socket
        try {
            engine.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            System.err.println("jrun: daemon --stop: engine " + engine.pid() + " still running after 5 s");
        }
    }

    private static long seconds(String v) {
        if (!v.matches("[0-9]{1,7}") || Long.parseLong(v) < 1) {
            throw new UsageError("--idle-timeout: not a number of seconds (1-9999999): " + v);
        }
        return Long.parseLong(v);
    }

    /** The default socket's directory: root's (the engine's uid's) alone, mode 0700. */
    private static void privateDir(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    }

    /**
     * Takes SOCKET.pid's lock (one engine per socket: a second one started at the same moment leaves), binds the
     * socket in place of a stale one, writes the pid, and serves until idle.
     */
    private int serve() throws IOException {
        Path pidFile = Path.of(socket + ".pid");
        try (FileChannel lockFile = FileChannel.open(pidFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = lockFile.tryLock()) {
            if (lock == null) {
                System.err.println("jrun: daemon: an engine already serves " + socket);
                return 1;
            }
            Files.deleteIfExists(socket); // stale: its engine is gone, or it would hold the lock
            int listenFd = sys.engineListen(socket.toString());
            socketKey = Files.readAttributes(socket, "unix:ino").get("ino");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> { // SIGTERM, SIGINT: leave as when idle
                removeSocket();
                try {
                    lockFile.truncate(0);
                } catch (IOException e) {
                    // exiting anyway: a stale pid is only read by tests and operators
                }
            }));
            lockFile.truncate(0).write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
            System.err.println("jrun: daemon: serving " + socket + " (idle timeout " + idleMillis / 1000 + " s)");
            loop(listenFd);
            removeSocket();
            lockFile.truncate(0);
            return 0;
        }
    }

    private void loop(int listenFd) {
        long last = System.nanoTime();
        while (true) {
            long idle = (System.nanoTime() - last) / 1_000_000;
            if (idle >= idleMillis) return;
            int fd = sys.engineAccept(listenFd, (int) Math.min(WAKE_MILLIS, idleMillis - idle));
            if (fd < 0) {
                if (!stillOurs()) return;
                continue;
            }
            try {
                call(fd);
            } finally {
                sys.close(fd);
            }
            last = System.nanoTime();
        }
    }

    /** Whether the socket path still names the socket this engine bound (not removed, not rebound by another). */
    private boolean stillOurs() {
        try {
            return socketKey.equals(Files.readAttributes(socket, "unix:ino", LinkOption.NOFOLLOW_LINKS).get("ino"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private void removeSocket() {
        if (stillOurs()) {
            try {
                Files.deleteIfExists(socket);
            } catch (IOException e) {
                // exiting anyway: the next engine replaces a stale socket
            }
        }
    }

    /** One connection: one request, then REFUSED, or ACCEPTED and EXIT. A broken caller never stops the engine. */
    private void call(int fd) {
        int[] fds = {-1, -1, -1, -1};
        try {
            byte[] packet = sys.recvPacket(fd, EngineFrame.MAX_FRAME + 1, 1000, fds);
            if (packet == null) return; // the caller hung up
            String refusal = admit(fd, packet, fds);
            if (refusal != null) {
                sys.sendPacket(fd, EngineFrame.reply(EngineFrame.REFUSED, 0, refusal), null);
                return;
            }
            EngineFrame.Request r = EngineFrame.decode(packet);
            int status = run(fd, r, fds);
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

    /** Why this call must run in its own JVM instead, or null when the engine takes it. */
    private String admit(int fd, byte[] packet, int[] fds) throws EngineFrame.FrameException {
        int[] cred = sys.peerCred(fd);
        if (cred[1] != uid) return "caller's uid " + cred[1] + " is not the engine's";
        try {
            if (!namespaces(Integer.toString(cred[0])).equals(ownNamespaces)) return "caller in other namespaces";
        } catch (IOException e) {
            return "caller's namespaces unreadable";
        }
        EngineFrame.Request r = EngineFrame.decode(packet);
        for (int f : fds) {
            if (f < 0) return "expected 4 fds (stdin, stdout, stderr, cwd)";
        }
        for (String name : UNSUPPORTED_ENV) {
            if (r.env(name) != null) return name + " is set";
        }
        Invocation inv = PlainArgv.parse(Main.globalParams(), Main.COMMANDS, r.args());
        if (inv == null || inv.command() == null) return "argv not plain";
        String name = inv.command().name();
        if (!FORWARDED.contains(name)) return name + " is not served by the engine";
        if (DETACHED_ONLY.contains(name) && !inv.args().has("--detach")) return name + " in the foreground is not served by the engine";
        return null;
    }

    /**
     * Asks the front door to spawn jrun-init with {@code preserveFds} of the caller's fds passed through (the
     * protocol's layout, docs/helper-protocol.md), and returns {helper pid, our end of its control socket}. The
     * helper must be the caller's own child: the engine acts on the pid it is given (cgroup, signals).
     */
    private int[] spawnAtFrontDoor(int fd, int callerPid, int preserveFds) {
        sys.sendPacket(fd, EngineFrame.reply(EngineFrame.SPAWN, preserveFds, null), null);
        int[] ctl = {-1};
        byte[] reply = sys.recvPacket(fd, 12 + EngineFrame.MAX_REASON, SPAWN_TIMEOUT_MILLIS, ctl);
        try {
            EngineFrame.Reply spawned = EngineFrame.decodeReply(reply);
            if (spawned.kind() != EngineFrame.SPAWNED) throw new JrunException("front door: unexpected reply " + spawned.kind());
            if (spawned.status() <= 0) throw new JrunException("start " + io.jrun.core.LibDir.helper() + ": " + spawned.reason());
            if (ctl[0] < 0) throw new JrunException("front door: no control socket for jrun-init");
            if (ProcStat.parent(spawned.status()) != callerPid) {
                throw new JrunException("front door: process " + spawned.status() + " is not its child");
            }
            int[] result = {spawned.status(), ctl[0]};
            ctl[0] = -1;
            return result;
        } catch (EngineFrame.FrameException e) {
            throw new JrunException("front door: " + e.getMessage());
        } finally {
            if (ctl[0] >= 0) sys.close(ctl[0]);
        }
    }

    private static List<Path> namespaces(String pid) throws IOException {
        Path[] links = new Path[NAMESPACES.size()];
        for (int i = 0; i < links.length; i++) {
            links[i] = Files.readSymbolicLink(Path.of("/proc", pid, "ns", NAMESPACES.get(i)));
        }
        return List.of(links);
    }

    /** Runs the call with the caller's stdio, cwd and umask, as Main would in a JVM of its own. */
    private int run(int fd, EngineFrame.Request r, int[] fds) {
        int oldMask = sys.umask(r.umask());
        try {
            sys.callContext(fds[0], fds[1], fds[2], fds[3]);
            sys.sendPacket(fd, EngineFrame.reply(EngineFrame.ACCEPTED, 0, null), null);
            int callerPid = sys.peerCred(fd)[0];
            try {
                return HelperSession.withRemoteSpawner(n -> spawnAtFrontDoor(fd, callerPid, n),
                        () -> Main.execute(r.args(), System.out, System.err));
            } catch (Throwable t) { // a failed call fails, the engine stays
                System.err.println("jrun: " + t);
                return 1;
            } finally {
                System.out.flush();
                System.err.flush();
                Main.resetCall();
            }
        } finally {
            sys.callContext(-1, -1, -1, -1);
            sys.umask(oldMask);
        }
    }
}
