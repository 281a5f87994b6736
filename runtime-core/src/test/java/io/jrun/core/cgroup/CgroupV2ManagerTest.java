package io.jrun.core.cgroup;

import static io.jrun.core.cgroup.CgroupRes.cpu;
import static io.jrun.core.cgroup.CgroupRes.mem;
import static io.jrun.core.cgroup.CgroupRes.res;
import static io.jrun.core.cgroup.CgroupRes.rule;
import static io.jrun.core.cgroup.CgroupTestTree.content;
import static io.jrun.core.cgroup.CgroupTestTree.file;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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

class CgroupV2ManagerTest {
    @TempDir
    Path root;
    CgroupTestTree.RecordingFs fs;
    Path leaf;
    byte[][] installed;
    CgroupV2Manager m;

    @BeforeEach
    void setUp() {
        leaf = CgroupTestTree.v2Layout(root, "/jrun-test/a/c1", false);
        fs = new CgroupTestTree.RecordingFs(root);
        installed = new byte[1][];
        m = new CgroupV2Manager(root, leaf, fs, (dir, prog) -> installed[0] = prog, List.of());
    }

    @Test
    void conversions() {
        assertEquals(39, CgroupConversions.cpuSharesToWeight(1024));
        assertEquals(1, CgroupConversions.cpuSharesToWeight(2));
        assertEquals(10000, CgroupConversions.cpuSharesToWeight(262144));
        assertEquals(0, CgroupConversions.cpuSharesToWeight(0));
        assertEquals(1, CgroupConversions.blkioWeightToIoWeight(10));
        assertEquals(10000, CgroupConversions.blkioWeightToIoWeight(1000));
        assertEquals(67108864, CgroupConversions.memorySwapToV2(134217728, 67108864));
        assertEquals(-1, CgroupConversions.memorySwapToV2(0, -1));
        assertEquals(-1, CgroupConversions.memorySwapToV2(-1, 67108864));
        assertThrows(IllegalArgumentException.class, () -> CgroupConversions.memorySwapToV2(1000, 2000));
        assertThrows(IllegalArgumentException.class, () -> CgroupConversions.memorySwapToV2(1000, 0));
    }

    @Test
    void createEnablesControllersInEveryAncestor() {
        m.create();
        assertEquals("+cpuset +cpu +io +memory +hugetlb +pids +rdma +misc", content(root, "cgroup.subtree_control"));
        assertEquals("+cpuset +cpu +io +memory +hugetlb +pids +rdma +misc",
                content(root.resolve("jrun-test/a"), "cgroup.subtree_control"));
        assertEquals("", content(leaf, "cgroup.subtree_control"), "the leaf keeps processes: nothing enabled");
    }

    @Test
    void createFallsBackToOneControllerAtATime() {
        CgroupFs refusing = new CgroupTestTree.RecordingFs(root) {
            @Override
            public void write(Path file, String value) throws java.io.IOException {
                if (file.getFileName().toString().equals("cgroup.subtree_control") && value.contains("cpuset")) {
                    throw new java.io.IOException("Device or resource busy");
                }
                super.write(file, value);
            }
        };
        new CgroupV2Manager(root, leaf, refusing, (d, p) -> { }, List.of()).create();
        assertEquals("+misc", content(root, "cgroup.subtree_control")); // last single write wins in a plain file
    }

    @Test
    void cpuMemoryPids() {
        m.apply(res().cpu(cpu(1024L, 50000L, 100000L)).memory(mem(67108864L, 134217728L)).pids(2048).build());
        assertEquals("39", content(leaf, "cpu.weight"));
        assertEquals("50000 100000", content(leaf, "cpu.max"));
        assertEquals("67108864", content(leaf, "memory.max"));
        assertEquals("67108864", content(leaf, "memory.swap.max"));
        assertEquals("2048", content(leaf, "pids.max"));
    }

    @Test
    void nonPositiveQuotaWithPeriodIsMax() {
        m.apply(res().cpu(cpu(null, -1L, 250000L)).build());
        assertEquals("max 250000", content(leaf, "cpu.max"));
        m.apply(res().cpu(cpu(null, null, 100000L)).build());
        assertEquals("max 100000", content(leaf, "cpu.max"));
    }

    @Test
    void updateWithOnlyAPeriodKeepsTheQuota() {
        file(leaf, "cpu.max", "20000 100000");
        m.update(res().cpu(cpu(null, 0L, 50000L)).build());
        assertEquals("20000 50000", content(leaf, "cpu.max"));
    }

    @Test
    void burstIdleCpuset() {
        m.apply(res().cpu(new Spec.Cpu(null, 50000L, 1000L, 100000L, null, null, "0-1", "0", true)).build());
        assertEquals("1000", content(leaf, "cpu.max.burst"));
        assertTrue(fs.writes.indexOf("jrun-test/a/c1/cpu.max=50000 100000")
                < fs.writes.indexOf("jrun-test/a/c1/cpu.max.burst=1000"));
        assertEquals("1", content(leaf, "cpu.idle"));
        assertEquals("0-1", content(leaf, "cpuset.cpus"));
        assertEquals("0", content(leaf, "cpuset.mems"));
    }

