package io.jrun.core.cgroup;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jrun.core.spec.Spec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The systemd driver's naming (runc's) and its linux.resources → unit property mapping (runc's). */
class SystemdCgroupManagerTest {
    private static final String V2 = "25 1 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw,nsdelegate\n";

    private static Cgroups.Host host(boolean systemd) {
        return Cgroups.parseHost(V2, "0::/system.slice/containerd.service\n", systemd);
    }

    @Test
    void unitAndDirectoryFollowRunc() {
        Map<String, String> p = Cgroups.open(host(true), "system.slice:docker:abc", "abc", true).paths();
        assertEquals("/sys/fs/cgroup/system.slice/docker-abc.scope", p.get("unified"));
        assertEquals("docker-abc.scope", p.get(SystemdCgroupManager.UNIT_KEY));
        Map<String, String> k8s = Cgroups.open(host(true),
                "kubepods-burstable-pod12.slice:cri-containerd:f00", "f00", true).paths();
        assertEquals("/sys/fs/cgroup/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod12.slice/"
                + "cri-containerd-f00.scope", k8s.get("unified"));
        Map<String, String> dflt = Cgroups.open(host(true), "", "c7", true).paths();
        assertEquals("/sys/fs/cgroup/system.slice/jrun-c7.scope", dflt.get("unified"));
        Map<String, String> noSlice = Cgroups.open(host(true), ":podman:c8", "c8", true).paths();
        assertEquals("/sys/fs/cgroup/system.slice/podman-c8.scope", noSlice.get("unified"));
        assertEquals("", SystemdCgroupManager.expandSlice("-.slice"));
    }

    @Test
    void loadKeepsTheUnit() {
        CgroupManager m = Cgroups.load(Cgroups.open(host(true), "system.slice:docker:abc", "abc", true).paths());
        assertEquals("docker-abc.scope", ((SystemdCgroupManager) m).unit());
        assertEquals(2, m.version());
    }

    @Test
    void refusals() {
        assertEquals("--systemd-cgroup: systemd is not running (no /run/systemd/system)", assertThrows(
                CgroupException.class, () -> Cgroups.open(host(false), "", "c1", true)).getMessage());
        assertThrows(CgroupException.class, () -> Cgroups.open(host(true), "a:b", "c1", true));
        assertThrows(CgroupException.class, () -> Cgroups.open(host(true), "bad--x.slice:p:n", "c1", true));
        assertThrows(CgroupException.class, () -> Cgroups.open(host(true), "system:p:n", "c1", true));
    }

    private static Map<String, Object> props(List<SystemdProperties.Prop> l) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (SystemdProperties.Prop p : l) m.put(p.name(), p.value());
        return m;
    }

    @Test
    void resourcesMapAsRuncMapsThem() {
        Spec.Resources r = new Spec.Resources(List.of(),
                new Spec.Memory(67108864L, 33554432L, 100663296L, null, null, null, null, null, null),
                new Spec.Cpu(1024L, 25000L, null, 100000L, null, null, "0-2,9", null, null),
                new Spec.Pids(-1), null, List.of(), null, Map.of(), Map.of("memory.high", "max", "pids.max", "7"));
        Map<String, Object> p = props(SystemdProperties.resources(r, true, null, 252, null));
        assertEquals(67108864L, p.get("MemoryMax"));
        assertEquals(33554432L, p.get("MemoryLow"));
        assertEquals(33554432L, p.get("MemorySwapMax"));
        assertEquals(39L, p.get("CPUWeight"));
        assertEquals(100000L, p.get("CPUQuotaPeriodUSec"));
        assertEquals(250000L, p.get("CPUQuotaPerSecUSec"));
        assertArrayEquals(new byte[] {7, 2}, (byte[]) p.get("AllowedCPUs"));
        assertEquals(7L, p.get("TasksMax")); // unified last, as in the files
        assertEquals(-1L, p.get("MemoryHigh"));
        assertEquals(null, p.get("DevicePolicy")); // update never rewrites devices
    }

    @Test
    void cpuQuotaRoundsUpToTenMilliseconds() {
        List<SystemdProperties.Prop> out = new ArrayList<>();
        SystemdProperties.cpuQuota(out, 33333, 100000, 241);
        assertEquals(List.of(SystemdProperties.u64("CPUQuotaPerSecUSec", 340000)), out);
    }

    @Test
    void deviceRulesBecomeDeviceAllow() {
        String procDevices = "Character devices:\n  1 mem\n136 pts\n\nBlock devices:\n  8 sd\n";
        List<Spec.DeviceRule> rules = DefaultDevices.withDefaults(List.of(
                new Spec.DeviceRule(false, null, null, null, "rwm"),
                new Spec.DeviceRule(true, "c", 1L, 3L, "rwm"),
                new Spec.DeviceRule(false, "c", 1L, 3L, "w")),
                List.of(new Spec.Device("c", "/dev/null", 1L, 3L, 0666, 0L, 0L)));
        Map<String, Object> p = props(SystemdProperties.devices(rules, procDevices));
        assertEquals("strict", p.get("DevicePolicy"));
        List<?> allow = (List<?>) p.get("DeviceAllow");
        assertEquals(List.of("/dev/char/1:3", "rm"), allow.get(0));
        assertEquals(List.of("char-*", "m"), allow.get(1));
        assertEquals(List.of("block-*", "m"), allow.get(2));
        assertEquals(true, allow.contains(List.of("char-pts", "rwm")), allow.toString());
        Map<String, Object> all = props(SystemdProperties.devices(List.of(
                new Spec.DeviceRule(true, "a", null, null, "rwm")), procDevices));
        assertEquals("auto", all.get("DevicePolicy"));
    }
}
