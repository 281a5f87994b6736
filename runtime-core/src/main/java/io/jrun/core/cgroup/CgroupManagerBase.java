package io.jrun.core.cgroup;

import io.jrun.core.Pause;
import io.jrun.core.spec.Spec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What both managers share: file access with errors that name the spec field, waiting, tree walks. */
abstract sealed class CgroupManagerBase implements CgroupManager permits CgroupV1Manager, CgroupV2Manager {

    final CgroupFs fs;

    CgroupManagerBase(CgroupFs fs) {
        this.fs = fs;
    }

    /** Writes one control file; a failure names {@code field} (a spec field path, or an operation). */
    final void write(String field, Path dir, String file, String value) {
        Path p = dir.resolve(file);
        try {
            fs.write(p, value);
        } catch (IOException e) {
            throw new CgroupException(field + ": write " + p + ": " + CgroupFs.describe(e), e);
        }
    }

    final String read(String field, Path dir, String file) {
        Path p = dir.resolve(file);
        try {
            return fs.read(p).trim();
        } catch (IOException e) {
            throw new CgroupException(field + ": read " + p + ": " + CgroupFs.describe(e), e);
        }
    }

    /** The content of a file, or null when it does not exist or cannot be read (optional knobs, stats). */
    final String readOptional(Path dir, String file) {
        try {
            return fs.read(dir.resolve(file)).trim();
        } catch (IOException e) {
            return null;
        }
    }

    final long readLong(Path dir, String file) {
        return parseCounter(readOptional(dir, file));
    }

