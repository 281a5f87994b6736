package io.jrun.core.cgroup;

import io.jrun.core.Warnings;
import io.jrun.core.spec.Spec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A cgroup on the unified (v2) hierarchy: one directory (Documentation/admin-guide/cgroup-v2.rst).
 *
 * <p>Tests construct it on a temporary tree that looks like a cgroup2 mount ({@code mountRoot} with
 * cgroup.controllers and cgroup.subtree_control).
 */
public final class CgroupV2Manager extends CgroupManagerBase {
    private final Path dir;
    private Path mountRoot;
    private final DeviceProgramInstaller devices;
    private final List<Spec.Device> linuxDevices;

    /** {@code dir} must lie under {@code mountRoot} (the cgroup2 mount point, e.g. /sys/fs/cgroup). */
    public CgroupV2Manager(Path mountRoot, Path dir) {
        this(mountRoot, dir, CgroupFs.REAL, BpfDeviceInstaller.INSTANCE, List.of());
    }

    CgroupV2Manager(Path mountRoot, Path dir, CgroupFs fs, DeviceProgramInstaller devices,
                    List<Spec.Device> linuxDevices) {
        super(fs);
        this.mountRoot = mountRoot;
        this.dir = dir;
        this.devices = devices;
        this.linuxDevices = linuxDevices == null ? List.of() : linuxDevices;
    }

    /** A copy that leaves out the defaults whose node path linux.devices also lists (see DefaultDevices). */
    public CgroupV2Manager withLinuxDevices(List<Spec.Device> linuxDevices) {
        return new CgroupV2Manager(mountRoot, dir, fs, devices, linuxDevices);
    }

    public Path dir() {
        return dir;
    }

    @Override
    public int version() {
        return 2;
    }

    @Override
    public Map<String, String> paths() {
        return Map.of("unified", dir.toString());
    }

    @Override
    public boolean exists() {
        return fs.exists(dir);
    }

    /** The mount root; for a manager loaded from state, the highest ancestor that is still a cgroup. */
    private Path mountRoot() {
        if (mountRoot == null) {
            Path p = dir;
            while (p.getParent() != null && fs.exists(p.getParent().resolve("cgroup.controllers"))) {
                p = p.getParent();
            }
            mountRoot = p;
        }
        return mountRoot;
    }

    @Override
    public void create() {
        Path root = mountRoot();
        if (!dir.startsWith(root)) {
            throw new CgroupException("cgroup " + dir + " is not under the cgroup2 mount " + root);
        }
        Path cur = root;
        for (Path name : root.relativize(dir)) {
            // A controller's files appear in a child only when the parent lists it in cgroup.subtree_control
            // (cgroup-v2.rst "Enabling and Disabling"), so enable at every level on the way down.
            enableControllers(cur);
            cur = cur.resolve(name);
            try {
                fs.mkdirs(cur);
            } catch (IOException e) {
                throw new CgroupException("create cgroup: mkdir " + cur + ": " + CgroupFs.describe(e), e);
            }
        }
    }

