package io.jrun.core;

import io.jrun.sys.SyscallException;
import io.jrun.sys.Syscalls;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The console jrun provides itself when a foreground {@code run} or {@code exec} asks for a terminal
 * (process.terminal) without {@code --console-socket}: a private listening socket receives the pty master from
 * jrun-init, and two threads relay jrun's stdin to the master and the master to jrun's stdout. When jrun's
 * stdin is a terminal it is put in raw mode (the container's pty does the line discipline, so ^C reaches the
 * container as a byte) and restored afterwards; SIGWINCH is turned into TIOCSWINSZ on the master.
 */
final class Console implements AutoCloseable {
    private static final int ACCEPT_TIMEOUT_MS = 60_000;

    private final Syscalls sys;
    private final Path dir;
    private final Path socket;
    private int listenFd;
    private int master = -1;
    private byte[] savedTermios;
    private Thread output;

    private Console(Syscalls sys, Path dir, Path socket, int listenFd) {
        this.sys = sys;
        this.dir = dir;
        this.socket = socket;
        this.listenFd = listenFd;
    }

    /** A listening console socket in a fresh 0700 directory (sun_path is short: keep it under /tmp). */
    static Console listen(Syscalls sys) {
        // The relay copies between the pty and jrun's own stdio: in the resident engine those are borrowed only
        // for the call's turn. The engine admits no such call (EngineCall.foregroundTerminal); this is the backstop.
        if (io.jrun.core.launch.CallerSide.current() != null) {
            throw new JrunException("a terminal in the foreground is not served by the resident engine (JRUN_DAEMON=off)");
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("jrun-console");
        } catch (IOException e) {
            throw new JrunException("create console socket directory: " + e.getMessage(), e);
        }
        Path sock = dir.resolve("sock");
        try {
            return new Console(sys, dir, sock, sys.unixListen(sock.toString()));
        } catch (RuntimeException e) {
            deleteQuietly(sock, dir);
            throw new JrunException("console socket: " + e.getMessage(), e);
        }
    }

    String socketPath() { return socket.toString(); }

    /** Takes the pty master the helper sent (it was queued on the socket before READY). */
    void receive() {
        try {
            master = sys.acceptFd(listenFd, ACCEPT_TIMEOUT_MS);
        } catch (SyscallException e) {
            throw new JrunException("console socket: " + e.getMessage(), e);
        } finally {
            sys.close(listenFd);
            listenFd = -1;
            deleteQuietly(socket, dir);
        }
    }

    /** Starts relaying; raw mode and the window size only when jrun's stdin is a terminal. */
    void relay() {
        if (sys.isatty(0)) {
            try {
                savedTermios = sys.makeRaw(0);
            } catch (SyscallException e) {
                savedTermios = null;
            }
            resize();
        }
        Thread.ofPlatform().daemon().name("console-in").start(() -> copy(0, master));
        output = Thread.ofPlatform().daemon().name("console-out").start(() -> copy(master, 1));
    }

    /** SIGWINCH: the container's pty gets jrun's terminal size (the kernel signals its foreground group). */
    void resize() {
        if (master < 0 || !sys.isatty(0)) return;
        try {
            int[] ws = sys.getWinsize(0);
            sys.setWinsize(master, ws[0], ws[1]);
        } catch (SyscallException ignored) {
            // the terminal went away; nothing to follow
        }
    }

    private void copy(int from, int to) {
        byte[] buf = new byte[8192];
        try {
            while (true) {
                int n = sys.read(from, buf);
                if (n <= 0) return;
                sys.write(to, buf, 0, n);
            }
        } catch (SyscallException ignored) {
            // either side closed: the relay ends
        }
    }

    /** After the process exited: let the output drain (read until the pty reports EIO), then restore. */
    @Override
    public void close() {
        if (output != null) {
            try {
                output.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (savedTermios != null) {
            try {
                sys.restoreTermios(0, savedTermios);
            } catch (SyscallException ignored) {
                // best effort
            }
        }
        if (listenFd >= 0) sys.close(listenFd);
        // the master stays open while the stdin relay may still write to it; the process exits soon anyway
        deleteQuietly(socket, dir);
    }

    private static void deleteQuietly(Path... paths) {
        for (Path p : paths) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException ignored) {
                // temp files
            }
        }
    }
}