    /** A counter or limit: "max" and absent read as -1 / 0 respectively (printed unsigned by CgroupStats). */
    static long parseCounter(String s) {
        if (s == null || s.isEmpty()) {
            return 0;
        }
        if (s.equals("max")) {
            return -1;
        }
        try {
            return Long.parseUnsignedLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** A flat-keyed file ("key value" per line: memory.stat, cpu.stat, memory.events). */
    static Map<String, Long> parseFlatKeyed(String s) {
        Map<String, Long> m = new LinkedHashMap<>();
        if (s == null) {
            return m;
        }
        for (String line : s.split("\n")) {
            int sp = line.indexOf(' ');
            if (sp > 0) {
                m.put(line.substring(0, sp), parseCounter(line.substring(sp + 1).trim()));
            }
        }
        return m;
    }

    static boolean set(Long v) {
        return v != null && v != 0;
    }

    /** The pids listed in cgroup.procs of {@code dir} and of every cgroup below it. */
    final void collectPids(Path dir, List<Integer> out) {
        String procs = readOptional(dir, "cgroup.procs");
        if (procs == null) {
            return;
        }
        for (String line : procs.split("\n")) {
            if (!line.isBlank()) {
                out.add(Integer.parseInt(line.trim()));
            }
        }
        try {
            for (Path sub : fs.subdirs(dir)) {
                collectPids(sub, out);
            }
        } catch (IOException e) {
            // a child removed while we walk: its processes are gone with it
        }
    }

    /**
     * rmdir {@code dir}, alone or, when that fails, after its child cgroups, deepest first. rmdir of a cgroup fails with EBUSY while it
     * still has tasks (cgroup-v1/cgroups.rst "removing a cgroup"; cgroup-v2.rst "A cgroup which doesn't have
     * any children or live processes can be destroyed by removing the directory"), and killed tasks take a
     * moment to exit, so EBUSY is retried with back-off for about a second.
     */
    final void removeTree(Path dir) {
        // A plain rmdir first: a container's cgroup rarely has child cgroups, and finding them stats every entry
        // of the directory (~30 control files in a v1 hierarchy: ~3 ms of delete over ten of them, interpreted).
        // Any failure (children, tasks still exiting, a real error) takes the walk below, which reports as before.
        try {
            fs.rmdir(dir);
            return;
        } catch (java.nio.file.NoSuchFileException e) {
            return;
        } catch (IOException e) {
            // the walk below
        }
        List<Path> subs;
        try {
            subs = fs.subdirs(dir);
        } catch (IOException e) {
            subs = List.of();
        }
        for (Path sub : subs) {
            removeTree(sub);
        }
        long delay = 1;
        for (int attempt = 0; ; attempt++) {
            try {
                fs.rmdir(dir);
                return;
            } catch (java.nio.file.NoSuchFileException e) {
                return;
            } catch (IOException e) {
                if (!CgroupFs.isBusy(e) || attempt >= 10) {
                    throw new CgroupException("delete cgroup: rmdir " + dir + ": " + CgroupFs.describe(e), e);
                }
            }
            sleep(delay);
            delay = Math.min(delay * 2, 200);
        }
    }

    /** Polls {@code check} until true, with back-off, for at most {@code timeoutMillis}. */
    static boolean waitUntil(java.util.function.BooleanSupplier check, long timeoutMillis) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        long delay = 1;
        while (true) {
            if (check.getAsBoolean()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            sleep(delay);
            delay = Math.min(delay * 2, 50);
        }
    }

    static void sleep(long millis) {
        if (!Pause.millis(millis)) throw new CgroupException("interrupted while waiting for the cgroup");
    }

    @Override
    public final void killAll(int signal, Signaller kill) {
        if (signal == 9 && killAllFast()) {
            return;
        }
        // An empty cgroup (delete of a stopped container, the common case) has nothing that could fork: no
        // freeze and thaw, which are a write, a poll and a write in each call.
        if (pids().isEmpty()) {
            return;
        }
        // Freeze first so nothing forks between reading cgroup.procs and signalling (runc does the same).
        boolean frozen = false;
        try {
            frozen = tryFreeze();
            RuntimeException first = null;
            for (int pid : pids()) {
                try {
                    kill.signal(pid, signal);
                } catch (RuntimeException e) {
                    if (first == null) {
                        first = e;
                    }
                }
            }
            if (first != null) {
                throw first;
            }
        } finally {
            if (frozen) {
                thaw();
            }
        }
    }

    /** v2: cgroup.kill when the kernel has it. */
    boolean killAllFast() {
        return false;
    }

    /** Freezes when a freezer is available; false when it is not. */
    abstract boolean tryFreeze();

    @Override
    public final void apply(Spec.Resources r) {
        if (r != null) {
            set(r, false);
        }
    }

    @Override
    public final void update(Spec.Resources r) {
        if (r != null) {
            set(r, true);
        }
    }

    abstract void set(Spec.Resources r, boolean update);

    /** The pids limit to write, or null to leave it: >0 the value, <0 "max"; 0 is "max" on create only. */
    static String pidsValue(Spec.Pids p, boolean update) {
        if (p == null || (update && p.limit() == 0)) {
            return null;
        }
        return p.limit() > 0 ? Long.toString(p.limit()) : "max";
    }

    static void checkMemoryUsage(CgroupManagerBase m, Spec.Memory mem, Path dir, String usageFile) {
        // runc's checkBeforeUpdate: refuse a limit below what the cgroup already uses instead of letting
        // the kernel reclaim or OOM-kill to get under it.
        if (mem.checkBeforeUpdate() != null && mem.checkBeforeUpdate() && mem.limit() != null && mem.limit() > 0) {
            long usage = parseCounter(m.read("linux.resources.memory.limit", dir, usageFile));
            if (Long.compareUnsigned(usage, mem.limit()) > 0) {
                throw new CgroupException("linux.resources.memory.limit: rejecting memory limit " + mem.limit()
                        + " below current usage " + usage + " (checkBeforeUpdate is set)");
            }
        }
    }

    static List<String> tokens(String s) {
        List<String> out = new ArrayList<>();
        if (s != null) {
            for (String t : s.trim().split("\\s+")) {
                if (!t.isEmpty()) {
                    out.add(t);
                }
            }
        }
        return out;
    }
}
