package io.jrun.core.cgroup;

import io.jrun.core.Warnings;
import io.jrun.core.spec.Spec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A cgroup on v1 hierarchies (the "fs" driver): one directory per mounted controller
 * (Documentation/admin-guide/cgroup-v1/cgroups.rst), plus, on hybrid hosts, the same path in the
 * {@code name=systemd} hierarchy and in the cgroup2 mount (key "unified"), where runc also places the
 * process. Controllers that are not mounted have no entry: a value for them is an error naming the field,
 * an absent or zero value is skipped.
 *
 * <p>Tests construct it on a temporary tree with one directory per controller.
 */
public final class CgroupV1Manager extends CgroupManagerBase {
    /** Controller (or "name=systemd", "unified") → directory, in a stable order. */
    private final Map<String, Path> dirs;
    private final List<Spec.Device> linuxDevices;

    public CgroupV1Manager(Map<String, Path> dirs) {
        this(dirs, CgroupFs.REAL, List.of());
    }

    CgroupV1Manager(Map<String, Path> dirs, CgroupFs fs, List<Spec.Device> linuxDevices) {
        super(fs);
        this.dirs = Collections.unmodifiableMap(new LinkedHashMap<>(dirs));
        this.linuxDevices = linuxDevices == null ? List.of() : linuxDevices;
    }

