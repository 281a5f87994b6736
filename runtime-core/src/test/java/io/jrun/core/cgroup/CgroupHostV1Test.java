package io.jrun.core.cgroup;

import static io.jrun.core.cgroup.CgroupRes.cpu;
import static io.jrun.core.cgroup.CgroupRes.mem;
import static io.jrun.core.cgroup.CgroupRes.res;
import static io.jrun.core.cgroup.CgroupRes.rule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jrun.core.spec.Spec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

/**
 * Real cgroup v1 writes on this (hybrid) host, under /jrun-test/&lt;random&gt; only; every cgroup and process
 * created is removed. Skipped unless root on a host with v1 memory/pids/cpu/freezer hierarchies.
 */
@EnabledIf("hostHasV1")
class CgroupHostV1Test {
    static boolean hostHasV1() {
        try {
            Cgroups.Host h = Cgroups.host();
            return !h.unified() && h.v1Mounts().keySet().containsAll(List.of("memory", "pids", "cpu", "freezer",
                    "devices")) && "root".equals(System.getProperty("user.name"));
        } catch (RuntimeException e) {
            return false;
        }
    }

    String name;
    CgroupV1Manager m;
    Process sleeper;

    @BeforeEach
    void setUp() {
        name = "t" + UUID.randomUUID().toString().substring(0, 8);
        m = (CgroupV1Manager) Cgroups.open("/jrun-test/" + name, name, false);
        m.create();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (sleeper != null) {
            sleeper.destroyForcibly();
            sleeper.waitFor(5, TimeUnit.SECONDS);
        }
        try {
            m.thaw();
        } catch (RuntimeException ignored) {
            // not frozen or gone
        }
        m.destroy();
        // the shared parent, when no other test run still uses it
        for (String dir : m.paths().values()) {
            try {
                Files.deleteIfExists(Path.of(dir).getParent());
            } catch (java.io.IOException ignored) {
                // busy with a concurrent run
            }
        }
        assertFalse(m.exists());
    }

    static String read(Path dir, String file) throws Exception {
        return Files.readString(dir.resolve(file)).trim();
    }

    @Test
    void limitsReachTheKernelFiles() throws Exception {
        m.apply(res().devices(rule(false, null, null, null, "rwm"))
                .memory(mem(67108864L, 134217728L)).pids(2048)
                .cpu(cpu(512L, 50000L, 100000L)).blockIO(CgroupRes.weight(0)).build());
        Path mem = m.dir("memory");
        assertEquals("67108864", read(mem, "memory.limit_in_bytes"));
        assertEquals("134217728", read(mem, "memory.memsw.limit_in_bytes"));
        assertEquals("2048", read(m.dir("pids"), "pids.max"));
        assertEquals("512", read(m.dir("cpu"), "cpu.shares"));
        assertEquals("50000", read(m.dir("cpu"), "cpu.cfs_quota_us"));
        assertEquals("100000", read(m.dir("cpu"), "cpu.cfs_period_us"));
        String devices = read(m.dir("devices"), "devices.list");
        assertTrue(devices.contains("c 1:3 rwm") && devices.contains("c 136:* rwm") && devices.contains("c *:* m"),
                devices);
        assertFalse(devices.contains("a *:* rwm"), devices);
        assertFalse(read(m.dir("cpuset"), "cpuset.cpus").isEmpty(), "cpuset populated from the parent");

        // raise above the current memsw (memsw must be written first), then docker's update with zeros
        m.update(res().memory(mem(268435456L, 536870912L)).build());
        assertEquals("268435456", read(mem, "memory.limit_in_bytes"));
        assertEquals("536870912", read(mem, "memory.memsw.limit_in_bytes"));
        m.update(res().memory(new Spec.Memory(33554432L, 0L, null, 0L, null, null, null, null, null))
                .cpu(cpu(0L, 0L, 0L)).blockIO(CgroupRes.weight(0)).build());
        assertEquals("33554432", read(mem, "memory.limit_in_bytes"));
        assertEquals("512", read(m.dir("cpu"), "cpu.shares"));

        CgroupException e = assertThrows(CgroupException.class,
                () -> m.update(res().memory(mem(536870912L * 4, 536870912L)).build()));
        assertTrue(e.getMessage().startsWith("linux.resources.memory.swap: write ") || e.getMessage().startsWith(
                "linux.resources.memory.limit: write "), e.getMessage());
        assertTrue(e.getMessage().endsWith(": invalid argument"), e.getMessage());
        // this kernel keeps memory.kmem.limit_in_bytes as a no-op: ignored with a warning (deprecated field)
        List<String> k = CgroupV1ManagerTest.warnings(() -> m.update(res().memory(
                new Spec.Memory(null, null, null, 1L << 24, null, null, null, null, null)).build()));
        assertEquals(1, k.size(), k::toString);
        assertTrue(k.getFirst().startsWith("linux.resources.memory.kernel: ignored: this kernel"), k::toString);
        CgroupException p = assertThrows(CgroupException.class, () -> m.apply(res().pids(1L << 40).build()));
        assertTrue(p.getMessage().startsWith("linux.resources.pids.limit: write " + m.dir("pids") + "/pids.max: "),
                p.getMessage());
    }

    @Test
    void processFreezeKillDestroy() throws Exception {
        sleeper = new ProcessBuilder("sleep", "1000").start();
        int pid = (int) sleeper.pid();
        m.addProcess(pid);
        assertEquals(List.of(pid), m.pids());
        assertTrue(read(m.dir("memory"), "cgroup.procs").contains(Integer.toString(pid)));
        assertTrue(read(m.dir("unified"), "cgroup.procs").contains(Integer.toString(pid)));
        assertTrue(Files.readString(Path.of("/proc/" + pid + "/cgroup")).contains("memory:/jrun-test/" + name));

        m.freeze();
        assertTrue(m.isFrozen());
        assertEquals("FROZEN", read(m.dir("freezer"), "freezer.state"));
        m.thaw();
        assertFalse(m.isFrozen());

        m.killAll(9, (p, sig) -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));
        assertTrue(sleeper.waitFor(5, TimeUnit.SECONDS));
        assertEquals(137, sleeper.exitValue());
        assertFalse(m.isFrozen(), "thawed after killAll");
        assertTrue(CgroupManagerBase.waitUntil(() -> m.pids().isEmpty(), 2000));
        CgroupStats s = m.stats();
        assertTrue(s.cpu().total() > 0);
        m.destroy();
        assertFalse(m.exists());
        for (String d : m.paths().values()) {
            assertFalse(Files.exists(Path.of(d)), d);
        }
    }

    @Test
    void destroyWaitsForExitingProcesses() throws Exception {
        sleeper = new ProcessBuilder("sleep", "1000").start();
        m.addProcess((int) sleeper.pid());
        sleeper.destroyForcibly(); // still a member for a moment while it exits and is reaped
        CgroupManager loaded = Cgroups.load(m.paths());
        loaded.destroy();
        assertFalse(loaded.exists());
    }
}
