package io.jrun.core.cgroup;

import static io.jrun.core.cgroup.CgroupRes.cpu;
import static io.jrun.core.cgroup.CgroupRes.mem;
import static io.jrun.core.cgroup.CgroupRes.res;
import static io.jrun.core.cgroup.CgroupRes.rule;
import static io.jrun.core.cgroup.CgroupTestTree.content;
import static io.jrun.core.cgroup.CgroupTestTree.file;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jrun.core.spec.Spec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupV1ManagerTest {
    @TempDir
    Path root;
    CgroupTestTree.RecordingFs fs;
    Map<String, Path> dirs;
    CgroupV1Manager m;

    @BeforeEach
    void setUp() {
        dirs = CgroupTestTree.v1Layout(root, "/docker/c1");
        fs = new CgroupTestTree.RecordingFs(root);
        m = new CgroupV1Manager(dirs, fs, List.of());
    }

    @Test
    void firstLimitGoesBeforeMemswWhenMemswIsUnlimited() {
        m.apply(res().memory(mem(67108864L, 134217728L)).build());
        assertEquals(List.of("memory/docker/c1/memory.limit_in_bytes=67108864",
                "memory/docker/c1/memory.memsw.limit_in_bytes=134217728"), memoryWrites());
    }

    @Test
    void raisingTheLimitAboveCurrentMemswWritesMemswFirst() {
        file(dirs.get("memory"), "memory.limit_in_bytes", "67108864");
        file(dirs.get("memory"), "memory.memsw.limit_in_bytes", "134217728");
        m.update(res().memory(mem(268435456L, 536870912L)).build());
        assertEquals(List.of("memory/docker/c1/memory.memsw.limit_in_bytes=536870912",
                "memory/docker/c1/memory.limit_in_bytes=268435456"), memoryWrites());
    }

    @Test
    void loweringBothWritesTheLimitFirst() {
        file(dirs.get("memory"), "memory.limit_in_bytes", "268435456");
        file(dirs.get("memory"), "memory.memsw.limit_in_bytes", "536870912");
        m.update(res().memory(mem(33554432L, 67108864L)).build());
        assertEquals(List.of("memory/docker/c1/memory.limit_in_bytes=33554432",
                "memory/docker/c1/memory.memsw.limit_in_bytes=67108864"), memoryWrites());
    }

    @Test
    void unlimitedMemoryWithoutSwapAlsoUnlimitsMemswFirst() {
        file(dirs.get("memory"), "memory.memsw.limit_in_bytes", "134217728");
        m.update(res().memory(mem(-1L, null)).build());
        assertEquals(List.of("memory/docker/c1/memory.memsw.limit_in_bytes=-1",
                "memory/docker/c1/memory.limit_in_bytes=-1"), memoryWrites());
    }

    private List<String> memoryWrites() {
        List<String> out = new ArrayList<>();
        for (String w : fs.writes) {
            if (w.contains("limit_in_bytes")) {
                out.add(w);
            }
        }
        return out;
    }

    @Test
    void dockerUpdateWithZerosOnlyChangesTheMemoryLimit() {
        // {"memory":{"limit":33554432,"reservation":0,"kernel":0},"cpu":{"shares":0,"quota":0,"period":0},
        //  "blockIO":{"weight":0}}: there is no blkio.weight on this kernel, and zero must not need it
        Spec.Resources r = res()
                .memory(new Spec.Memory(33554432L, 0L, null, 0L, null, null, null, null, null))
                .cpu(cpu(0L, 0L, 0L)).blockIO(CgroupRes.weight(0)).build();
        m.update(r);
        assertEquals(List.of("memory/docker/c1/memory.limit_in_bytes=33554432"), fs.writes);
    }

    @Test
    void nonZeroBlkioWeightWithoutTheFileNamesTheField() {
        CgroupException e = assertThrows(CgroupException.class,
                () -> m.apply(res().blockIO(CgroupRes.weight(500)).build()));
        assertEquals("linux.resources.blockIO.weight: write " + dirs.get("blkio").resolve("blkio.weight")
                + ": no such file or directory", e.getMessage());
    }

    @Test
    void bfqWeightIsUsedWhenOnlyBfqExists() {
        file(dirs.get("blkio"), "blkio.bfq.weight", "100");
        m.apply(res().blockIO(CgroupRes.weight(500)).build());
        assertEquals("500", content(dirs.get("blkio"), "blkio.bfq.weight"));
    }

    @Test
    void throttleLinesUseMajorMinorRate() {
        m.apply(res().blockIO(new Spec.BlockIO(null, null, List.of(),
                List.of(new Spec.ThrottleDevice(8, 0, 1048576)), List.of(), List.of(),
                List.of(new Spec.ThrottleDevice(8, 16, 100)))).build());
        assertEquals("8:0 1048576", content(dirs.get("blkio"), "blkio.throttle.read_bps_device"));
        assertEquals("8:16 100", content(dirs.get("blkio"), "blkio.throttle.write_iops_device"));
    }

    @Test
    void pidsLimitAndMaxOnCreate() {
        m.apply(res().pids(2048).build());
        assertEquals("2048", content(dirs.get("pids"), "pids.max"));
        m.apply(res().pids(0).build());
        assertEquals("max", content(dirs.get("pids"), "pids.max"));
        m.apply(res().pids(100).build());
        m.update(res().pids(0).build()); // update: 0 leaves it alone
        assertEquals("100", content(dirs.get("pids"), "pids.max"));
    }

    @Test
    void pidsErrorNamesFieldAndFile() throws Exception {
        Files.delete(dirs.get("pids").resolve("pids.max"));
        CgroupException e = assertThrows(CgroupException.class, () -> m.apply(res().pids(10).build()));
        assertEquals("linux.resources.pids.limit: write " + dirs.get("pids").resolve("pids.max")
                + ": no such file or directory", e.getMessage());
    }

    @Test
    void cpuPeriodBeforeQuotaAndNegativeQuotaIsUnlimited() {
        m.apply(res().cpu(cpu(null, 50000L, 100000L)).build());
        assertEquals(List.of("100000"), fs.writesTo("cpu.cfs_period_us"));
        assertEquals(List.of("50000"), fs.writesTo("cpu.cfs_quota_us"));
        assertTrue(fs.writes.indexOf("cpu/docker/c1/cpu.cfs_period_us=100000")
                < fs.writes.indexOf("cpu/docker/c1/cpu.cfs_quota_us=50000"));
        m.apply(res().cpu(cpu(null, -5L, null)).build());
        assertEquals("-1", content(dirs.get("cpu"), "cpu.cfs_quota_us"));
    }

    @Test
    void sharesReadBackMismatchIsReported() {
        // the kernel clamps cpu.shares; simulate by rewriting the file after the write
        fs.hooks.put("cpu.shares", (f, v) -> file(f.getParent(), "cpu.shares", "262144"));
        CgroupException e = assertThrows(CgroupException.class,
                () -> m.apply(res().cpu(cpu(500000L, null, null)).build()));
        assertTrue(e.getMessage().startsWith("linux.resources.cpu.shares: 500000 is out of range: the maximum"),
                e.getMessage());
    }

    @Test
    void realtimePeriodIsWrittenBeforeRuntime() {
        m.apply(res().cpu(new Spec.Cpu(null, null, null, null, 95000L, 1000000L, null, null, null)).build());
        assertTrue(fs.writes.indexOf("cpu/docker/c1/cpu.rt_period_us=1000000")
                < fs.writes.indexOf("cpu/docker/c1/cpu.rt_runtime_us=95000"), fs.writes.toString());
    }

    /** Warnings.warn's messages while {@code r} runs. */
    static List<String> warnings(Runnable r) {
        List<String> got = new ArrayList<>();
        io.jrun.core.Warnings.sink(got::add);
        try {
            r.run();
        } finally {
            io.jrun.core.Warnings.sink(null);
        }
        return got;
    }

    @Test
    void kernelMemoryWithoutTheFileIsIgnoredWithAWarning() {
        // deprecated (runtime-spec, Linux 5.4); refusing it failed every config that still carried it
        List<String> w = warnings(() -> m.apply(res().memory(
                new Spec.Memory(null, null, null, 1048576L, null, null, null, null, null)).build()));
        assertEquals(List.of("linux.resources.memory.kernel: ignored: this kernel has no memory.kmem.limit_in_bytes"), w);
    }

    @Test
    void kernelMemoryTheKernelIgnoresIsIgnoredWithAWarning() {
        file(dirs.get("memory"), "memory.kmem.limit_in_bytes", "9223372036854771712");
        fs.hooks.put("memory.kmem.limit_in_bytes",
                (f, v) -> file(f.getParent(), "memory.kmem.limit_in_bytes", "9223372036854771712"));
        List<String> w = warnings(() -> m.apply(res().memory(
                new Spec.Memory(null, null, null, 1048576L, null, null, null, null, null)).build()));
        assertEquals(List.of("linux.resources.memory.kernel: ignored: this kernel does not apply it "
                + "(memory.kmem.limit_in_bytes stays 9223372036854771712)"), w);
    }

    @Test
    void kernelTcpMemoryTheKernelTakesIsWritten() {
        List<String> w = warnings(() -> m.apply(res().memory(
                new Spec.Memory(null, null, null, null, 16777216L, null, null, null, null)).build()));
        assertEquals(List.of(), w);
        assertEquals("16777216", content(dirs.get("memory"), "memory.kmem.tcp.limit_in_bytes"));
    }

    @Test
    void swappinessOomAndHierarchy() {
        m.apply(res().memory(new Spec.Memory(null, 1000L, null, null, null, 10L, true, true, null)).build());
        assertEquals("10", content(dirs.get("memory"), "memory.swappiness"));
        assertEquals("1", content(dirs.get("memory"), "memory.oom_control"));
        assertEquals("1000", content(dirs.get("memory"), "memory.soft_limit_in_bytes"));
        CgroupException e = assertThrows(CgroupException.class, () -> m.apply(res().memory(
                new Spec.Memory(null, null, null, null, null, 101L, null, null, null)).build()));
        assertTrue(e.getMessage().startsWith("linux.resources.memory.swappiness:"));
    }

    @Test
    void aLimitTheKernelCannotReclaimDownToSaysSoWithTheUsage() {
        file(dirs.get("memory"), "memory.usage_in_bytes", "700000");
        file(dirs.get("memory"), "memory.max_usage_in_bytes", "900000");
        CgroupFs busy = new CgroupTestTree.RecordingFs(root) {
            @Override
            public void write(Path file, String value) throws java.io.IOException {
                if (file.getFileName().toString().equals("memory.limit_in_bytes")) {
                    throw new java.nio.file.FileSystemException(file.toString(), null, "Device or resource busy");
                }
                super.write(file, value);
            }
        };
        CgroupException e = assertThrows(CgroupException.class,
                () -> new CgroupV1Manager(dirs, busy, List.of()).apply(res().memory(mem(4096L, null)).build()));
        assertEquals("linux.resources.memory.limit: unable to set memory limit to 4096 (current usage: 700000, "
                + "peak usage: 900000)", e.getMessage());
    }

    @Test
    void checkBeforeUpdateRefusesALimitBelowUsage() {
        file(dirs.get("memory"), "memory.usage_in_bytes", "50000000");
        CgroupException e = assertThrows(CgroupException.class, () -> m.update(res().memory(
                new Spec.Memory(10000000L, null, null, null, null, null, null, null, true)).build()));
        assertTrue(e.getMessage().startsWith("linux.resources.memory.limit: rejecting memory limit 10000000"));
        assertTrue(fs.writes.isEmpty());
    }

    @Test
    void devicesDenyAllThenRulesInOrderThenDefaults() {
        m.apply(res().devices(rule(false, null, null, null, "rwm"), rule(true, "c", 1L, 3L, "rwm"),
                rule(false, "c", 10L, 229L, "rwm")).build());
        List<String> expect = new ArrayList<>(List.of("devices.deny=a", "devices.deny=a",
                "devices.allow=c 1:3 rwm", "devices.deny=c 10:229 rwm"));
        for (Spec.DeviceRule d : DefaultDevices.RULES) {
            expect.add("devices.allow=" + DefaultDevices.v1Line(d));
        }
        List<String> got = new ArrayList<>();
        for (String w : fs.writes) {
            got.add(w.substring(w.lastIndexOf('/') + 1));
        }
        assertEquals(expect, got);
        assertTrue(got.contains("devices.allow=c 136:* rwm"));
        assertTrue(got.contains("devices.allow=c *:* m"));
    }

    @Test
    void podmanDenyAllOnlyGetsTheDefaults() {
        m.apply(res().devices(rule(false, null, null, null, "rwm")).build());
        List<String> allows = fs.writesTo("devices.allow");
        assertTrue(allows.contains("c 1:3 rwm") && allows.contains("c 1:9 rwm") && allows.contains("c 5:2 rwm")
                && allows.contains("c 10:200 rwm"), allows.toString());
    }

    @Test
    void updateDoesNotTouchDevices() {
        m.update(res().devices(rule(false, null, null, null, "rwm")).build());
        assertTrue(fs.writes.isEmpty());
    }

    @Test
    void badDeviceAccessNamesTheRule() {
        CgroupException e = assertThrows(CgroupException.class,
                () -> m.apply(res().devices(rule(true, "c", 1L, 3L, "rwx")).build()));
        assertTrue(e.getMessage().startsWith("linux.resources.devices[0].access:"), e.getMessage());
        assertTrue(fs.writes.isEmpty(), "nothing written before validation");
    }

    @Test
    void unmountedNetClsWithAValueIsAnErrorAndWithoutIsSkipped() {
        m.apply(res().network(new Spec.Network(null, List.of())).build());
        m.apply(res().network(new Spec.Network(0L, List.of())).build());
        CgroupException e = assertThrows(CgroupException.class,
                () -> m.apply(res().network(new Spec.Network(0x100001L, List.of())).build()));
        assertEquals("linux.resources.network.classID: the net_cls cgroup controller is not mounted on this host",
                e.getMessage());
    }

    @Test
    void unifiedMapIsRejectedOnV1() {
        CgroupException e = assertThrows(CgroupException.class,
                () -> m.apply(res().unified(Map.of("memory.high", "1000")).build()));
        assertTrue(e.getMessage().startsWith("linux.resources.unified:"));
    }

    @Test
    void hugetlbGoesToTheHybridUnifiedMount() {
        m.create();
        Path unified = dirs.get("unified");
        file(unified, "hugetlb.2MB.max", "max");
        m.apply(res().huge("2MB", 4194304).build());
        assertEquals("4194304", content(unified, "hugetlb.2MB.max"));
        assertEquals("+hugetlb", content(root.resolve("unified"), "cgroup.subtree_control"));
    }

    @Test
    void createPopulatesCpusetFromTheParents() {
        m.create();
        assertEquals("0-3", content(root.resolve("cpuset/docker"), "cpuset.cpus"));
        assertEquals("0", content(dirs.get("cpuset"), "cpuset.mems"));
        assertTrue(fs.writes.indexOf("cpuset/docker/cpuset.cpus=0-3")
                < fs.writes.indexOf("cpuset/docker/c1/cpuset.cpus=0-3"));
    }

    @Test
    void addProcessWritesEveryHierarchyOnce() {
        m.addProcess(4242);
        List<String> procs = fs.writesTo("cgroup.procs");
        assertEquals(10, procs.size()); // 9 v1 hierarchies + unified
        assertTrue(procs.stream().allMatch("4242"::equals));
    }

    @Test
    void freezeWaitsForFrozenAndThaws() {
        // the kernel passes through FREEZING; report FROZEN only on the second write
        int[] writes = {0};
        fs.hooks.put("freezer.state", (f, v) -> {
            if (v.equals("FROZEN")) {
                file(f.getParent(), "freezer.state", ++writes[0] >= 2 ? "FROZEN" : "FREEZING");
            }
        });
        m.freeze();
        assertTrue(m.isFrozen());
        assertTrue(writes[0] >= 2);
        m.thaw();
        assertFalse(m.isFrozen());
    }

    @Test
    void killAllFreezesSignalsEachPidAndThaws() {
        file(dirs.get("pids"), "cgroup.procs", "11\n12\n");
        file(dirs.get("pids").resolve("sub"), "cgroup.procs", "13\n");
        List<String> log = new ArrayList<>();
        fs.hooks.put("freezer.state", (f, v) -> log.add("freezer=" + v));
        m.killAll(15, (pid, sig) -> log.add(pid + ":" + sig));
        assertEquals(List.of("freezer=FROZEN", "11:15", "12:15", "13:15", "freezer=THAWED"), log);
    }

    @Test
    void pathsRoundTripThroughLoad() {
        Map<String, String> p = m.paths();
        assertEquals(dirs.get("memory").toString(), p.get("memory"));
        assertEquals(dirs.get("unified").toString(), p.get("unified"));
        CgroupManager back = Cgroups.load(p);
        assertEquals(1, back.version());
        assertEquals(p, back.paths());
    }

    @Test
    void destroyRemovesChildrenFirstAndToleratesMissing() {
        m.create();
        file(dirs.get("memory").resolve("nested"), "cgroup.procs", "");
        m.destroy();
        for (Path d : dirs.values()) {
            assertFalse(Files.exists(d), d.toString());
        }
        assertFalse(m.exists());
        m.destroy(); // already gone: fine
    }

    @Test
    void statsReadTheV1Files() {
        Path mem = dirs.get("memory");
        file(mem, "memory.max_usage_in_bytes", "2097152");
        file(mem, "memory.failcnt", "3");
        file(mem, "memory.stat", "cache 4096\nrss 8192\ntotal_cache 4096\n");
        file(dirs.get("pids"), "pids.current", "2");
        file(dirs.get("cpuacct"), "cpuacct.usage", "123456789");
        file(dirs.get("cpuacct"), "cpuacct.usage_percpu", "100 200 ");
        file(dirs.get("cpuacct"), "cpuacct.stat", "user 5\nsystem 7\n");
        file(dirs.get("blkio"), "blkio.throttle.io_service_bytes_recursive", "8:0 Read 4096\n8:0 Write 0\nTotal 4096\n");
        CgroupStats s = m.stats();
        assertEquals(123456789, s.cpu().total());
        assertEquals(List.of(100L, 200L), s.cpu().percpu());
        assertEquals(50_000_000L, s.cpu().user());
        assertEquals(1048576, s.memory().usage().usage());
        assertEquals(2097152, s.memory().usage().max());
        assertEquals(3, s.memory().usage().failcnt());
        assertEquals(2, s.pids().current());
        assertEquals(-1, s.pids().limit());
        assertEquals(2, s.ioServiceBytesRecursive().size());
        String json = s.toJson();
        assertTrue(json.contains("\"pids\":{\"current\":2,\"limit\":18446744073709551615}"), json);
        assertTrue(json.contains("\"ioServiceBytesRecursive\":[{\"major\":8,\"minor\":0,\"op\":\"Read\",\"value\":4096}"),
                json);
        assertTrue(json.contains("\"raw\":{\"cache\":4096,\"rss\":8192,\"total_cache\":4096}"), json);
    }
}
