package io.jrun.core.cgroup;

import io.jrun.core.spec.Spec;
import java.util.List;
import java.util.Map;

/**
 * One container's cgroup, on whichever hierarchy the host has: {@link CgroupV2Manager} (unified) or
 * {@link CgroupV1Manager} (the fs driver: one directory per mounted v1 controller, plus the cgroup2 and
 * name=systemd hierarchies on hybrid hosts). Obtain one with {@link Cgroups#open} at create time and with
 * {@link Cgroups#load} (from the {@link #paths()} saved in state.json) for every later command.
 *
 * <p>Every failure is a {@link CgroupException} whose message names the spec field (when a spec value caused
 * it) and the file.
 */
public interface CgroupManager {

    /** Sends a signal to one process; the caller supplies it (e.g. {@code Syscalls.get()::kill}). */
    @FunctionalInterface
    interface Signaller {
        void signal(int pid, int signal);
    }

    /** 1 or 2. */
    int version();

    /**
     * Where this cgroup lives, for state.json: controller name (v1: "cpu", "memory", …, "name=systemd"),
     * or "unified" (the cgroup2 directory: the only key on a v2 host; on a hybrid host the extra directory
     * in the cgroup2 mount) → absolute directory.
     */
    Map<String, String> paths();

    /** Whether the cgroup's directory still exists (v1: any of its directories). */
    boolean exists();

    /**
     * A copy that knows the container's {@code linux.devices}: the default device rules (DefaultDevices) whose
     * node path the client also lists there are left out, so each node is allowed once, by the client's own
     * rule (runc de-duplicates the same way). Call before {@link #apply}.
     */
    CgroupManager withLinuxDevices(List<Spec.Device> linuxDevices);

    /** Creates the directories (v2: and enables the controllers in every ancestor's cgroup.subtree_control). */
    void create();

    /**
     * Creates the cgroup for a container whose first process is {@code pid} and whose resources will be
     * {@code resources} ({@link #apply} still writes them). The cgroupfs drivers only {@link #create()}; the
     * systemd driver starts its scope unit with the process in it and the resources as unit properties.
     */
    default void create(int pid, Spec.Resources resources) {
        create();
    }

    /**
     * Applies {@code linux.resources} at create time: every field, devices included. Absent (null) and, where
     * runc treats it so, zero values leave a setting alone.
     */
    void apply(Spec.Resources resources);

    /**
     * {@code jrun update}: like {@link #apply} with runc's update semantics: zero or absent means "leave
     * unchanged" for every numeric field (docker sends zeros for everything it does not change), and device
     * rules are not rewritten.
     */
    void update(Spec.Resources resources);

    /** Moves a process into the cgroup (cgroup.procs of every hierarchy). */
    void addProcess(int pid);

    /** Freezes every task and waits until the kernel reports the cgroup frozen. */
    void freeze();

    /** Thaws the cgroup and waits until it is no longer frozen. */
    void thaw();

    boolean isFrozen();

    /** Every process in the cgroup and its descendants (from cgroup.procs). Empty once the cgroup is gone. */
    List<Integer> pids();

    /**
     * Signals every process in the cgroup. v2 with SIGKILL uses cgroup.kill; otherwise the cgroup is frozen
     * (so no process can fork a child that escapes the signal), each pid is signalled through {@code kill},
     * and the cgroup is thawed.
     */
    void killAll(int signal, Signaller kill);

    /** Removes the cgroup's directories, children first. Not an error when they are already gone. */
    void destroy();

    /** Usage counters for {@code jrun events --stats}. */
    CgroupStats stats();
}
