package io.jrun.cli;

import io.jrun.core.CallEnv;
import io.jrun.core.Rootless;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the resident engine of the calling uid lives (docs/architecture.md, "Resident engine"): root's in
 * /run/jrun-engine, a user's in $XDG_RUNTIME_DIR/jrun-engine. The front door (door.c, user_engine_dir) applies the
 * same rules before it dials or starts a user's engine; this side serves {@code jrun daemon} and
 * {@code jrun daemon --stop} run by hand, which find the engine the front door would.
 */
final class EngineDir {
    static final Path ROOT_DIR = Path.of("/run/jrun-engine");

    private EngineDir() {}

    /** What the checks need to know of one directory: its owner and mode bits (lstat: a symlink is not a directory). */
    record Attrs(boolean directory, int uid, int mode) {}

    /** lstat-like look-up, replaceable in tests; null when the path does not exist. */
    interface Stat {
        Attrs of(Path p);
    }

    /** An engine directory, or the reason why this caller has none (its calls then run in JVMs of their own). */
    sealed interface Result permits Dir, Refused {}

    record Dir(Path path) implements Result {}

    record Refused(String reason) implements Result {}

    /**
     * The engine directory for {@code uid} given the caller's {@code XDG_RUNTIME_DIR} (already resolved to a real
     * path by the caller), or why none may be used. A socket in a directory someone else controls could be someone
     * else's engine, which would receive the caller's fds and argv, so: the runtime dir must be an absolute path to
     * a directory of {@code uid}'s that nobody else may write (runc's and systemd's rule for it), and every
     * directory above it root's or {@code uid}'s and writable by nobody else unless sticky (/tmp: inode(7),
     * S_ISVTX), so that nobody can swap a component of the path.
     */
    static Result userDir(String xdg, int uid, Stat stat) {
        if (xdg == null || xdg.isEmpty()) return new Refused("not root and no XDG_RUNTIME_DIR (a user's engine lives there)");
        if (!xdg.startsWith("/")) return new Refused("XDG_RUNTIME_DIR is not an absolute path");
        Path dir = Path.of(xdg).normalize();
        for (Path p = dir.getParent(); p != null; p = p.getParent()) {
            if (!trusted(stat.of(p), uid, true)) {
                return new Refused("a directory above XDG_RUNTIME_DIR (" + p + ") is not root's or this uid's alone");
            }
        }
        if (!trusted(stat.of(dir), uid, false)) {
            return new Refused("XDG_RUNTIME_DIR (" + dir + ") is not a directory of this uid's that nobody else may write");
        }
        return new Dir(dir.resolve("jrun-engine"));
    }

    static boolean trusted(Attrs a, int uid, boolean onTheWay) {
        if (a == null || !a.directory()) return false;
        if (a.uid() != uid && !(onTheWay && a.uid() == 0)) return false;
        return (a.mode() & 022) == 0 || (onTheWay && (a.mode() & 01000) != 0);
    }

    /** The engine directory of this process's uid, or a refusal; the caller's XDG_RUNTIME_DIR for a user. */
    static Result forCaller() {
        if (Rootless.euid() == 0) return new Dir(ROOT_DIR);
        String xdg = CallEnv.get("XDG_RUNTIME_DIR");
        if (xdg != null && xdg.startsWith("/")) {
            try {
                xdg = Path.of(xdg).toRealPath().toString(); // the front door's realpath: the same socket name
            } catch (IOException | RuntimeException e) {
                return new Refused("XDG_RUNTIME_DIR does not resolve: " + xdg);
            }
        }
        return userDir(xdg, Rootless.euid(), EngineDir::lstat);
    }

    private static Attrs lstat(Path p) {
        try {
            Map<String, Object> a = Files.readAttributes(p, "unix:mode,uid", LinkOption.NOFOLLOW_LINKS);
            int mode = (Integer) a.get("mode");
            return new Attrs((mode & 0170000) == 0040000, (Integer) a.get("uid"), mode & 07777);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Creates the engine directory 0700 when missing, and checks that it is this uid's with no access for anyone
     * else (door.c's safe_dir for a default socket).
     */
    static void makePrivate(Path dir) throws IOException {
        if (lstat(dir) == null) {
            try {
                Files.createDirectory(dir, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                        java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // made meanwhile: checked below
            }
        }
        Attrs a = lstat(dir);
        if (a == null || !a.directory() || a.uid() != Rootless.euid()) {
            throw new IOException(dir + " is not a directory of uid " + Rootless.euid() + "'s");
        }
        if ((a.mode() & 077) != 0) {
            if (Rootless.euid() != 0) throw new IOException(dir + " is open to group or other (mode " + Integer.toOctalString(a.mode()) + ")");
            // root's: as before, the mode is set right (an older install made it so)
            Files.setPosixFilePermissions(dir, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        }
    }
}