    /** A copy that leaves out the defaults whose node path linux.devices also lists (see DefaultDevices). */
    public CgroupV1Manager withLinuxDevices(List<Spec.Device> linuxDevices) {
        return new CgroupV1Manager(dirs, fs, linuxDevices);
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public Map<String, String> paths() {
        Map<String, String> m = new LinkedHashMap<>();
        dirs.forEach((k, v) -> m.put(k, v.toString()));
        return m;
    }

    /** The directory for a controller, or null when it is not mounted. */
    public Path dir(String controller) {
        return dirs.get(controller);
    }

    /** Each directory once (co-mounted controllers such as cpu,cpuacct share one). */
    private Set<Path> distinctDirs() {
        return new LinkedHashSet<>(dirs.values());
    }

    @Override
    public boolean exists() {
        for (Path d : distinctDirs()) {
            if (fs.exists(d)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void create() {
        Path cpuset = dirs.get("cpuset");
        if (cpuset != null) {
            createCpuset(cpuset);
        }
        for (Path d : distinctDirs()) {
            try {
                fs.mkdirs(d);
            } catch (IOException e) {
                throw new CgroupException("create cgroup: mkdir " + d + ": " + CgroupFs.describe(e), e);
            }
        }
    }

    /**
     * cpuset.cpus and cpuset.mems of a new v1 cgroup start empty, and a cgroup with either empty refuses
     * tasks (cgroup-v1/cpusets.rst: "a cpuset must have cpus and mems set before tasks can be attached").
     * So each level from the hierarchy root down gets its parent's values when it has none, as runc does.
     */
    private void createCpuset(Path leaf) {
        // The hierarchy root is the topmost ancestor with cpuset.cpus; levels below it may not exist yet, or
        // exist unpopulated (created by someone else), so every level is checked on the way down.
        Path root = null;
        for (Path p = leaf.getParent(); p != null; p = p.getParent()) {
            if (fs.exists(p.resolve("cpuset.cpus"))) {
                root = p;
            }
        }
        if (root == null) {
            return; // no cpuset files above: create() makes the directory like any other
        }
        Path cur = root;
        for (Path name : root.relativize(leaf)) {
            Path parent = cur;
            cur = cur.resolve(name);
            try {
                fs.mkdirs(cur);
            } catch (IOException e) {
                throw new CgroupException("create cgroup: mkdir " + cur + ": " + CgroupFs.describe(e), e);
            }
            for (String f : new String[] {"cpuset.cpus", "cpuset.mems"}) {
                String mine = readOptional(cur, f);
                if (mine != null && mine.isEmpty()) {
                    write("create cgroup", cur, f, read("create cgroup", parent, f));
                }
            }
        }
    }

    @Override
    void set(Spec.Resources r, boolean update) {
        if (!update && r.devices() != null && dirs.containsKey("devices")) {
            setDevices(r.devices());
        }
        if (r.cpu() != null) {
            setCpu(r.cpu());
        }
        if (r.memory() != null) {
            setMemory(r.memory());
        }
        String pids = pidsValue(r.pids(), update);
        if (pids != null) {
            write("linux.resources.pids.limit", need("pids", "linux.resources.pids.limit"), "pids.max", pids);
        }
        if (r.blockIO() != null) {
            setBlkio(r.blockIO());
        }
        if (!r.hugepageLimits().isEmpty()) {
            setHugetlb(r.hugepageLimits());
        }
        if (r.network() != null) {
            if (set(r.network().classID())) {
                write("linux.resources.network.classID", need("net_cls", "linux.resources.network.classID"),
                        "net_cls.classid", Long.toString(r.network().classID()));
            }
            for (Spec.NetPriority p : r.network().priorities()) {
                write("linux.resources.network.priorities", need("net_prio", "linux.resources.network.priorities"),
                        "net_prio.ifpriomap", p.name() + " " + p.priority());
            }
        }
        for (Map.Entry<String, Spec.Rdma> e : r.rdma().entrySet()) {
            write("linux.resources.rdma[" + e.getKey() + "]", need("rdma", "linux.resources.rdma"), "rdma.max",
                    CgroupV2Manager.rdmaLine(e.getKey(), e.getValue()));
        }
        if (!r.unified().isEmpty()) {
            throw new CgroupException("linux.resources.unified: cgroup v2 settings cannot be applied on a cgroup "
                    + "v1 host");
        }
    }

    /** The directory of a mounted controller; a value for an unmounted one is an error naming the field. */
    private Path need(String controller, String field) {
        Path d = dirs.get(controller);
        if (d == null) {
            throw new CgroupException(field + ": the " + controller + " cgroup controller is not mounted on this "
                    + "host");
        }
        return d;
    }

    /**
     * devices.deny "a" first (cgroup-v1/devices.rst: the cgroup then denies everything), then each rule in
     * order to devices.allow or devices.deny, so later rules override earlier ones as the kernel applies
     * them one write at a time. The default devices are appended (see DefaultDevices).
     */
    private void setDevices(List<Spec.DeviceRule> specRules) {
        Path d = dirs.get("devices");
        List<Spec.DeviceRule> rules = DefaultDevices.withDefaults(specRules, linuxDevices);
        for (int i = 0; i < rules.size(); i++) {
            DeviceFilterCompiler.typeOf(rules.get(i), i);
            if (DeviceFilterCompiler.typeOf(rules.get(i), i) != 0) {
                DeviceFilterCompiler.accessBits(rules.get(i), i);
            }
        }
        write("linux.resources.devices", d, "devices.deny", "a");
        for (int i = 0; i < rules.size(); i++) {
            Spec.DeviceRule rule = rules.get(i);
            String field = i < specRules.size() ? "linux.resources.devices[" + i + "]" : "default device rule";
            write(field, d, rule.allow() ? "devices.allow" : "devices.deny", DefaultDevices.v1Line(rule));
        }
    }

    private void setCpu(Spec.Cpu c) {
        if (set(c.shares())) {
            Path d = need("cpu", "linux.resources.cpu.shares");
            write("linux.resources.cpu.shares", d, "cpu.shares", c.shares().toString());
            // the kernel clamps to [2, 262144] silently; report it as runc does
            long got = parseCounter(read("linux.resources.cpu.shares", d, "cpu.shares"));
            if (got != c.shares()) {
                throw new CgroupException("linux.resources.cpu.shares: " + c.shares() + " is out of range: the "
                        + (c.shares() > got ? "maximum" : "minimum") + " allowed cpu-shares is " + got);
            }
        }
        boolean periodPending = false;
        if (set(c.period())) {
            Path d = need("cpu", "linux.resources.cpu.period");
            try {
                fs.write(d.resolve("cpu.cfs_period_us"), c.period().toString());
            } catch (IOException e) {
                // A shorter period can be refused (EINVAL) while the old quota/new period ratio exceeds the
                // parent's; when a quota comes too, write the period again after it (runc's order).
                if (!set(c.quota())) {
                    throw new CgroupException("linux.resources.cpu.period: write " + d.resolve("cpu.cfs_period_us")
                            + ": " + CgroupFs.describe(e), e);
                }
                periodPending = true;
            }
        }
        if (set(c.quota())) {
            Path d = need("cpu", "linux.resources.cpu.quota");
            write("linux.resources.cpu.quota", d, "cpu.cfs_quota_us", c.quota() > 0 ? c.quota().toString() : "-1");
            if (periodPending) {
                write("linux.resources.cpu.period", d, "cpu.cfs_period_us", c.period().toString());
            }
        }
        if (c.burst() != null) {
            Path d = dirs.get("cpu");
            if (d != null && (c.burst() != 0 || fs.exists(d.resolve("cpu.cfs_burst_us")))) {
                write("linux.resources.cpu.burst", d, "cpu.cfs_burst_us", c.burst().toString());
            } else if (c.burst() != 0) {
                need("cpu", "linux.resources.cpu.burst");
            }
        }
        // sched-rt-group.rst: runtime must fit the period, so the period goes first
        if (set(c.realtimePeriod())) {
            write("linux.resources.cpu.realtimePeriod", need("cpu", "linux.resources.cpu.realtimePeriod"),
                    "cpu.rt_period_us", c.realtimePeriod().toString());
        }
        if (set(c.realtimeRuntime())) {
            write("linux.resources.cpu.realtimeRuntime", need("cpu", "linux.resources.cpu.realtimeRuntime"),
                    "cpu.rt_runtime_us", c.realtimeRuntime().toString());
        }
        if (c.idle() != null) {
            Path d = dirs.get("cpu");
            if (c.idle()) {
                write("linux.resources.cpu.idle", need("cpu", "linux.resources.cpu.idle"), "cpu.idle", "1");
            } else if (d != null && fs.exists(d.resolve("cpu.idle"))) {
                write("linux.resources.cpu.idle", d, "cpu.idle", "0");
            }
        }
        if (c.cpus() != null && !c.cpus().isEmpty()) {
            write("linux.resources.cpu.cpus", need("cpuset", "linux.resources.cpu.cpus"), "cpuset.cpus", c.cpus());
        }
        if (c.mems() != null && !c.mems().isEmpty()) {
            write("linux.resources.cpu.mems", need("cpuset", "linux.resources.cpu.mems"), "cpuset.mems", c.mems());
        }
    }

    private void setMemory(Spec.Memory m) {
        boolean any = set(m.limit()) || set(m.reservation()) || set(m.swap()) || set(m.kernel())
                || set(m.kernelTCP()) || (m.swappiness() != null && m.swappiness() != -1)
                || Boolean.TRUE.equals(m.disableOOMKiller()) || m.useHierarchy() != null;
        if (!any) {
            return;
        }
        Path d = need("memory", "linux.resources.memory");
        checkMemoryUsage(this, m, d, "memory.usage_in_bytes");
        kmem(d, m.kernel(), "kernel", "memory.kmem.limit_in_bytes");
        kmem(d, m.kernelTCP(), "kernelTCP", "memory.kmem.tcp.limit_in_bytes");
        long limit = m.limit() == null ? 0 : m.limit();
        long swap = m.swap() == null ? 0 : m.swap();
        boolean hasMemsw = fs.exists(d.resolve("memory.memsw.limit_in_bytes"));
        if (limit == -1 && swap == 0 && hasMemsw) {
            swap = -1; // unlimited memory without an explicit swap means unlimited memory+swap (runc)
        }
        if (swap != 0 && !hasMemsw) {
            throw new CgroupException("linux.resources.memory.swap: write " + d.resolve("memory.memsw.limit_in_bytes")
                    + ": no such file or directory (swap accounting is disabled on this kernel)");
        }
        // The kernel keeps memory.limit_in_bytes <= memory.memsw.limit_in_bytes at every write
        // (cgroup-v1/memory.rst 2.4), refusing the write with EINVAL otherwise. Raising the limit above the
        // current memsw therefore needs memsw first; otherwise the limit goes first.
        boolean memswFirst = false;
        if (limit != 0 && swap != 0) {
            long curMemsw = parseCounter(read("linux.resources.memory.swap", d, "memory.memsw.limit_in_bytes"));
            memswFirst = limit == -1 || Long.compareUnsigned(limit, curMemsw) > 0;
        }
        if (memswFirst) {
            write("linux.resources.memory.swap", d, "memory.memsw.limit_in_bytes", Long.toString(swap));
        }
        if (limit != 0) {
            writeMemoryLimit(d, limit);
        }
        if (!memswFirst && swap != 0) {
            write("linux.resources.memory.swap", d, "memory.memsw.limit_in_bytes", Long.toString(swap));
        }
        if (set(m.reservation())) {
            write("linux.resources.memory.reservation", d, "memory.soft_limit_in_bytes",
                    m.reservation().toString());
        }
        if (m.swappiness() != null && m.swappiness() != -1) {
            if (m.swappiness() < 0 || m.swappiness() > 100) {
                throw new CgroupException("linux.resources.memory.swappiness: invalid value " + m.swappiness()
                        + " (valid range is 0-100)");
            }
            write("linux.resources.memory.swappiness", d, "memory.swappiness", m.swappiness().toString());
        }
        if (Boolean.TRUE.equals(m.disableOOMKiller())) {
            write("linux.resources.memory.disableOOMKiller", d, "memory.oom_control", "1");
        }
        if (m.useHierarchy() != null) {
            String want = m.useHierarchy() ? "1" : "0";
            try {
                fs.write(d.resolve("memory.use_hierarchy"), want);
            } catch (IOException e) {
                // Since Linux 5.16 hierarchy is always on and the file refuses "0"; equal is fine.
                if (!want.equals(readOptional(d, "memory.use_hierarchy"))) {
                    throw new CgroupException("linux.resources.memory.useHierarchy: write "
                            + d.resolve("memory.use_hierarchy") + ": " + CgroupFs.describe(e), e);
                }
            }
        }
    }

    /**
     * memory.limit_in_bytes: the kernel reclaims down to a new limit and refuses it with EBUSY when it cannot
     * (cgroup-v1/memory.rst 2.5), e.g. a limit below what jrun-init already uses at create. runc's wording
     * then says so, with the usage, instead of "device or resource busy".
     */
    private void writeMemoryLimit(Path d, long limit) {
        Path p = d.resolve("memory.limit_in_bytes");
        try {
            fs.write(p, Long.toString(limit));
        } catch (IOException e) {
            if (CgroupFs.isBusy(e)) {
                throw new CgroupException("linux.resources.memory.limit: unable to set memory limit to " + limit
                        + " (current usage: " + readLong(d, "memory.usage_in_bytes") + ", peak usage: "
                        + readLong(d, "memory.max_usage_in_bytes") + ")", e);
            }
            throw new CgroupException("linux.resources.memory.limit: write " + p + ": " + CgroupFs.describe(e), e);
        }
    }

    /**
     * Kernel memory limits: deprecated by the runtime-spec and by Linux 5.4; since 5.16 the kernel keeps
     * memory.kmem.limit_in_bytes only as a file that accepts a write and changes nothing (as on this 6.x
     * kernel), or drops it. A knob the kernel lacks, or ignores (read back unchanged), is skipped with a
     * warning, as runc and crun do: refusing it failed every config that still carries the field. A value the
     * kernel refuses stays an error (write()).
     */
    private void kmem(Path d, Long value, String field, String file) {
        if (!set(value)) {
            return;
        }
        String f = "linux.resources.memory." + field;
        if (!fs.exists(d.resolve(file))) {
            Warnings.warn(f + ": ignored: this kernel has no " + file);
            return;
        }
        write(f, d, file, value.toString());
        long got = parseCounter(readOptional(d, file));
        long want = value == -1 ? -1 : value;
        if (got != want && got != (want & ~4095L) && !(want == -1 && got > (1L << 62))) {
            Warnings.warn(f + ": ignored: this kernel does not apply it (" + file + " stays " + got + ")");
        }
    }

    private void setBlkio(Spec.BlockIO b) {
        Path d = dirs.get("blkio");
        // BFQ exposes blkio.bfq.weight[_device] where CFQ had blkio.weight[_device] (block/bfq-iosched.rst).
        String prefix = d != null && !fs.exists(d.resolve("blkio.weight")) && fs.exists(d.resolve("blkio.bfq.weight"))
                ? "blkio.bfq." : "blkio.";
        if (b.weight() != null && b.weight() != 0) {
            write("linux.resources.blockIO.weight", need("blkio", "linux.resources.blockIO.weight"),
                    prefix + "weight", b.weight().toString());
        }
        if (b.leafWeight() != null && b.leafWeight() != 0) {
            write("linux.resources.blockIO.leafWeight", need("blkio", "linux.resources.blockIO.leafWeight"),
                    "blkio.leaf_weight", b.leafWeight().toString());
        }
        for (Spec.WeightDevice wd : b.weightDevice()) {
            Path bd = need("blkio", "linux.resources.blockIO.weightDevice");
            if (wd.weight() != null && wd.weight() != 0) {
                write("linux.resources.blockIO.weightDevice", bd, prefix + "weight_device",
                        wd.major() + ":" + wd.minor() + " " + wd.weight());
            }
            if (wd.leafWeight() != null && wd.leafWeight() != 0) {
                write("linux.resources.blockIO.weightDevice.leafWeight", bd, "blkio.leaf_weight_device",
                        wd.major() + ":" + wd.minor() + " " + wd.leafWeight());
            }
        }
        throttle(b.throttleReadBpsDevice(), "throttleReadBpsDevice", "blkio.throttle.read_bps_device");
        throttle(b.throttleWriteBpsDevice(), "throttleWriteBpsDevice", "blkio.throttle.write_bps_device");
        throttle(b.throttleReadIOPSDevice(), "throttleReadIOPSDevice", "blkio.throttle.read_iops_device");
        throttle(b.throttleWriteIOPSDevice(), "throttleWriteIOPSDevice", "blkio.throttle.write_iops_device");
    }

    private void throttle(List<Spec.ThrottleDevice> list, String field, String file) {
        for (Spec.ThrottleDevice t : list) {
            String f = "linux.resources.blockIO." + field;
            write(f, need("blkio", f), file, t.major() + ":" + t.minor() + " " + t.rate());
        }
    }

    /**
     * v1 hugetlb.&lt;size&gt;.limit_in_bytes when the controller is mounted as v1; on a hybrid host whose
     * cgroup2 mount owns hugetlb, hugetlb.&lt;size&gt;.max in the unified directory, after enabling hugetlb on
     * the way down (only done when a limit is asked for).
     */
    private void setHugetlb(List<Spec.HugepageLimit> limits) {
        Path v1 = dirs.get("hugetlb");
        Path unified = dirs.get("unified");
        if (v1 == null && unified != null && hybridHasHugetlb(unified)) {
            new CgroupV2Manager(null, unified, fs, (dir, prog) -> { }, List.of()).create();
            for (Spec.HugepageLimit h : limits) {
                write("linux.resources.hugepageLimits[" + h.pageSize() + "]", unified,
                        "hugetlb." + h.pageSize() + ".max", Long.toString(h.limit()));
            }
            return;
        }
        for (Spec.HugepageLimit h : limits) {
            String f = "linux.resources.hugepageLimits[" + h.pageSize() + "]";
            write(f, need("hugetlb", f), "hugetlb." + h.pageSize() + ".limit_in_bytes", Long.toString(h.limit()));
        }
    }

    private boolean hybridHasHugetlb(Path unified) {
        Path p = unified;
        while (p.getParent() != null && fs.exists(p.getParent().resolve("cgroup.controllers"))) {
            p = p.getParent();
        }
        return tokens(readOptional(p, "cgroup.controllers")).contains("hugetlb");
    }

    @Override
    public void addProcess(int pid) {
        for (Path d : distinctDirs()) {
            write("add process " + pid, d, "cgroup.procs", Integer.toString(pid));
        }
    }

    @Override
    public void freeze() {
        Path d = need("freezer", "pause");
        // cgroup-v1/freezer-subsystem.rst: FREEZING can persist while tasks are in uninterruptible sleep;
        // writing FROZEN again retries, so keep re-writing until the state reads FROZEN.
        write("pause", d, "freezer.state", "FROZEN");
        int[] polls = {0};
        boolean ok = waitUntil(() -> {
            if ("FROZEN".equals(readOptional(d, "freezer.state"))) {
                return true;
            }
            if (++polls[0] % 10 == 0) {
                try {
                    fs.write(d.resolve("freezer.state"), "FROZEN");
                } catch (IOException ignored) {
                    // read again next round
                }
            }
            return false;
        }, 10_000);
        if (!ok) {
            try {
                fs.write(d.resolve("freezer.state"), "THAWED");
            } catch (IOException ignored) {
                // the error below is the one to report
            }
            throw new CgroupException("pause: " + d + "/freezer.state did not reach FROZEN within 10 s");
        }
    }

    @Override
    public void thaw() {
        Path d = need("freezer", "resume");
        write("resume", d, "freezer.state", "THAWED");
        if (!waitUntil(() -> "THAWED".equals(readOptional(d, "freezer.state")), 10_000)) {
            throw new CgroupException("resume: " + d + "/freezer.state did not reach THAWED within 10 s");
        }
    }

    @Override
    boolean tryFreeze() {
        if (!dirs.containsKey("freezer")) {
            return false;
        }
        freeze();
        return true;
    }

    @Override
    public boolean isFrozen() {
        Path d = dirs.get("freezer");
        return d != null && "FROZEN".equals(readOptional(d, "freezer.state"));
    }

    @Override
    public List<Integer> pids() {
        for (String c : new String[] {"pids", "memory", "cpu", "devices", "freezer"}) {
            Path d = dirs.get(c);
            if (d != null) {
                List<Integer> out = new ArrayList<>();
                collectPids(d, out);
                return out;
            }
        }
        List<Integer> out = new ArrayList<>();
        if (!dirs.isEmpty()) {
            collectPids(dirs.values().iterator().next(), out);
        }
        return out;
    }

    @Override
    public void destroy() {
        CgroupException first = null;
        for (Path d : distinctDirs()) {
            try {
                removeTree(d);
            } catch (CgroupException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public CgroupStats stats() {
        Path cpuacct = dirs.get("cpuacct");
        Path cpu = dirs.get("cpu");
        List<Long> percpu = new ArrayList<>();
        long total = 0;
        long user = 0;
        long kernel = 0;
        if (cpuacct != null) {
            total = readLong(cpuacct, "cpuacct.usage");
            for (String t : tokens(readOptional(cpuacct, "cpuacct.usage_percpu"))) {
                percpu.add(parseCounter(t));
            }
            // cpuacct.stat is in USER_HZ ticks (cgroup-v1/cpuacct.rst); USER_HZ is 100 on Linux
            Map<String, Long> st = parseFlatKeyed(readOptional(cpuacct, "cpuacct.stat"));
            user = st.getOrDefault("user", 0L) * 10_000_000L;
            kernel = st.getOrDefault("system", 0L) * 10_000_000L;
        }
        Map<String, Long> cs = cpu == null ? Map.of() : parseFlatKeyed(readOptional(cpu, "cpu.stat"));
        CgroupStats.Cpu c = new CgroupStats.Cpu(total, percpu, kernel, user, cs.getOrDefault("nr_periods", 0L),
                cs.getOrDefault("nr_throttled", 0L), cs.getOrDefault("throttled_time", 0L));
        Path mem = dirs.get("memory");
        CgroupStats.Memory m;
        if (mem != null) {
            Map<String, Long> raw = parseFlatKeyed(readOptional(mem, "memory.stat"));
            m = new CgroupStats.Memory(raw.getOrDefault("total_cache", raw.getOrDefault("cache", 0L)),
                    memEntry(mem, "memory."), memEntry(mem, "memory.memsw."), memEntry(mem, "memory.kmem."), raw);
        } else {
            CgroupStats.MemoryEntry z = new CgroupStats.MemoryEntry(0, 0, 0, 0);
            m = new CgroupStats.Memory(0, z, z, z, Map.of());
        }
        Path pids = dirs.get("pids");
        CgroupStats.Pids p = pids == null ? new CgroupStats.Pids(0, 0)
                : new CgroupStats.Pids(readLong(pids, "pids.current"), readLong(pids, "pids.max"));
        Path blkio = dirs.get("blkio");
        List<CgroupStats.BlkioEntry> bytes = blkio == null ? List.of()
                : blkioEntries(readOptional(blkio, "blkio.throttle.io_service_bytes_recursive"));
        List<CgroupStats.BlkioEntry> ios = blkio == null ? List.of()
                : blkioEntries(readOptional(blkio, "blkio.throttle.io_serviced_recursive"));
        return new CgroupStats(c, m, p, bytes, ios, new LinkedHashMap<>());
    }

    private CgroupStats.MemoryEntry memEntry(Path d, String prefix) {
        return new CgroupStats.MemoryEntry(readLong(d, prefix + "limit_in_bytes"), readLong(d, prefix + "usage_in_bytes"),
                readLong(d, prefix + "max_usage_in_bytes"), readLong(d, prefix + "failcnt"));
    }

    /** "8:0 Read 4096" lines (cgroup-v1/blkio-controller.rst); the "Total" lines are dropped. */
    static List<CgroupStats.BlkioEntry> blkioEntries(String s) {
        List<CgroupStats.BlkioEntry> out = new ArrayList<>();
        if (s == null) {
            return out;
        }
        for (String line : s.split("\n")) {
            List<String> t = tokens(line);
            if (t.size() == 3 && t.get(0).contains(":")) {
                String[] mm = t.get(0).split(":");
                out.add(new CgroupStats.BlkioEntry(Long.parseLong(mm[0]), Long.parseLong(mm[1]), t.get(1),
                        parseCounter(t.get(2))));
            }
        }
        return out;
    }
}