    /**
     * Enables in {@code parent}'s subtree_control every controller it has. Failures are tolerated one
     * controller at a time, as runc does: the "no internal process" rule (cgroup-v2.rst) can refuse a
     * controller in a populated non-root cgroup, and a value that then cannot be written fails later with an
     * error naming the field.
     */
    private void enableControllers(Path parent) {
        List<String> available = tokens(readOptional(parent, "cgroup.controllers"));
        List<String> enabled = tokens(readOptional(parent, "cgroup.subtree_control"));
        List<String> missing = new ArrayList<>();
        for (String c : available) {
            if (!enabled.contains(c)) {
                missing.add("+" + c);
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        try {
            fs.write(parent.resolve("cgroup.subtree_control"), String.join(" ", missing));
        } catch (IOException e) {
            for (String c : missing) {
                try {
                    fs.write(parent.resolve("cgroup.subtree_control"), c);
                } catch (IOException ignored) {
                    // see the method comment
                }
            }
        }
    }

    @Override
    void set(Spec.Resources r, boolean update) {
        if (r.cpu() != null) {
            setCpu(r.cpu(), update);
        }
        if (r.memory() != null) {
            setMemory(r.memory());
        }
        String pids = pidsValue(r.pids(), update);
        if (pids != null) {
            write("linux.resources.pids.limit", dir, "pids.max", pids);
        }
        if (r.blockIO() != null) {
            setIo(r.blockIO());
        }
        for (Spec.HugepageLimit h : r.hugepageLimits()) {
            String f = "hugetlb." + h.pageSize();
            write("linux.resources.hugepageLimits[" + h.pageSize() + "]", dir, f + ".max", Long.toString(h.limit()));
            // Reservations are accounted separately (cgroup-v2.rst "HugeTLB": hugetlb.<size>.rsvd.max); keep
            // them equal so a mmap cannot reserve more than it may fault in, as runc does.
            if (fs.exists(dir.resolve(f + ".rsvd.max"))) {
                write("linux.resources.hugepageLimits[" + h.pageSize() + "]", dir, f + ".rsvd.max",
                        Long.toString(h.limit()));
            }
        }
        if (r.network() != null) {
            if (set(r.network().classID())) {
                throw new CgroupException("linux.resources.network.classID: net_cls is not available on cgroup v2");
            }
            if (r.network().priorities() != null && !r.network().priorities().isEmpty()) {
                throw new CgroupException("linux.resources.network.priorities: net_prio is not available on "
                        + "cgroup v2");
            }
        }
        for (Map.Entry<String, Spec.Rdma> e : r.rdma().entrySet()) {
            write("linux.resources.rdma[" + e.getKey() + "]", dir, "rdma.max", rdmaLine(e.getKey(), e.getValue()));
        }
        // unified last: it is the escape hatch and overrides what the typed fields wrote (runc's order)
        for (Map.Entry<String, String> e : new TreeMap<>(r.unified()).entrySet()) {
            String key = e.getKey();
            if (key.isEmpty() || key.contains("/") || key.equals("..") || key.equals(".")) {
                throw new CgroupException("linux.resources.unified[\"" + key + "\"]: invalid key (a file name in "
                        + "the cgroup directory)");
            }
            write("linux.resources.unified[\"" + key + "\"]", dir, key, e.getValue());
        }
        if (!update && r.devices() != null) {
            byte[] prog = DeviceFilterCompiler.compile(DefaultDevices.withDefaults(r.devices(), linuxDevices));
            devices.install(dir, prog);
        }
    }

    static String rdmaLine(String device, Spec.Rdma r) {
        return device + " hca_handle=" + (r.hcaHandles() == null ? "max" : r.hcaHandles().toString())
                + " hca_object=" + (r.hcaObjects() == null ? "max" : r.hcaObjects().toString());
    }

    private void setCpu(Spec.Cpu c, boolean update) {
        if (set(c.realtimeRuntime()) || set(c.realtimePeriod())) {
            throw new CgroupException("linux.resources.cpu." + (set(c.realtimeRuntime()) ? "realtimeRuntime"
                    : "realtimePeriod") + ": real-time CPU bandwidth is not supported on cgroup v2 (no cpu.rt_* "
                    + "files; cgroup-v2.rst: the cpu controller handles only SCHED_OTHER bandwidth)");
        }
        if (c.idle() != null) {
            if (c.idle() || fs.exists(dir.resolve("cpu.idle"))) {
                write("linux.resources.cpu.idle", dir, "cpu.idle", c.idle() ? "1" : "0");
            }
        }
        if (set(c.shares())) {
            long w = CgroupConversions.cpuSharesToWeight(c.shares());
            write("linux.resources.cpu.shares", dir, "cpu.weight", Long.toString(w));
        }
        boolean quota = set(c.quota());
        boolean period = set(c.period());
        if (quota || period) {
            // cpu.max is "$MAX $PERIOD" (cgroup-v2.rst): a non-positive quota is "max".
            String q;
            if (quota) {
                q = c.quota() > 0 ? c.quota().toString() : "max";
            } else if (update) {
                q = tokens(read("linux.resources.cpu.period", dir, "cpu.max")).getFirst(); // keep the quota
            } else {
                q = "max";
            }
            String value = period ? q + " " + c.period() : q;
            write("linux.resources.cpu." + (quota ? "quota" : "period"), dir, "cpu.max", value);
        }
        if (c.burst() != null) {
            // after cpu.max: the kernel refuses a burst larger than the quota
            write("linux.resources.cpu.burst", dir, "cpu.max.burst", c.burst().toString());
        }
        if (c.cpus() != null && !c.cpus().isEmpty()) {
            write("linux.resources.cpu.cpus", dir, "cpuset.cpus", c.cpus());
        }
        if (c.mems() != null && !c.mems().isEmpty()) {
            write("linux.resources.cpu.mems", dir, "cpuset.mems", c.mems());
        }
    }

    private void setMemory(Spec.Memory m) {
        // Deprecated fields without a v2 knob (memory.max counts kernel memory): ignored with a warning, as runc
        // and crun do, rather than failing every config that still carries them (see CgroupV1Manager.kmem).
        if (set(m.kernel())) {
            Warnings.warn("linux.resources.memory.kernel: ignored: cgroup v2 has no kernel memory limit");
        }
        if (set(m.kernelTCP())) {
            Warnings.warn("linux.resources.memory.kernelTCP: ignored: cgroup v2 has no kernel TCP memory limit");
        }
        if (m.swappiness() != null && m.swappiness() != -1) {
            throw new CgroupException("linux.resources.memory.swappiness: not supported on cgroup v2 (no "
                    + "memory.swappiness file)");
        }
        if (m.disableOOMKiller() != null && m.disableOOMKiller()) {
            throw new CgroupException("linux.resources.memory.disableOOMKiller: not supported on cgroup v2 (no "
                    + "memory.oom_control file)");
        }
        if (m.useHierarchy() != null && !m.useHierarchy()) {
            throw new CgroupException("linux.resources.memory.useHierarchy: false is not possible on cgroup v2 "
                    + "(accounting is always hierarchical)");
        }
        checkMemoryUsage(this, m, dir, "memory.current");
        long limit = m.limit() == null ? 0 : m.limit();
        long swap = m.swap() == null ? 0 : m.swap();
        long v2swap = swapToV2(swap, limit);
        String swapStr = CgroupConversions.v2Value(v2swap);
        if (swapStr == null && swap > 0) {
            swapStr = "0"; // swap == limit: memory+swap equal to memory means no swap at all
        }
        if (swapStr != null) {
            Path f = dir.resolve("memory.swap.max");
            if (fs.exists(f) || !(swapStr.equals("max") || swapStr.equals("0"))) {
                // Without swap accounting the file is absent; "no swap" and "unlimited swap" then hold anyway.
                write("linux.resources.memory.swap", dir, "memory.swap.max", swapStr);
            }
        }
        String lim = CgroupConversions.v2Value(limit);
        if (lim != null) {
            write("linux.resources.memory.limit", dir, "memory.max", lim);
        }
        String low = CgroupConversions.v2Value(m.reservation() == null ? 0 : m.reservation());
        if (low != null) {
            write("linux.resources.memory.reservation", dir, "memory.low", low);
        }
    }

    private void setIo(Spec.BlockIO b) {
        boolean bfq = fs.exists(dir.resolve("io.bfq.weight"));
        if (b.weight() != null && b.weight() != 0) {
            if (bfq) {
                // BFQ takes blkio's own scale [1, 1000] (block/bfq-iosched.rst), so no conversion
                write("linux.resources.blockIO.weight", dir, "io.bfq.weight", b.weight().toString());
            } else {
                write("linux.resources.blockIO.weight", dir, "io.weight",
                        Long.toString(CgroupConversions.blkioWeightToIoWeight(b.weight())));
            }
        }
        if (b.leafWeight() != null && b.leafWeight() != 0) {
            throw new CgroupException("linux.resources.blockIO.leafWeight: not supported on cgroup v2");
        }
        for (Spec.WeightDevice wd : b.weightDevice()) {
            if (wd.weight() != null && wd.weight() != 0) {
                String dev = wd.major() + ":" + wd.minor();
                if (bfq) {
                    write("linux.resources.blockIO.weightDevice", dir, "io.bfq.weight", dev + " " + wd.weight());
                } else {
                    write("linux.resources.blockIO.weightDevice", dir, "io.weight",
                            dev + " " + CgroupConversions.blkioWeightToIoWeight(wd.weight()));
                }
            }
            if (wd.leafWeight() != null && wd.leafWeight() != 0) {
                throw new CgroupException("linux.resources.blockIO.weightDevice.leafWeight: not supported on "
                        + "cgroup v2");
            }
        }
        throttle(b.throttleReadBpsDevice(), "throttleReadBpsDevice", "rbps");
        throttle(b.throttleWriteBpsDevice(), "throttleWriteBpsDevice", "wbps");
        throttle(b.throttleReadIOPSDevice(), "throttleReadIOPSDevice", "riops");
        throttle(b.throttleWriteIOPSDevice(), "throttleWriteIOPSDevice", "wiops");
    }

    private void throttle(List<Spec.ThrottleDevice> list, String field, String key) {
        for (Spec.ThrottleDevice t : list) {
            // io.max: "MAJ:MIN rbps=N" (cgroup-v2.rst "io.max"); 0 would mean "no I/O at all", v1's 0 = no limit
            String v = t.rate() == 0 ? "max" : Long.toString(t.rate());
            write("linux.resources.blockIO." + field, dir, "io.max", t.major() + ":" + t.minor() + " " + key + "=" + v);
        }
    }

    @Override
    public void addProcess(int pid) {
        write("add process " + pid, dir, "cgroup.procs", Integer.toString(pid));
    }

    @Override
    public void freeze() {
        setFrozen(true);
    }

    @Override
    public void thaw() {
        setFrozen(false);
    }

    private void setFrozen(boolean frozen) {
        // cgroup-v2.rst "Core Interface Files": writing cgroup.freeze starts the transition; "frozen 1" in
        // cgroup.events reports that every descendant task is stopped.
        write(frozen ? "pause" : "resume", dir, "cgroup.freeze", frozen ? "1" : "0");
        String want = frozen ? "1" : "0";
        if (!waitUntil(() -> want.equals(eventsFrozen()), 10_000)) {
            throw new CgroupException((frozen ? "pause" : "resume") + ": " + dir
                    + "/cgroup.events did not report frozen " + want + " within 10 s");
        }
    }

    private String eventsFrozen() {
        Long v = parseFlatKeyed(readOptional(dir, "cgroup.events")).get("frozen");
        return v == null ? null : v.toString();
    }

    @Override
    boolean tryFreeze() {
        if (!fs.exists(dir.resolve("cgroup.freeze"))) {
            return false;
        }
        freeze();
        return true;
    }

    @Override
    public boolean isFrozen() {
        // the requested state: a paused container stays paused even while a new task is being stopped
        return "1".equals(readOptional(dir, "cgroup.freeze"));
    }

    @Override
    boolean killAllFast() {
        // cgroup.kill (Linux 5.14) SIGKILLs the whole subtree atomically, racing no fork (cgroup-v2.rst)
        if (!fs.exists(dir.resolve("cgroup.kill"))) {
            return false;
        }
        write("kill --all", dir, "cgroup.kill", "1");
        return true;
    }

    @Override
    public List<Integer> pids() {
        List<Integer> out = new ArrayList<>();
        collectPids(dir, out);
        return out;
    }

    @Override
    public void destroy() {
        removeTree(dir);
    }

    @Override
    public CgroupStats stats() {
        Map<String, Long> cpu = parseFlatKeyed(readOptional(dir, "cpu.stat"));
        CgroupStats.Cpu c = new CgroupStats.Cpu(
                cpu.getOrDefault("usage_usec", 0L) * 1000, List.of(),
                cpu.getOrDefault("system_usec", 0L) * 1000, cpu.getOrDefault("user_usec", 0L) * 1000,
                cpu.getOrDefault("nr_periods", 0L), cpu.getOrDefault("nr_throttled", 0L),
                cpu.getOrDefault("throttled_usec", 0L) * 1000);
        Map<String, Long> memStat = parseFlatKeyed(readOptional(dir, "memory.stat"));
        Map<String, Long> events = parseFlatKeyed(readOptional(dir, "memory.events"));
        CgroupStats.MemoryEntry usage = new CgroupStats.MemoryEntry(readLong(dir, "memory.max"),
                readLong(dir, "memory.current"), readLong(dir, "memory.peak"), events.getOrDefault("max", 0L));
        Map<String, Long> swapEvents = parseFlatKeyed(readOptional(dir, "memory.swap.events"));
        CgroupStats.MemoryEntry swap = new CgroupStats.MemoryEntry(readLong(dir, "memory.swap.max"),
                readLong(dir, "memory.swap.current"), readLong(dir, "memory.swap.peak"),
                swapEvents.getOrDefault("max", 0L));
        CgroupStats.Memory mem = new CgroupStats.Memory(memStat.getOrDefault("file", 0L), usage, swap,
                new CgroupStats.MemoryEntry(0, memStat.getOrDefault("kernel", 0L), 0, 0), memStat);
        CgroupStats.Pids pids = new CgroupStats.Pids(readLong(dir, "pids.current"), readLong(dir, "pids.max"));
        List<CgroupStats.BlkioEntry> bytes = new ArrayList<>();
        List<CgroupStats.BlkioEntry> ios = new ArrayList<>();
        String io = readOptional(dir, "io.stat");
        if (io != null) {
            for (String line : io.split("\n")) {
                List<String> t = tokens(line);
                if (t.isEmpty() || !t.getFirst().contains(":")) {
                    continue;
                }
                String[] mm = t.getFirst().split(":");
                long major = Long.parseLong(mm[0]);
                long minor = Long.parseLong(mm[1]);
                for (String kv : t.subList(1, t.size())) {
                    int eq = kv.indexOf('=');
                    if (eq < 0) {
                        continue;
                    }
                    long v = parseCounter(kv.substring(eq + 1));
                    switch (kv.substring(0, eq)) {
                        case "rbytes" -> bytes.add(new CgroupStats.BlkioEntry(major, minor, "Read", v));
                        case "wbytes" -> bytes.add(new CgroupStats.BlkioEntry(major, minor, "Write", v));
                        case "rios" -> ios.add(new CgroupStats.BlkioEntry(major, minor, "Read", v));
                        case "wios" -> ios.add(new CgroupStats.BlkioEntry(major, minor, "Write", v));
                        default -> { }
                    }
                }
            }
        }
        Map<String, CgroupStats.Hugetlb> huge = new LinkedHashMap<>();
        try {
            for (String size : hugeSizes()) {
                Map<String, Long> ev = parseFlatKeyed(readOptional(dir, "hugetlb." + size + ".events"));
                huge.put(size, new CgroupStats.Hugetlb(readLong(dir, "hugetlb." + size + ".current"),
                        readLong(dir, "hugetlb." + size + ".max"), ev.getOrDefault("max", 0L)));
            }
        } catch (IOException e) {
            // no hugetlb stats
        }
        return new CgroupStats(c, mem, pids, bytes, ios, huge);
    }

    private List<String> hugeSizes() throws IOException {
        List<String> sizes = new ArrayList<>();
        try (var ds = java.nio.file.Files.newDirectoryStream(dir, "hugetlb.*.current")) {
            for (Path p : ds) {
                String n = p.getFileName().toString();
                String s = n.substring("hugetlb.".length(), n.length() - ".current".length());
                if (!s.contains(".")) {
                    sizes.add(s);
                }
            }
        }
        return sizes;
    }

    /** memory.swap.max from the spec's memory+swap total (runc's conversion), refused by field when impossible. */
    static long swapToV2(long swap, long limit) {
        try {
            return CgroupConversions.memorySwapToV2(swap, limit);
        } catch (IllegalArgumentException e) {
            throw new CgroupException("linux.resources.memory.swap: " + e.getMessage());
        }
    }
}
