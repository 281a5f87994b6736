package io.jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Launch engine issue: create → start → kill → delete, run, namespaces, errors and rollback. */
class LifecycleIT extends ItBase {

    @Test
    void fullLifecycle() throws Exception {
        Path b = bundle("life", List.of("sleep", "1000"));
        Path pidFile = work.resolve("life.pid");
        ok("create", "--bundle", b.toString(), "--pid-file", pidFile.toString(), "life");
        assertEquals("created", status("life"));
        int pid = Integer.parseInt(Files.readString(pidFile).trim());
        assertEquals(pid, statePid("life"));
        // The init waits on the exec fifo: it has not exec'd sleep yet.
        assertFalse(Files.readString(Path.of("/proc/" + pid + "/cmdline")).startsWith("sleep"));

        ok("start", "life");
        assertEquals("running", status("life"));
        assertTrue(waitFor(() -> cmdline(pid).startsWith("sleep")), "sleep is running");

        // New pid and mount namespaces, visible from the host.
        assertNotEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/pid")),
                Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/pid")));
        assertNotEquals(Files.readSymbolicLink(Path.of("/proc/self/ns/mnt")),
                Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/mnt")));
        String status = Files.readString(Path.of("/proc/" + pid + "/status"));
        assertTrue(status.lines().anyMatch(l -> l.startsWith("NSpid:") && l.trim().endsWith("\t1")), status);

        Path cgroupDir = Path.of("/sys/fs/cgroup/pids" + cgroupParent + "/life");
        assertTrue(Files.readString(cgroupDir.resolve("cgroup.procs")).contains(Integer.toString(pid)));

        ok("kill", "life", "KILL");
        assertTrue(waitGone(pid));
        assertEquals("stopped", status("life"));
        assertEquals(0, statePid("life"));

        ok("delete", "life");
        assertFalse(Files.exists(jrun.root.resolve("life")), "state dir removed");
        assertFalse(Files.exists(cgroupDir), "cgroup removed");
        assertNotEquals(0, jrun.run("state", "life").code());
    }

    @Test
    void runReturnsExitCodeAndOutput() throws Exception {
        Path b = bundle("runner", List.of("sh", "-c", "echo hello from $(hostname); exit 3"));
        Jrun.Result r = jrun.run("run", "--bundle", b.toString(), "runner");
        assertEquals(3, r.code(), r::toString);
        assertEquals("hello from jrun-it", r.out().strip());
        assertFalse(Files.exists(jrun.root.resolve("runner")), "run deletes the container afterwards");
    }

    @Test
    void runReportsDeathBySignalAs128PlusSignal() throws Exception {
        // A pid-namespace init ignores SIGKILL from inside its namespace, so the kill comes from outside.
        Path b = bundle("sig", List.of("sleep", "1000"));
        Process run = new ProcessBuilder(Jrun.BIN, "--root", jrun.root.toString(), "run", "--bundle", b.toString(), "sig")
                .redirectErrorStream(true).start();
        assertTrue(waitFor(() -> jrun.run("state", "sig").out().contains("\"running\"")), "container running");
        ok("kill", "sig", "9");
        assertTrue(run.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(137, run.exitValue());
    }

    @Test
    void runForwardsSignalsToTheContainer() throws Exception {
        Path b = bundle("fwd", List.of("sh", "-c", "trap 'echo got TERM; exit 7' TERM; while true; do sleep 0.1; done"));
        Process run = new ProcessBuilder(Jrun.BIN, "--root", jrun.root.toString(), "run", "--bundle", b.toString(), "fwd")
                .redirectErrorStream(true).start();
        assertTrue(waitFor(() -> jrun.run("state", "fwd").out().contains("\"running\"")), "container running");
        Thread.sleep(300);
        run.toHandle().destroy(); // SIGTERM to jrun, forwarded to the init
        assertTrue(run.waitFor(30, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(7, run.exitValue());
        assertTrue(new String(run.getInputStream().readAllBytes()).contains("got TERM"));
    }

    @Test
    void bundleDefaultsToTheWorkingDirectory() throws Exception {
        Path b = bundle("cwd", List.of("true"));
        Jrun.Result r = jrun.runIn(b, "run", "cwd");
        assertEquals(0, r.code(), r::toString);
    }

    @Test
    void duplicateIdIsRefused() throws Exception {
        Path b = bundle("dup", List.of("sleep", "100"));
        ok("create", "--bundle", b.toString(), "dup");
        Jrun.Result r = jrun.run("create", "--bundle", b.toString(), "dup");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("already exists"), r::toString);
        assertEquals("created", status("dup"), "the first container is untouched");
    }

    @Test
    void missingExecutableFailsAtCreateWithRuncWording() throws Exception {
        Path b = bundle("noexe", List.of("does-not-exist"));
        Jrun.Result r = jrun.run("create", "--bundle", b.toString(), "noexe");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("exec: \"does-not-exist\": executable file not found in $PATH"), r::toString);
        assertFalse(Files.exists(jrun.root.resolve("noexe")), "no state left behind");
        assertFalse(Files.exists(Path.of("/sys/fs/cgroup/pids" + cgroupParent + "/noexe")), "no cgroup left behind");
    }

    @Test
    void missingAbsoluteExecutable() throws Exception {
        Path b = bundle("noabs", List.of("/x"));
        Jrun.Result r = jrun.run("create", "--bundle", b.toString(), "noabs");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("exec: \"/x\": stat /x: no such file or directory"), r::toString);
    }

    @Test
    void deleteRefusesRunningUnlessForced() throws Exception {
        Path b = bundle("busy", List.of("sleep", "1000"));
        ok("create", "--bundle", b.toString(), "busy");
        ok("start", "busy");
        int pid = statePid("busy");
        Jrun.Result r = jrun.run("delete", "busy");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("is not stopped"), r::toString);
        ok("delete", "--force", "busy");
        assertTrue(waitGone(pid));
        assertFalse(Files.exists(jrun.root.resolve("busy")));
        ok("delete", "--force", "busy");
    }

