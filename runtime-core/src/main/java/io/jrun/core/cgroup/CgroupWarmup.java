package io.jrun.core.cgroup;

import io.jrun.core.Trace;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Starts the kernel's wait for an RCU grace period that a process's first move into a cgroup pays, early and on
 * a thread of its own, so that the container's join ({@link CgroupManager#addProcess}) finds it over.
 *
 * <p>Why there is a wait: writing a pid to {@code cgroup.procs} takes the global {@code cgroup_threadgroup_rwsem}
 * for writing ({@code cgroup_procs_write_start} → {@code cgroup_attach_lock} → {@code percpu_down_write},
 * kernel/cgroup/cgroup.c and kernel/locking/percpu-rwsem.c). {@code percpu_down_write} first calls
 * {@code rcu_sync_enter}, which, when the rcu_sync is idle, waits for a full grace period
 * ({@code synchronize_rcu}) before readers are off their fast path (kernel/rcu/sync.c). After the writer's
 * {@code rcu_sync_exit} the rcu_sync only returns to idle from a callback one grace period later
 * ({@code rcu_sync_func}), and an enter before that does not wait. So the first move after a quiet spell costs
 * a grace period (5–14 ms on the 2-core v1 host of docs/performance.md) and a move within about a grace period
 * of the previous one ~0.03 ms, whichever hierarchy either was in: the rwsem is one for all of them.
 *
 * <p>What is written: {@code "0"}, which moves the writing process itself, to the {@code cgroup.procs} of a
 * hierarchy's root when jrun's own process is in that root already ({@link #target}), so the move changes
 * nothing (the kernel drops a migration whose source and destination are the same css_set,
 * {@code cgroup_migrate_prepare_dst}) but takes the rwsem. A pid that does not exist would not do: since Linux
 * 6.18 (commit 477abc2ec889, "cgroup: relocate cgroup_attach_lock within cgroup_procs_write_start") the task is
 * looked up before the lock is taken, so such a write fails with ESRCH without entering the rcu_sync (measured:
 * 0.06 ms, and the join after it still waited the whole grace period). The write is repeated every
 * {@value #PERIOD_MS} ms until {@link #stop}, so the rcu_sync never goes idle before the join; each repeat holds
 * the rwsem for microseconds. Errors (no root cgroup to write, not root: EACCES) end the warm-up silently: the
 * join then pays the wait as before.
 *
 * <p>{@code create} and {@code exec} start it first thing, but the grace period (5-26 ms measured under load)
 * often still runs when exec's join comes ~10 ms later; the CLI can start it sooner, as soon as it knows the
 * subcommand joins a cgroup ({@link #start()} shares a warm-up that is running).
 *
 * <p>With {@code favordynmods} (cgroup v2 mount option, or CONFIG_CGROUP_FAVOR_DYNMODS) the rcu_sync is always
 * entered and there is no wait to start; the warm-up then costs a few writes.
 */
public final class CgroupWarmup {
    /** The pause between two writes: well under a grace period (~5–14 ms measured), so none goes idle between. */
    static final int PERIOD_MS = 3;
    /** The most writes (~1 s): a create that has not joined by then pays the wait as it would have. */
    static final int MAX_WRITES = 330;

    /** A warm-up that does nothing ({@link #stop} is a no-op). */
    public static final CgroupWarmup NONE = new CgroupWarmup();

    private volatile boolean stopped;
    private Thread thread;

    private CgroupWarmup() {}

    /** The warm-up started last in this JVM (running or stopped), or null. */
    private static CgroupWarmup current;

    /**
     * Starts the warm-up on a daemon thread; never fails (a warm-up that cannot run does nothing). A warm-up
     * that is still running is returned instead of a second one, so a caller that knows earlier than the
     * engine that a cgroup join is coming (the CLI, once it has read the subcommand) can start it sooner, and
     * the engine's own call then shares it.
     */
    public static CgroupWarmup start() {
        return start(null);
    }

    /** {@link #start()} with another body for the thread (tests: no cgroup is written). */
    static synchronized CgroupWarmup start(Runnable body) {
        CgroupWarmup running = current;
        if (running != null && !running.stopped) return running;
        CgroupWarmup w = new CgroupWarmup();
        try {
            Thread t = new Thread(body != null ? body : w::run, "cgroup-warmup");
            t.setDaemon(true);
            w.thread = t;
            t.start();
        } catch (RuntimeException | OutOfMemoryError e) {
            return NONE;
        }
        current = w;
        return w;
    }

    /** Ends the repeats; call it once the container's process is in its cgroup. Does not wait. */
    public void stop() {
        stopped = true;
        Thread t = thread;
        if (t != null) LockSupport.unpark(t);
    }

    private void run() {
        try {
            warm();
        } finally {
            stopped = true; // ended on its own: the next start() makes a new one
        }
    }

    private void warm() {
        Path procs;
        try {
            // Not Cgroups.host(): its full parse took ~2 ms here (interpreted), and the grace period is to start
            // as early as it can.
            String self = read("/proc/self/cgroup");
            procs = self == null ? null : target(read("/proc/self/mountinfo"), self);
        } catch (RuntimeException e) {
            return;
        }
        if (procs == null) return;
        byte[] zero = {'0'};
        try (FileChannel ch = FileChannel.open(procs, StandardOpenOption.WRITE)) {
            for (int i = 0; i < MAX_WRITES && !stopped; i++) {
                ch.write(ByteBuffer.wrap(zero), 0);
                if (i == 0) Trace.mark("cgroup warm-up: grace period over");
                if (stopped) break;
                LockSupport.parkNanos(PERIOD_MS * 1_000_000L);
            }
        } catch (IOException | RuntimeException e) {
            // best effort: the join pays the wait instead
        }
    }

    private static String read(String file) {
        try {
            return new String(Files.readAllBytes(Path.of(file)), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * The {@code cgroup.procs} whose write moves jrun's own process nowhere: that of the root of a mounted
     * hierarchy in which /proc/self/cgroup ({@code self}) puts jrun at the root and whose mount shows the whole
     * hierarchy (mountinfo root "/"). A cgroup2 mount first (on a unified host it is the only one), else the
     * first such v1 mount. Null when there is none (jrun runs inside a cgroup of every hierarchy, as under
     * systemd): no other cgroup is ever written, a supervisor's included.
     */
    static Path target(String mountinfo, String self) {
        boolean v2AtRoot = false;
        List<String> v1AtRoot = new ArrayList<>(); // controllers (and name=...) of hierarchies where jrun is at "/"
        for (int at = 0; at < self.length(); ) {
            int eol = lineEnd(self, at);
            // "8:pids:/", "4:memory:/process_api/x", "0::/"
            int a = self.indexOf(':', at);
            int b = a < 0 || a >= eol ? -1 : self.indexOf(':', a + 1);
            if (b >= 0 && b < eol && eol - b == 2 && self.charAt(b + 1) == '/') {
                if (b == a + 1) v2AtRoot = true;
                else addAll(v1AtRoot, self.substring(a + 1, b));
            }
            at = eol + 1;
        }
        if (!v2AtRoot && v1AtRoot.isEmpty()) return null;
        if (mountinfo == null) return null;
        Path v1 = null;
        for (int at = 0; at < mountinfo.length(); ) {
            int eol = lineEnd(mountinfo, at);
            // "36 25 0:31 / /sys/fs/cgroup/memory rw,relatime shared:15 - cgroup cgroup rw,memory"
            String line = mountinfo.substring(at, eol);
            at = eol + 1;
            int dash = line.indexOf(" - ");
            if (dash < 0) continue;
            int f3 = nthSpace(line, 3); // before the mount's root
            int f4 = f3 < 0 ? -1 : line.indexOf(' ', f3 + 1);
            int f5 = f4 < 0 ? -1 : line.indexOf(' ', f4 + 1);
            if (f5 < 0 || f5 > dash || f4 != f3 + 2 || line.charAt(f3 + 1) != '/') continue; // root is not "/"
            String after = line.substring(dash + 3);
            if (after.startsWith("cgroup2 ") && v2AtRoot) {
                return mountPoint(line.substring(f4 + 1, f5));
            }
            if (after.startsWith("cgroup ") && v1 == null) {
                int opts = after.lastIndexOf(' ');
                for (String o : after.substring(opts + 1).split(",")) {
                    if (v1AtRoot.contains(o)) {
                        v1 = mountPoint(line.substring(f4 + 1, f5));
                        break;
                    }
                }
            }
        }
        return v1;
    }

    private static int lineEnd(String s, int from) {
        int eol = s.indexOf('\n', from);
        return eol < 0 ? s.length() : eol;
    }

    private static int nthSpace(String s, int n) {
        int at = -1;
        for (int i = 0; i < n; i++) {
            at = s.indexOf(' ', at + 1);
            if (at < 0) return -1;
        }
        return at;
    }

    private static void addAll(List<String> out, String commaList) {
        for (String c : commaList.split(",")) out.add(c);
    }

    private static Path mountPoint(String escaped) {
        return Path.of(Cgroups.unescape(escaped)).resolve("cgroup.procs");
    }
}
