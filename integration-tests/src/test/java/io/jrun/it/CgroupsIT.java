package io.jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The cgroup commands on this host's v1 (hybrid) hierarchies: limits land in the kernel's files, pause/resume,
 * update, ps, events, kill --all, delete --force, device defaults, and a create that fails on a value the
 * kernel refuses. The v2 counterpart runs in a VM: {@link CgroupV2VmIT}.
 */
class CgroupsIT extends ItBase {
    private static final Path CG = Path.of("/sys/fs/cgroup");

    @BeforeEach
    void needV1() {
        assumeTrue(Files.isDirectory(CG.resolve("memory")) && Files.isDirectory(CG.resolve("freezer")),
                "needs the v1 memory and freezer hierarchies at /sys/fs/cgroup/<controller>");
    }

    /** The container's directory in hierarchy {@code h} (a directory name under /sys/fs/cgroup). */
    private Path cg(String h, String name) {
        return Path.of(CG + "/" + h + cgroupParent + "/" + name);
    }

    private String read(String h, String name, String file) throws IOException {
        return Files.readString(cg(h, name).resolve(file)).trim();
    }

    /** A running container whose process is {@code args}, with the given linux.resources JSON (or null). */
    private int running(String name, List<String> args, String resources) throws IOException {
        Path b = bundle(name, args, Map.of(), resources == null ? Map.of() : Map.of("resources", resources), null);
        ok("create", "--bundle", b.toString(), name);
        ok("start", name);
        return statePid(name);
    }

    private static final List<String> SLEEP = List.of("sleep", "300");

