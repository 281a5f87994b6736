package io.jrun.core.criu;

import io.jrun.core.JrunException;
import io.jrun.core.LibDir;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The criu binary jrun drives (criu(8), its command line, not the RPC: one process per checkpoint or restore, its
 * arguments and log are what a user can rerun by hand). Which binary: {@code --criu PATH} when given, else the
 * one {@code make install} puts under LIBDIR/criu (packaging/criu/install-criu.sh, docs/checkpoint.md "Which
 * CRIU"), else {@code criu} on PATH.
 */
public final class Criu {
    /** How long one criu call may take before jrun gives up on it (a dump of a large container takes seconds). */
    private static final long TIMEOUT_S = 600;

    private final Path binary;

    private Criu(Path binary) {
        this.binary = binary;
    }

    public Path binary() { return binary; }

    /** The criu to use, or a one-line error when there is none. */
    public static Criu locate(String explicit) {
        Path p = find(explicit);
        if (p == null) {
            throw new JrunException(explicit != null && !explicit.isEmpty()
                    ? "criu not found: " + explicit + " is not an executable file"
                    : "criu not found: no " + LibDir.path().resolve("criu/criu")
                      + " (make install puts one there) and no criu in $PATH; pass --criu PATH");
        }
        return new Criu(p);
    }

    static Path find(String explicit) {
        if (explicit != null && !explicit.isEmpty()) {
            Path p = Path.of(explicit);
            if (!p.isAbsolute() && !explicit.contains("/")) p = onPath(explicit);
            return p != null && Files.isRegularFile(p) && Files.isExecutable(p) ? p : null;
        }
        Path bundled = LibDir.path().resolve("criu/criu");
        if (Files.isExecutable(bundled)) return bundled;
        return onPath("criu");
    }

    private static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
        for (String dir : path.split(":")) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return p;
        }
        return null;
    }

    /**
     * Whether checkpoint/restore works on this host, as `jrun features` reports it: {@code null} when
     * `criu check` says so, else why not (one line).
     */
    public static String unavailable(String explicit) {
        Path p = find(explicit);
        if (p == null) return "no criu (pass --criu PATH)";
        try {
            Process proc = new ProcessBuilder(p.toString(), "check").redirectErrorStream(true).start();
            proc.getOutputStream().close();
            String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!proc.waitFor(60, TimeUnit.SECONDS)) {
                proc.destroyForcibly();
                return p + " check: timed out";
            }
            if (proc.exitValue() == 0) return null;
            return p + " check: " + CriuLog.firstError(out.lines().toList(), "exit status " + proc.exitValue());
        } catch (IOException e) {
            return p + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return p + " check: interrupted";
        }
    }

    /**
     * Whether the kernel tracks dirty memory (CONFIG_MEM_SOFT_DIRTY), which pre-dump and --parent-path need. Read
     * from jrun's own page map, the way criu's kerndat probe decides it (the soft-dirty bit, 55, of a pagemap
     * entry: Documentation/admin-guide/mm/soft-dirty.rst): a mapping made since exec is soft-dirty until someone
     * writes 4 to the process's clear_refs, which nothing does to jrun, and a kernel without soft-dirty tracking
     * never reports the bit. Asking criu instead (`criu check --feature mem_dirty_track`) costs a criu run and its
     * whole kernel probe, ~0.2 s on the host and 5 s under emulation, on every pre-dump and every dump with a
     * parent. {@code null} when the page map cannot be read (then criu is asked).
     */
    static Boolean kernelSoftDirty() {
        try {
            String first;
            try (java.io.BufferedReader r = Files.newBufferedReader(Path.of("/proc/self/maps"))) {
                first = r.readLine();
            }
            if (first == null) return null;
            long addr = Long.parseUnsignedLong(first.substring(0, first.indexOf('-')), 16);
            java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.nativeOrder());
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(Path.of("/proc/self/pagemap"))) {
                // one 64-bit entry per page; the offset is the virtual page number times 8 (unsigned: high addresses)
                if (ch.read(b, (addr >>> 12) * 8) != 8) return null;
            }
            return (b.getLong(0) & (1L << 55)) != 0;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Whether pre-dump rounds work here: the kernel's soft-dirty tracking, else criu's own answer. */
    public boolean memDirtyTracking() {
        Boolean kernel = kernelSoftDirty();
        return kernel != null ? kernel : hasFeature("mem_dirty_track");
    }

    /** `criu check --feature NAME` (e.g. mem_dirty_track): whether this kernel has what the feature needs. */
    public boolean hasFeature(String name) {
        try {
            Process proc = new ProcessBuilder(binary.toString(), "check", "--feature", name)
                    .redirectErrorStream(true).start();
            proc.getOutputStream().close();
            proc.getInputStream().readAllBytes();
            if (!proc.waitFor(60, TimeUnit.SECONDS)) {
                proc.destroyForcibly();
                return false;
            }
            return proc.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Runs {@code criu ARGS}, its stdio jrun's own (restore hands them to the restored process with
     * --inherit-fd, runc's convention), optionally through a shell {@code prelude} that runs first in the same
     * process (it ends with {@code exec "$@"}; see RestoreEngine). On failure, the error is one line naming
     * criu's own reason from {@code log}.
     */
    public void run(String what, List<String> prelude, List<String> args, Path log) {
        List<String> cmd = new ArrayList<>(prelude);
        cmd.add(binary.toString());
        cmd.addAll(args);
        int rc;
        try {
            Process proc = new ProcessBuilder(cmd).inheritIO().start();
            if (!proc.waitFor(TIMEOUT_S, TimeUnit.SECONDS)) {
                proc.destroyForcibly();
                throw new JrunException(what + " failed: criu did not finish in " + TIMEOUT_S + " s (see " + log + ")");
            }
            rc = proc.exitValue();
        } catch (IOException e) {
            throw new JrunException(what + " failed: cannot run " + binary + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JrunException(what + " failed: interrupted", e);
        }
        if (rc != 0) {
            throw new JrunException(what + " failed: criu: " + CriuLog.reason(log, "exit status " + rc)
                    + " (see " + log + ")");
        }
    }
}