    @Test
    void deleteOfCreatedContainerKillsTheInit() throws Exception {
        Path b = bundle("made", List.of("true"));
        ok("create", "--bundle", b.toString(), "made");
        int pid = statePid("made");
        ok("delete", "made");
        assertTrue(waitGone(pid));
    }

    @Test
    void processAttributesAreApplied() throws Exception {
        Path b = bundle("attrs", List.of("sh", "-c",
                        "id -u; id -g; id -G; pwd; umask; ulimit -n; cat /proc/self/oom_score_adj; grep NoNewPrivs /proc/self/status"),
                Map.of("user", "{\"uid\": 65534, \"gid\": 65534, \"additionalGids\": [5, 6], \"umask\": 18}",
                        "cwd", "\"/work/here\"", "oomScoreAdj", "100",
                        "rlimits", "[{\"type\": \"RLIMIT_NOFILE\", \"hard\": 512, \"soft\": 256}]"),
                Map.of(), null);
        Jrun.Result r = jrun.run("run", "--bundle", b.toString(), "attrs");
        assertEquals(0, r.code(), r::toString);
        assertEquals(List.of("65534", "65534", "65534 5 6", "/work/here", "0022", "256", "100", "NoNewPrivs:\t1"),
                r.out().strip().lines().toList());
    }

    @Test
    void capabilitiesAreExactlyTheConfiguredOnes() throws Exception {
        String caps = "[\"CAP_CHOWN\", \"CAP_KILL\", \"CAP_NET_BIND_SERVICE\"]";
        // the acceptance check: exactly these bits, CapInh/CapAmb zero, NoNewPrivs: 1 (Bundles sets it)
        Path b = bundle("caps", List.of("grep", "^Cap\\|^NoNewPrivs", "/proc/self/status"),
                Map.of("capabilities", "{\"bounding\": " + caps + ", \"effective\": " + caps + ", \"permitted\": " + caps + "}"),
                Map.of(), null);
        Jrun.Result r = jrun.run("run", "--bundle", b.toString(), "caps");
        assertEquals(0, r.code(), r::toString);
        // CAP_CHOWN=0, CAP_KILL=5, CAP_NET_BIND_SERVICE=10 → 0x421
        assertTrue(r.out().contains("CapInh:\t0000000000000000"), r.out());
        assertTrue(r.out().contains("CapPrm:\t0000000000000421"), r.out());
        assertTrue(r.out().contains("CapEff:\t0000000000000421"), r.out());
        assertTrue(r.out().contains("CapBnd:\t0000000000000421"), r.out());
        assertTrue(r.out().contains("CapAmb:\t0000000000000000"), r.out());
        assertTrue(r.out().contains("NoNewPrivs:\t1"), r.out());
    }

    @Test
    void hostnameAndSysctlAndReadonlyRoot() throws Exception {
        Path b = bundle("uts", List.of("sh", "-c",
                        "hostname; cat /proc/sys/net/ipv4/ip_unprivileged_port_start; touch /x 2>/dev/null && echo writable || echo readonly"),
                Map.of(), Map.of("sysctl", "{\"net.ipv4.ip_unprivileged_port_start\": \"0\"}"), null);
        Jrun.Result r = jrun.run("run", "--bundle", b.toString(), "uts");
        assertEquals(0, r.code(), r::toString);
        assertEquals(List.of("jrun-it", "0", "readonly"), r.out().strip().lines().toList());
    }

    @Test
    void strayFdsDoNotReachTheContainer() throws Exception {
        Path b = bundle("fds", List.of("ls", "/proc/self/fd"));
        Jrun.Result r = jrun.run("run", "--bundle", b.toString(), "fds");
        assertEquals(0, r.code(), r::toString);
        // 0, 1, 2 and the fd ls opened to read the directory
        assertEquals(List.of("0", "1", "2", "3"), r.out().strip().lines().toList());
    }

    interface Check {
        boolean ok() throws Exception;
    }

    static boolean waitFor(Check c) throws Exception {
        for (int i = 0; i < 300; i++) {
            if (c.ok()) return true;
            Thread.sleep(10);
        }
        return false;
    }

    static String cmdline(int pid) {
        try {
            return Files.readString(Path.of("/proc/" + pid + "/cmdline"));
        } catch (Exception e) {
            return "";
        }
    }
}
