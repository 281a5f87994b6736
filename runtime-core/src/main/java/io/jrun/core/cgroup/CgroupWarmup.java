package io.jrun.core.cgroup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
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

    /** Starts the warm-up on a daemon thread; never fails (a warm-up that cannot run does nothing). */
    public static CgroupWarmup start() {
        CgroupWarmup w = new CgroupWarmup();
        try {
            w.thread = Thread.ofPlatform().daemon().name("cgroup-warmup").start(w::run);
        } catch (RuntimeException | OutOfMemoryError e) {
            return NONE;
        }
        return w;
    }

    /** Ends the repeats; call it once the container's process is in its cgroup. Does not wait. */
    public void stop() {
        stopped = true;
        Thread t = thread;
        if (t != null) LockSupport.unpark(t);
    }

    private void run() {
        Path procs;
        try {
            procs = target(Cgroups.host());
        } catch (RuntimeException e) {
            return;
        }
        if (procs == null) return;
        byte[] self = {'0'};
        try (FileChannel ch = FileChannel.open(procs, StandardOpenOption.WRITE)) {
            for (int i = 0; i < MAX_WRITES && !stopped; i++) {
                ch.write(ByteBuffer.wrap(self), 0);
                if (stopped) break;
                LockSupport.parkNanos(PERIOD_MS * 1_000_000L);
            }
        } catch (IOException | RuntimeException e) {
            // best effort: the join pays the wait instead
        }
    }

    /**
     * The {@code cgroup.procs} whose write moves jrun's own process nowhere: that of the root of a mounted
     * hierarchy in which /proc/self/cgroup puts jrun at the root and whose mount shows the whole hierarchy
     * (mountinfo root "/"). The cgroup2 hierarchy first (on a unified host it is the only one), then the v1
     * controllers in {@link Cgroups#V1_CONTROLLERS} order. Null when there is none (jrun runs inside a cgroup
     * of every hierarchy, as under systemd): no other cgroup is ever written, a supervisor's included.
     */
    static Path target(Cgroups.Host h) {
        if (h.unifiedMount() != null && "/".equals(h.unifiedMountRoot()) && "/".equals(h.ownCgroups().get(""))) {
            return h.unifiedMount().resolve("cgroup.procs");
        }
        Map<String, Cgroups.Mount> v1 = h.v1Mounts();
        for (String c : Cgroups.V1_CONTROLLERS) {
            Cgroups.Mount m = v1.get(c);
            if (m != null && "/".equals(m.root()) && "/".equals(h.ownCgroups().get(c))) {
                return m.point().resolve("cgroup.procs");
            }
        }
        return null;
    }
}