    /** Every hierarchy mounted under /sys/fs/cgroup (a directory with a cgroup.procs). */
    private static List<String> hierarchies() throws IOException {
        try (Stream<Path> s = Files.list(CG)) {
            return s.filter(p -> Files.exists(p.resolve("cgroup.procs"))).map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void limitsAreWrittenToTheKernelFilesAndTheInitJoinsEveryHierarchy() throws Exception {
        int pid = running("lim", SLEEP, """
                {"memory": {"limit": 67108864, "swap": 134217728}, "pids": {"limit": 20},
                 "cpu": {"quota": 50000, "period": 100000, "shares": 512}}""");
        assertEquals("67108864", read("memory", "lim", "memory.limit_in_bytes"));
        if (Files.exists(cg("memory", "lim").resolve("memory.memsw.limit_in_bytes"))) {
            assertEquals("134217728", read("memory", "lim", "memory.memsw.limit_in_bytes"));
        }
        assertEquals("20", read("pids", "lim", "pids.max"));
        assertEquals("50000", read("cpu", "lim", "cpu.cfs_quota_us"));
        assertEquals("100000", read("cpu", "lim", "cpu.cfs_period_us"));
        assertEquals("512", read("cpu", "lim", "cpu.shares"));
        List<String> hs = hierarchies();
        assertTrue(hs.containsAll(List.of("memory", "pids", "cpu", "freezer", "devices")), hs::toString);
        for (String h : hs) {
            List<String> procs = List.of(read(h, "lim", "cgroup.procs").split("\n"));
            assertTrue(procs.contains(Integer.toString(pid)), () -> h + "/cgroup.procs lacks " + pid + ": " + procs);
        }
    }

    @Test
    void pauseFreezesAndResumeThaws() throws Exception {
        running("pz", SLEEP, null);
        ok("pause", "pz");
        assertEquals("FROZEN", read("freezer", "pz", "freezer.state"));
        assertEquals("paused", status("pz"));
        Jrun.Result again = jrun.run("pause", "pz");
        assertNotEquals(0, again.code());
        assertTrue(again.err().contains("container not running"), again::toString);
        ok("resume", "pz");
        assertEquals("THAWED", read("freezer", "pz", "freezer.state"));
        assertEquals("running", status("pz"));
        Jrun.Result notPaused = jrun.run("resume", "pz");
        assertNotEquals(0, notPaused.code());
        assertTrue(notPaused.err().contains("container not paused"), notPaused::toString);
    }

    @Test
    void updateFromStdinFromFileAndFromFlags() throws Exception {
        running("up", SLEEP, """
                {"memory": {"limit": 67108864, "swap": 134217728}, "pids": {"limit": 20}}""");
        // What docker sends on stdin: zeros mean "unchanged".
        Jrun.Result r = jrun.runWithInput("""
                {"memory":{"limit":33554432,"reservation":0,"kernel":0},"cpu":{"shares":0,"quota":0,"period":0},"blockIO":{"weight":0}}""",
                "update", "--resources", "-", "up");
        assertEquals(0, r.code(), r::toString);
        assertEquals("33554432", read("memory", "up", "memory.limit_in_bytes"));
        assertEquals("20", read("pids", "up", "pids.max"));
        // What podman passes as a file.
        Path f = work.resolve("podman-resources.json");
        Files.writeString(f, "{\"memory\":{\"limit\":33554432,\"swap\":67108864},\"cpu\":{\"shares\":512}}");
        ok("update", "--resources=" + f, "up");
        assertEquals("512", read("cpu", "up", "cpu.shares"));
        if (Files.exists(cg("memory", "up").resolve("memory.memsw.limit_in_bytes"))) {
            assertEquals("67108864", read("memory", "up", "memory.memsw.limit_in_bytes"));
        }
        ok("update", "--memory", "64m", "--memory-swap", "128m", "--pids-limit", "10", "up");
        assertEquals("67108864", read("memory", "up", "memory.limit_in_bytes"));
        assertEquals("10", read("pids", "up", "pids.max"));
        Jrun.Result rdt = jrun.run("update", "--l3-cache-schema", "L3:0=f", "up");
        assertNotEquals(0, rdt.code());
        assertTrue(rdt.err().contains("l3-cache-schema") && rdt.err().contains("not supported"), rdt::toString);
    }

    @Test
    void psListsTheContainersProcesses() throws Exception {
        int pid = running("ps", SLEEP, null);
        assertEquals("[" + pid + "]", ok("ps", "--format", "json", "ps").out().trim());
        String table = ok("ps", "ps").out();
        String[] lines = table.split("\n");
        assertTrue(lines[0].contains("PID"), table);
        assertEquals(2, lines.length, table);
        assertTrue(lines[1].matches("\\S+\\s+" + pid + "\\s.*"), table);
        // extra arguments go to ps(1)
        String custom = ok("ps", "ps", "-o", "pid,comm").out();
        assertTrue(custom.matches("(?s)\\s*PID\\s+COMMAND\\n\\s*" + pid + "\\s+sleep\\n"), custom);
    }

    /** A container whose init forks a child that stays in the cgroup: init and child pids. */
    private List<Integer> forking(String name) throws Exception {
        running(name, List.of("sh", "-c", "sleep 301 & exec sleep 302"), null);
        List<Integer> pids = new ArrayList<>();
        for (int i = 0; i < 200 && pids.size() < 2; i++) {
            String json = ok("ps", "--format", "json", name).out().trim();
            pids.clear();
            for (String p : json.substring(1, json.length() - 1).split(",")) {
                if (!p.isBlank()) pids.add(Integer.parseInt(p.trim()));
            }
            if (pids.size() < 2) Thread.sleep(20);
        }
        assertEquals(2, pids.size(), pids::toString);
        return pids;
    }

    @Test
    void killAllKillsAForkedChildToo() throws Exception {
        List<Integer> pids = forking("ka");
        ok("kill", "--all", "ka", "KILL");
        for (int p : pids) assertTrue(waitGone(p), "still alive: " + p);
        assertEquals("stopped", status("ka"));
        ok("delete", "ka");
        for (String h : hierarchies()) assertFalse(Files.exists(cg(h, "ka")), h);
    }

    @Test
    void deleteForceOfAPausedContainerKillsEverythingAndRemovesTheCgroup() throws Exception {
        List<Integer> pids = forking("df");
        ok("pause", "df"); // frozen tasks must die too
        ok("delete", "--force", "df");
        for (int p : pids) assertTrue(waitGone(p), "still alive: " + p);
        for (String h : hierarchies()) assertFalse(Files.exists(cg(h, "df")), () -> "left behind in " + h);
        assertFalse(Files.exists(jrun.root.resolve("df")));
    }

    @Test
    void denyAllDeviceRulesGetTheDefaultAllowedDevices() throws Exception {
        // podman's rules; linux.devices lists /dev/null with a narrower rule, so the default c 1:3 rwm is dropped
        Path b = bundle("dev", SLEEP, Map.of(), Map.of(
                "devices", "[{\"path\": \"/dev/null\", \"type\": \"c\", \"major\": 1, \"minor\": 3, \"fileMode\": 438, \"uid\": 0, \"gid\": 0}]",
                "resources", "{\"devices\": [{\"allow\": false, \"access\": \"rwm\"}, "
                        + "{\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 3, \"access\": \"rw\"}]}"), null);
        ok("create", "--bundle", b.toString(), "dev");
        List<String> list = List.of(read("devices", "dev", "devices.list").split("\n"));
        assertFalse(list.contains("a *:* rwm"), list::toString);
        for (String want : List.of("c 1:5 rwm", "c 1:8 rwm", "c 1:9 rwm", "c 5:0 rwm", "c 136:* rwm", "c 1:3 rw")) {
            assertTrue(list.contains(want), () -> want + " missing from " + list);
        }
        assertFalse(list.contains("c 1:3 rwm"), () -> "default for /dev/null not de-duplicated: " + list);
    }

    @Test
    void aValueTheKernelRefusesFailsCreateAndLeavesNothing() throws Exception {
        Path b = bundle("bad", SLEEP, Map.of(), Map.of("resources", "{\"cpu\": {\"cpus\": \"99\"}}"), null);
        Jrun.Result r = jrun.run("create", "--bundle", b.toString(), "bad");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("linux.resources.cpu.cpus"), r::toString);
        assertEquals(1, r.err().strip().split("\n").length, r::toString);
        assertFalse(Files.exists(jrun.root.resolve("bad")), "state dir left behind");
        for (String h : hierarchies()) assertFalse(Files.exists(cg(h, "bad")), () -> "cgroup left in " + h);
    }

    @Test
    void eventsStatsPrintsMemoryUsage() throws Exception {
        running("ev", SLEEP, "{\"memory\": {\"limit\": 67108864}}");
        String out = ok("events", "--stats", "ev").out().trim();
        assertEquals(1, out.split("\n").length, out);
        assertTrue(out.startsWith("{\"type\":\"stats\",\"id\":\"ev\",\"data\":{"), out);
        Matcher m = Pattern.compile("\"memory\":\\{.*?\"usage\":\\{\"limit\":(\\d+),\"usage\":(\\d+)").matcher(out);
        assertTrue(m.find(), out);
        assertEquals("67108864", m.group(1));
        assertTrue(Long.parseLong(m.group(2)) > 0, out);
    }

    @Test
    void eventsStreamsUntilTheContainerStops() throws Exception {
        running("es", List.of("sleep", "3"), null);
        long t0 = System.nanoTime();
        Jrun.Result r = ok("events", "--interval", "500ms", "es");
        assertTrue(System.nanoTime() - t0 < 60_000_000_000L);
        String[] lines = r.out().trim().split("\n");
        assertTrue(lines.length >= 2, r::toString);
        for (String l : lines) assertTrue(l.startsWith("{\"type\":\"stats\",\"id\":\"es\""), l);
    }
}
