package io.jrun.core;

import io.jrun.core.cgroup.CgroupManager;
import io.jrun.core.cgroup.CgroupStats;
import io.jrun.core.spec.Spec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Cgroups for a rootless jrun (docs/rootless.md), with runc's meaning of {@code --rootless}: when the cgroup
 * jrun would create for a container without {@code linux.cgroupsPath} is not writable by the caller, the
 * container runs without a cgroup of its own, unless {@code linux.resources} asks for a limit, which then
 * fails create naming the field (runc: "cannot set ... limit: container could not join or create cgroup").
 * A cgroupsPath the caller names is never dropped: its permission error fails create as it would for root.
 * Decided before anything exists, so a refusal leaves nothing behind.
 */
final class RootlessCgroups {
    private RootlessCgroups() {}

    /** {@code cg}, or a manager of no cgroup when rootless jrun cannot create {@code cg} and nothing needs it. */
    static CgroupManager choose(CgroupManager cg, Spec spec, boolean rootless, boolean systemd) {
        if (!rootless || systemd) return cg;
        Path denied = firstUnwritable(cg.paths().values());
        if (denied == null) return cg;
        String path = spec.linux().cgroupsPath();
        if (path != null && !path.isEmpty()) return cg;
        String asked = firstLimit(spec.linux().resources());
        if (asked != null) {
            throw new JrunException("linux.resources." + asked + ": cannot be applied: rootless jrun cannot create "
                    + "the container's cgroup (" + denied + " is not writable by uid " + Rootless.euid()
                    + "); remove the limit or delegate a cgroup to this user");
        }
        Debug.log(() -> "rootless: " + denied + " is not writable: the container runs without a cgroup");
        return new None(cg.version());
    }

    /**
     * What a rootless container's cgroup applies: its limits, never device rules. Device rules need
     * CAP_SYS_ADMIN in the initial user namespace (v1 devices.allow) or a BPF program (v2), and a rootless
     * container cannot make a device node anyway (its /dev entries are binds of the host's).
     */
    static Spec.Resources withoutDevices(Spec.Resources r) {
        return new Spec.Resources(null, r.memory(), r.cpu(), r.pids(), r.blockIO(), r.hugepageLimits(), r.network(),
                r.rdma(), r.unified());
    }

    /** The first cgroup directory this process can neither join (cgroup.procs) nor create (its parent). */
    static Path firstUnwritable(Iterable<String> dirs) {
        for (String d : dirs) {
            Path p = Path.of(d);
            if (Files.isDirectory(p)) {
                if (!Files.isWritable(p.resolve("cgroup.procs"))) return p;
                continue;
            }
            Path parent = p.getParent();
            while (parent != null && !Files.isDirectory(parent)) parent = parent.getParent();
            if (parent == null || !Files.isWritable(parent)) return p;
        }
        return null;
    }

    /**
     * The JSON path (under linux.resources) of the first limit {@code r} sets; null when it sets none. Zero and
     * absent leave a setting alone, as in runc's cgroup drivers; device rules are not limits here (see
     * {@link #withoutDevices}).
     */
    static String firstLimit(Spec.Resources r) {
        if (r == null) return null;
        Spec.Memory m = r.memory();
        if (m != null) {
            if (set(m.limit())) return "memory.limit";
            if (set(m.reservation())) return "memory.reservation";
            if (set(m.swap())) return "memory.swap";
            if (set(m.kernel())) return "memory.kernel";
            if (set(m.kernelTCP())) return "memory.kernelTCP";
            if (m.swappiness() != null) return "memory.swappiness";
            if (Boolean.TRUE.equals(m.disableOOMKiller())) return "memory.disableOOMKiller";
        }
        Spec.Cpu c = r.cpu();
        if (c != null) {
            if (set(c.shares())) return "cpu.shares";
            if (set(c.quota())) return "cpu.quota";
            if (set(c.burst())) return "cpu.burst";
            if (set(c.period())) return "cpu.period";
            if (set(c.realtimeRuntime())) return "cpu.realtimeRuntime";
            if (set(c.realtimePeriod())) return "cpu.realtimePeriod";
            if (c.cpus() != null && !c.cpus().isEmpty()) return "cpu.cpus";
            if (c.mems() != null && !c.mems().isEmpty()) return "cpu.mems";
            if (c.idle() != null) return "cpu.idle";
        }
        if (r.pids() != null && r.pids().limit() != 0) return "pids.limit";
        Spec.BlockIO b = r.blockIO();
        if (b != null && (b.weight() != null || b.leafWeight() != null || any(b.weightDevice())
                || any(b.throttleReadBpsDevice()) || any(b.throttleWriteBpsDevice())
                || any(b.throttleReadIOPSDevice()) || any(b.throttleWriteIOPSDevice()))) {
            return "blockIO";
        }
        if (any(r.hugepageLimits())) return "hugepageLimits";
        if (r.network() != null && (r.network().classID() != null || any(r.network().priorities()))) return "network";
        if (r.rdma() != null && !r.rdma().isEmpty()) return "rdma";
        if (r.unified() != null && !r.unified().isEmpty()) return "unified";
        return null;
    }

    private static boolean set(Long v) {
        return v != null && v != 0;
    }

    private static boolean any(List<?> l) {
        return l != null && !l.isEmpty();
    }

    /**
     * No cgroup: the container stays in its creator's cgroup, as with runc. Its state records no cgroup paths,
     * so later commands take their no-cgroup paths (kill and delete signal the init, which takes its pid
     * namespace down with it; pause, update and events refuse: "has no cgroup").
     */
    static final class None implements CgroupManager {
        private final int version;

        None(int version) {
            this.version = version;
        }

        @Override public int version() { return version; }
        @Override public Map<String, String> paths() { return Map.of(); }
        @Override public boolean exists() { return false; }
        @Override public CgroupManager withLinuxDevices(List<Spec.Device> linuxDevices) { return this; }
        @Override public void create() { }
        @Override public void apply(Spec.Resources resources) { }
        @Override public void update(Spec.Resources resources) { throw noCgroup(); }
        @Override public void addProcess(int pid) { }
        @Override public void freeze() { throw noCgroup(); }
        @Override public void thaw() { throw noCgroup(); }
        @Override public boolean isFrozen() { return false; }
        @Override public List<Integer> pids() { return List.of(); }
        @Override public void killAll(int signal, Signaller kill) { }
        @Override public void destroy() { }
        @Override public CgroupStats stats() { throw noCgroup(); }

        private static JrunException noCgroup() {
            return new JrunException("the container has no cgroup (rootless jrun could not create one)");
        }
    }
}
