package io.jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Launch engine: namespaces created new, joined by path, time offsets, user namespaces, and their errors. */
class NamespacesIT extends ItBase {
    private static final String ALL_NEW = "[{\"type\": \"pid\"}, {\"type\": \"mount\"}, {\"type\": \"uts\"}, "
            + "{\"type\": \"ipc\"}, {\"type\": \"network\"}, {\"type\": \"user\"}, {\"type\": \"cgroup\"}, {\"type\": \"time\"}]";
    private static final String MAPPINGS = "[{\"containerID\": 0, \"hostID\": 100000, \"size\": 65536}]";

    /** Root in a user namespace is an unmapped host uid: the bundle must be reachable by "others". */
    private void openWorkDir() throws Exception {
        Files.setPosixFilePermissions(work, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Path nsBundle(String name, List<String> args, String namespaces, Map<String, String> linuxExtra)
            throws Exception {
        return LaunchSupport.bundleWithNamespaces(work, cgroupParent, name, args, namespaces, Map.of(), linuxExtra, null);
    }

    private Jrun.Result fails(Path bundle, String id) {
        Jrun.Result r = jrun.run("create", "--bundle", bundle.toString(), id);
        assertNotEquals(0, r.code(), r::toString);
        assertFalse(Files.exists(jrun.root.resolve(id)), "no state left behind");
        return r;
    }

    @Test
    void everyNamespaceTypeIsCreatedNew() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/self/ns/time")), "kernel without time namespaces");
        openWorkDir();
        Path b = nsBundle("allns", List.of("sleep", "1000"), ALL_NEW,
                Map.of("uidMappings", MAPPINGS, "gidMappings", MAPPINGS));
        ok("create", "--bundle", b.toString(), "allns");
        ok("start", "allns");
        String pid = Integer.toString(statePid("allns"));
        for (String ns : List.of("pid", "mnt", "uts", "ipc", "net", "user", "cgroup", "time")) {
            assertNotEquals(LaunchSupport.nsLink("self", ns), LaunchSupport.nsLink(pid, ns), ns + " namespace is new");
        }
        assertEquals("0 100000 65536", Files.readString(Path.of("/proc", pid, "uid_map")).trim().replaceAll("\\s+", " "));
        assertEquals("0 100000 65536", Files.readString(Path.of("/proc", pid, "gid_map")).trim().replaceAll("\\s+", " "));
        // A privileged parent wrote the maps: setgroups stays allowed (only an unprivileged one must deny it),
        // so additionalGids keep working in the user namespace.
        assertEquals("allow", Files.readString(Path.of("/proc", pid, "setgroups")).trim());
    }

    @Test
    void userNamespaceMapsIdsAndKeepsSupplementaryGroups() throws Exception {
        openWorkDir();
        Path b = LaunchSupport.bundleWithNamespaces(work, cgroupParent, "userns",
                List.of("sh", "-c", "id -u; id -G; cat /proc/self/uid_map | tr -s ' '; cat /proc/self/setgroups"),
                "[{\"type\": \"pid\"}, {\"type\": \"mount\"}, {\"type\": \"user\"}, {\"type\": \"uts\"}, {\"type\": \"ipc\"}, {\"type\": \"network\"}]",
                Map.of("user", "{\"uid\": 1000, \"gid\": 1000, \"additionalGids\": [5]}"),
                Map.of("uidMappings", MAPPINGS, "gidMappings", MAPPINGS), null);
        Jrun.Result r = jrun.run("run", "--bundle", b.toString(), "userns");
        assertEquals(0, r.code(), r::toString);
        assertEquals(List.of("1000", "1000 5", " 0 100000 65536", "allow"), r.out().strip().lines().toList());
    }

    @Test
    void secondContainerJoinsTheFirstsNetworkAndIpcNamespaces() throws Exception {
        Path a = bundle("nsa", List.of("sleep", "1000"));
        ok("run", "--detach", "--bundle", a.toString(), "nsa");
        String pidA = Integer.toString(statePid("nsa"));
        Path b = nsBundle("nsb", List.of("sleep", "1000"),
                "[{\"type\": \"pid\"}, {\"type\": \"network\", \"path\": \"/proc/" + pidA + "/ns/net\"}, "
                        + "{\"type\": \"ipc\", \"path\": \"/proc/" + pidA + "/ns/ipc\"}, {\"type\": \"uts\"}, {\"type\": \"mount\"}]",
                Map.of());
        ok("run", "--detach", "--bundle", b.toString(), "nsb");
        String pidB = Integer.toString(statePid("nsb"));
        assertEquals(LaunchSupport.nsLink(pidA, "net"), LaunchSupport.nsLink(pidB, "net"));
        assertEquals(LaunchSupport.nsLink(pidA, "ipc"), LaunchSupport.nsLink(pidB, "ipc"));
        assertNotEquals(LaunchSupport.nsLink(pidA, "pid"), LaunchSupport.nsLink(pidB, "pid"));
        assertNotEquals(LaunchSupport.nsLink(pidA, "mnt"), LaunchSupport.nsLink(pidB, "mnt"));
        assertNotEquals(LaunchSupport.nsLink("self", "net"), LaunchSupport.nsLink(pidB, "net"));
    }

    @Test
    void timeNamespaceOffsetsShiftMonotonicAndBoottime() throws Exception {
        assumeTrue(Files.exists(Path.of("/proc/self/ns/time")), "kernel without time namespaces");
        long days = 400;
        Path b = nsBundle("timens", List.of("sh", "-c", "cat /proc/self/timens_offsets; cut -d. -f1 /proc/uptime"),
                "[{\"type\": \"pid\"}, {\"type\": \"mount\"}, {\"type\": \"uts\"}, {\"type\": \"time\"}]",
                Map.of("timeOffsets", "{\"monotonic\": {\"secs\": " + days * 86400 + ", \"nanosecs\": 0}, "
                        + "\"boottime\": {\"secs\": " + days * 86400 + ", \"nanosecs\": 5}}"));
        Jrun.Result r = jrun.run("run", "--bundle", b.toString(), "timens");
        assertEquals(0, r.code(), r::toString);
        List<String> lines = r.out().strip().lines().map(l -> l.trim().replaceAll("\\s+", " ")).toList();
        assertTrue(lines.contains("monotonic " + days * 86400 + " 0"), r.out());
        assertTrue(lines.contains("boottime " + days * 86400 + " 5"), r.out());
        long hostUptime = Long.parseLong(Files.readString(Path.of("/proc/uptime")).split("\\.")[0]);
        long containerUptime = Long.parseLong(lines.getLast());
        assertTrue(containerUptime >= hostUptime + days * 86400 - 5, "uptime " + containerUptime + " vs host " + hostUptime);
    }

    @Test
    void mappingsWithoutUserNamespaceAreRejected() throws Exception {
        Path b = nsBundle("nouser", List.of("true"), LaunchSupport.DEFAULT_NAMESPACES,
                Map.of("uidMappings", MAPPINGS, "gidMappings", MAPPINGS));
        assertTrue(fails(b, "nouser").err().contains("linux.uidMappings: requires a user namespace"));
    }

    @Test
    void duplicateNamespaceTypeIsRejected() throws Exception {
        Path b = nsBundle("dupns", List.of("true"), "[{\"type\": \"pid\"}, {\"type\": \"mount\"}, {\"type\": \"pid\"}]", Map.of());
        assertTrue(fails(b, "dupns").err().contains("linux.namespaces[2].type: duplicate namespace \"pid\""));
    }

    @Test
    void timeOffsetsWithoutTimeNamespaceAreRejected() throws Exception {
        Path b = nsBundle("notime", List.of("true"), LaunchSupport.DEFAULT_NAMESPACES,
                Map.of("timeOffsets", "{\"monotonic\": {\"secs\": 10, \"nanosecs\": 0}}"));
        assertTrue(fails(b, "notime").err().contains("linux.timeOffsets: requires a time namespace"));
    }

    @Test
    void missingNamespacePathIsNamed() throws Exception {
        Path b = nsBundle("nopath", List.of("true"),
                "[{\"type\": \"pid\"}, {\"type\": \"mount\"}, {\"type\": \"uts\"}, {\"type\": \"network\", \"path\": \"/proc/999999999/ns/net\"}]",
                Map.of());
        Jrun.Result r = fails(b, "nopath");
        assertTrue(r.err().contains("linux.namespaces[3].path") && r.err().contains("/proc/999999999/ns/net"), r::toString);
    }

    @Test
    void sysctlOutsideAContainerNamespaceIsRejected() throws Exception {
        Path b = bundle("panic", List.of("true"), Map.of(), Map.of("sysctl", "{\"kernel.panic\": \"5\"}"), null);
        assertTrue(fails(b, "panic").err().contains("sysctl \"kernel.panic\" is not in a separate kernel namespace"));
    }

    @Test
    void netSysctlNeedsANetworkNamespace() throws Exception {
        Path b = nsBundle("hostnet", List.of("true"), "[{\"type\": \"pid\"}, {\"type\": \"mount\"}, {\"type\": \"uts\"}]",
                Map.of("sysctl", "{\"net.ipv4.ip_forward\": \"1\"}"));
        Jrun.Result r = fails(b, "hostnet");
        assertTrue(r.err().contains("sysctl \"net.ipv4.ip_forward\" is not allowed in the hosts network namespace"), r::toString);
    }

    @Test
    void ipcSysctlInOwnIpcNamespaceIsApplied() throws Exception {
        Path b = bundle("ipcsys", List.of("cat", "/proc/sys/kernel/msgmax"), Map.of(),
                Map.of("sysctl", "{\"kernel.msgmax\": \"4242\"}"), null);
        Jrun.Result r = jrun.run("run", "--bundle", b.toString(), "ipcsys");
        assertEquals(0, r.code(), r::toString);
        assertEquals("4242", r.out().strip());
    }
}
