package io.jrun.cli;

import io.jrun.core.Version;
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
import java.util.List;

/**
 * {@code jrun daemon [--socket PATH] [--idle-timeout SECONDS]}, {@code jrun daemon --stop [--socket PATH]}: the
 * resident engine (docs/architecture.md, "Resident engine"). It serves the calls the front door (jrun, a link to
 * jrun-door) hands over, each with the caller's argv, umask, stdio and cwd, in this one warm JVM: this class
 * owns the socket and the engine's life (one engine per socket, the idle timeout, a socket removed or replaced);
 * EngineCall serves one connection. The engine holds no state of its own: state.json, locks and cgroups stay the
 * truth, so it can die at any moment and one-JVM calls interleave freely with its calls.
 */
final class Daemon {
    static final int DEFAULT_IDLE_SECONDS = 300;
    /** How often an idle engine checks that its socket is still its own (removed or replaced: it exits). */
    private static final int WAKE_MILLIS = 5000;

    private final NativeSyscalls sys = NativeSyscalls.instance();
    private final Path socket;
    private final long idleMillis;
    private final int uid;
    private final List<Path> ownNamespaces;
    private Object socketKey;
    /** Calls in progress, and when the last one ended: the idle timeout counts from then, with none in progress. */
    private final java.util.concurrent.atomic.AtomicInteger active = new java.util.concurrent.atomic.AtomicInteger();
    private volatile long lastCallEnd = System.nanoTime();

    private Daemon(Path socket, long idleMillis) throws IOException {
        this.socket = socket;
        this.idleMillis = idleMillis;
        this.uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        this.ownNamespaces = EngineCall.namespaces("self");
    }

    /**
     * The socket of this build's, this install's and this uid's engine when none is named (the front door's
     * default_socket names the same file): a new build gets a new one, two installs never share one, and a user's
     * is under the user's runtime dir (EngineDir).
     */
    static Path defaultSocket(Path dir) {
        return dir.resolve("engine-" + Version.version() + "-" + Version.commit() + "-"
                + io.jrun.core.LibDir.path().toString().replace('/', '_') + ".sock");
    }

    /** This caller's engine directory; a user without a usable runtime dir has none (a one-line error). */
    private static Path engineDir() {
        EngineDir.Result r = EngineDir.forCaller();
        if (r instanceof EngineDir.Refused(String reason)) throw new UsageError("no engine directory: " + reason);
        return ((EngineDir.Dir) r).path();
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
            if (socket == null) {
                Path dir = engineDir();
                EngineDir.makePrivate(dir);
                socket = defaultSocket(dir);
            } else if (socket.startsWith(EngineDir.ROOT_DIR)) {
                EngineDir.makePrivate(socket.getParent());
            }
            return new Daemon(socket, idle * 1000).serve();
        } catch (IOException | RuntimeException e) {
            System.err.println("jrun: daemon: " + e.getMessage());
            return 1;
        }
    }

    /**
     * {@code --stop}: SIGTERM to the engine serving {@code socket}, or to every engine under the caller's engine
     * directory (any build's; root's, or a user's under XDG_RUNTIME_DIR: each uid stops its own), and waits up to 5 s for each to go; an engine is told apart from a reused pid by its
     * command line. CI and package removal use it so that nothing keeps running.
     */
    private static int stop(Path socket) throws IOException {
        List<Path> pidFiles;
        if (socket != null) {
            pidFiles = List.of(Path.of(socket + ".pid"));
        } else if (EngineDir.forCaller() instanceof EngineDir.Dir(Path dir) && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            try (var files = Files.list(dir)) {
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

    /**
     * Accepts until idle: each connection on a thread of its own (EngineCall), so that a call waiting for its
     * caller (a foreground run's process) does not hold up the others; EngineCall runs one call at a time.
     */
    private void loop(int listenFd) {
        while (true) {
            long idle = active.get() > 0 ? 0 : (System.nanoTime() - lastCallEnd) / 1_000_000;
            if (idle >= idleMillis) return;
            int fd = sys.engineAccept(listenFd, (int) Math.min(WAKE_MILLIS, idleMillis - idle));
            if (fd < 0) {
                if (!stillOurs()) return;
                continue;
            }
            active.incrementAndGet();
            Thread.ofPlatform().name("call-" + fd).daemon().start(() -> {
                try {
                    new EngineCall(sys, fd, uid, ownNamespaces).serve();
                } finally {
                    sys.close(fd);
                    lastCallEnd = System.nanoTime();
                    active.decrementAndGet();
                }
            });
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
}