    @Test
    void realtimeIsRejected() {
        CgroupException e = assertThrows(CgroupException.class, () -> m.apply(res().cpu(
                new Spec.Cpu(null, null, null, null, 950000L, null, null, null, null)).build()));
        assertTrue(e.getMessage().startsWith("linux.resources.cpu.realtimeRuntime: "), e.getMessage());
    }

    @Test
    void v1OnlyMemoryFieldsAreRejectedByName() {
        // kernel and kernelTCP: deprecated and without a v2 knob, ignored with a warning (runc, crun)
        assertEquals(List.of("linux.resources.memory.kernel: ignored: cgroup v2 has no kernel memory limit",
                        "linux.resources.memory.kernelTCP: ignored: cgroup v2 has no kernel TCP memory limit"),
                CgroupV1ManagerTest.warnings(() -> m.apply(res().memory(
                        new Spec.Memory(null, null, null, 1L << 20, 1L << 20, null, null, null, null)).build())));
        assertTrue(assertThrows(CgroupException.class, () -> m.apply(res().memory(
                new Spec.Memory(null, null, null, null, null, 30L, null, null, null)).build())).getMessage()
                .startsWith("linux.resources.memory.swappiness:"));
        assertTrue(assertThrows(CgroupException.class, () -> m.apply(res().memory(
                new Spec.Memory(null, null, null, null, null, null, true, null, null)).build())).getMessage()
                .startsWith("linux.resources.memory.disableOOMKiller:"));
        // the defaults are fine
        m.apply(res().memory(new Spec.Memory(null, null, null, 0L, 0L, -1L, false, true, null)).build());
    }

    @Test
    void swapEqualToLimitDisablesSwapAndSwapWithoutLimitFails() {
        m.apply(res().memory(mem(1L << 26, 1L << 26)).build());
        assertEquals("0", content(leaf, "memory.swap.max"));
        CgroupException e = assertThrows(CgroupException.class, () -> m.apply(res().memory(mem(null, 1L << 26)).build()));
        assertEquals("linux.resources.memory.swap: unable to set swap limit without memory limit", e.getMessage());
    }

    @Test
    void missingSwapFileIsFineForMaxOnly() throws Exception {
        Files.delete(leaf.resolve("memory.swap.max"));
        m.apply(res().memory(mem(-1L, null)).build());
        assertEquals("max", content(leaf, "memory.max"));
        CgroupException e = assertThrows(CgroupException.class,
                () -> m.apply(res().memory(mem(1L << 26, 1L << 27)).build()));
        assertTrue(e.getMessage().startsWith("linux.resources.memory.swap: write "), e.getMessage());
    }

    @Test
    void reservationIsMemoryLow() {
        m.apply(res().memory(new Spec.Memory(null, 1L << 20, null, null, null, null, null, null, null)).build());
        assertEquals("1048576", content(leaf, "memory.low"));
    }

    @Test
    void checkBeforeUpdateUsesMemoryCurrent() {
        file(leaf, "memory.current", "50000000");
        CgroupException e = assertThrows(CgroupException.class, () -> m.update(res().memory(
                new Spec.Memory(1000000L, null, null, null, null, null, null, null, true)).build()));
        assertTrue(e.getMessage().contains("below current usage 50000000"));
    }

    @Test
    void ioWeightConvertedOrBfq() throws Exception {
        m.apply(res().blockIO(CgroupRes.weight(500)).build());
        assertEquals(Long.toString(CgroupConversions.blkioWeightToIoWeight(500)), content(leaf, "io.weight"));
        file(leaf, "io.bfq.weight", "");
        m.apply(res().blockIO(new Spec.BlockIO(500, null, List.of(new Spec.WeightDevice(8, 0, 300, null)),
                List.of(new Spec.ThrottleDevice(8, 0, 1048576)), List.of(), List.of(), List.of())).build());
        assertEquals(List.of("500", "8:0 300"), fs.writesTo("io.bfq.weight"));
        assertEquals("8:0 rbps=1048576", content(leaf, "io.max"));
        m.apply(res().blockIO(CgroupRes.weight(0)).build()); // zero: nothing, no error
    }

    @Test
    void hugetlbRdmaUnified() {
        m.apply(res().huge("2MB", 4194304).rdma(Map.of("mlx5_0", new Spec.Rdma(10L, null)))
                .unified(Map.of("memory.high", "50000000")).build());
        assertEquals("4194304", content(leaf, "hugetlb.2MB.max"));
        assertEquals("4194304", content(leaf, "hugetlb.2MB.rsvd.max"));
        assertEquals("mlx5_0 hca_handle=10 hca_object=max", content(leaf, "rdma.max"));
        assertEquals("50000000", content(leaf, "memory.high"));
    }

    @Test
    void unifiedKeysThatLeaveTheDirectoryAreRejected() {
        for (String k : new String[] {"../cgroup.procs", "a/b", "..", ""}) {
            CgroupException e = assertThrows(CgroupException.class,
                    () -> m.apply(res().unified(Map.of(k, "1")).build()));
            assertTrue(e.getMessage().startsWith("linux.resources.unified[\"" + k + "\"]: invalid key"));
        }
        CgroupException e = assertThrows(CgroupException.class,
                () -> m.apply(res().unified(Map.of("memory.nosuch", "1")).build()));
        assertEquals("linux.resources.unified[\"memory.nosuch\"]: write " + leaf.resolve("memory.nosuch")
                + ": no such file or directory", e.getMessage());
    }

    @Test
    void netClsIsAnErrorOnV2() {
        CgroupException e = assertThrows(CgroupException.class,
                () -> m.apply(res().network(new Spec.Network(7L, List.of())).build()));
        assertTrue(e.getMessage().startsWith("linux.resources.network.classID:"));
    }

    @Test
    void devicesCompileAndInstallOnApplyNotOnUpdate() {
        m.apply(res().devices(rule(false, null, null, null, "rwm")).build());
        assertNotNull(installed[0]);
        assertArrayEquals(DeviceFilterCompiler.compile(DefaultDevices.withDefaults(
                List.of(rule(false, null, null, null, "rwm")), List.of())), installed[0]);
        installed[0] = null;
        m.update(res().devices(rule(false, null, null, null, "rwm")).build());
        assertNull(installed[0]);
    }

    @Test
    void freezeWaitsForCgroupEvents() {
        // the kernel reports the transition in cgroup.events a little later
        fs.hooks.put("cgroup.freeze", (f, v) -> new Thread(() -> {
            CgroupBase.sleepQuietly(30);
            file(f.getParent(), "cgroup.events", "populated 1\nfrozen " + v + "\n");
        }).start());
        m.freeze();
        assertEquals("populated 1\nfrozen 1", content(leaf, "cgroup.events"));
        assertTrue(m.isFrozen());
        m.thaw();
        assertEquals("populated 1\nfrozen 0", content(leaf, "cgroup.events"));
        assertFalse(m.isFrozen());
    }

    @Test
    void sigkillUsesCgroupKillOtherSignalsFreezeAndSignal() {
        List<String> log = new ArrayList<>();
        m.killAll(9, (pid, sig) -> log.add(pid + ":" + sig));
        assertEquals(List.of("1"), fs.writesTo("cgroup.kill"));
        assertTrue(log.isEmpty());
        file(leaf, "cgroup.procs", "21\n");
        fs.hooks.put("cgroup.freeze", (f, v) -> file(f.getParent(), "cgroup.events", "frozen " + v + "\n"));
        m.killAll(15, (pid, sig) -> log.add(pid + ":" + sig));
        assertEquals(List.of("21:15"), log);
        assertEquals(List.of("1", "0"), fs.writesTo("cgroup.freeze"));
    }

    @Test
    void statsFromV2Files() {
        file(leaf, "cpu.stat", "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\nnr_periods 4\nnr_throttled 1\n"
                + "throttled_usec 7\n");
        file(leaf, "memory.max", "max");
        file(leaf, "memory.stat", "anon 4096\nfile 8192\n");
        file(leaf, "memory.events", "low 0\nhigh 0\nmax 5\noom 0\noom_kill 0\n");
        file(leaf, "io.stat", "8:0 rbytes=4096 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n");
        file(leaf, "pids.current", "3");
        file(leaf, "hugetlb.2MB.current", "0");
        CgroupStats s = m.stats();
        assertEquals(1_500_000, s.cpu().total());
        assertEquals(7000, s.cpu().throttledTime());
        assertEquals(-1, s.memory().usage().limit());
        assertEquals(4096, s.memory().usage().usage());
        assertEquals(5, s.memory().usage().failcnt());
        assertEquals(8192, s.memory().cache());
        assertEquals(3, s.pids().current());
        assertEquals(List.of(new CgroupStats.BlkioEntry(8, 0, "Read", 4096), new CgroupStats.BlkioEntry(8, 0, "Write", 0)),
                s.ioServiceBytesRecursive());
        assertTrue(s.hugetlb().containsKey("2MB"));
        assertTrue(s.toJson().startsWith("{\"cpu\":{\"usage\":{\"total\":1500000,"), s.toJson());
    }

    @Test
    void pathsAndLoad() {
        assertEquals(Map.of("unified", leaf.toString()), m.paths());
        CgroupManager back = Cgroups.load(m.paths());
        assertEquals(2, back.version());
        assertEquals(m.paths(), back.paths());
    }

    @Test
    void destroyRemovesNestedCgroups() {
        file(leaf.resolve("inner"), "cgroup.procs", "");
        m.destroy();
        assertFalse(Files.exists(leaf));
        m.destroy();
    }
}
