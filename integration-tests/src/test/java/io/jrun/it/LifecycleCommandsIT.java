package io.jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Launch engine: the lifecycle commands' flags and their errors in runc's wording. */
class LifecycleCommandsIT extends ItBase {

    private Path cgroupProcs(String id) {
        return Path.of("/sys/fs/cgroup/pids" + cgroupParent + "/" + id + "/cgroup.procs");
    }

    private void waitStopped(String id) throws Exception {
        assertTrue(LifecycleIT.waitFor(() -> status(id).equals("stopped")), id + " stops");
    }

    private Jrun.Result fails(String... args) {
        Jrun.Result r = jrun.run(args);
        assertNotEquals(0, r.code(), r::toString);
        return r;
    }

    @Test
    void preserveFdsPassesFd3() throws Exception {
        Path data = work.resolve("data.txt");
        Files.writeString(data, "preserved content\n");
        Path b = bundle("pfd", List.of("sh", "-c", "cat <&3"));
        String cmd = "exec 3<" + data + "; exec " + Jrun.BIN + " --root " + jrun.root + " run --preserve-fds 1 --bundle "
                + b + " pfd";
        Jrun.Result r = Jrun.exec(null, List.of("sh", "-c", cmd));
        assertEquals(0, r.code(), r::toString);
        assertEquals("preserved content", r.out().strip());
        // without --preserve-fds the same fd 3 does not reach the container
        String cmd2 = "exec 3<" + data + "; exec " + Jrun.BIN + " --root " + jrun.root + " run --bundle " + b + " pfd2";
        Jrun.Result r2 = Jrun.exec(null, List.of("sh", "-c", cmd2));
        assertNotEquals(0, r2.code(), r2::toString);
        assertFalse(r2.out().contains("preserved"), r2::toString);
    }

    @Test
    void relativePidFileIsRelativeToTheCallersDirectory() throws Exception {
        Path b = bundle("relpid", List.of("sleep", "100"));
        Jrun.Result r = jrun.runIn(work, "create", "--bundle", b.toString(), "--pid-file", "rel.pid", "relpid");
        assertEquals(0, r.code(), r::toString);
        assertEquals(Integer.toString(statePid("relpid")), Files.readString(work.resolve("rel.pid")).trim());
    }

    /** The session keyring the init joined ("_ses.<id>"), as the host's /proc/keys lists it. */
    private static boolean keyringListed(String id) throws Exception {
        return Files.readAllLines(Path.of("/proc/keys")).stream().anyMatch(l -> l.endsWith("_ses." + id + ": empty")
                || l.contains(" _ses." + id + ":"));
    }

    @Test
    void newSessionKeyringUnlessNoNewKeyring() throws Exception {
        String withId = "kr" + Long.toHexString(System.nanoTime());
        ok("create", "--bundle", bundle(withId, List.of("sleep", "100")).toString(), withId);
        assertTrue(keyringListed(withId), "session keyring _ses." + withId + " in /proc/keys");

        String withoutId = "nokr" + Long.toHexString(System.nanoTime());
        ok("create", "--no-new-keyring", "--bundle", bundle(withoutId, List.of("sleep", "100")).toString(), withoutId);
        assertFalse(keyringListed(withoutId), "no session keyring with --no-new-keyring");
    }

    @Test
    void runDetachReturnsWithTheContainerRunning() throws Exception {
        Path b = bundle("det", List.of("sleep", "1000"));
        long t0 = System.nanoTime();
        ok("run", "--detach", "--bundle", b.toString(), "det");
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(30));
        assertEquals("running", status("det"));
        int pid = statePid("det");
        ok("kill", "det", "KILL");
        assertTrue(waitGone(pid));
        waitStopped("det");
        ok("delete", "det");
    }

    @Test
    void runKeepLeavesAStoppedContainer() throws Exception {
        Path b = bundle("keep", List.of("sh", "-c", "exit 4"));
        Jrun.Result r = jrun.run("run", "--keep", "--bundle", b.toString(), "keep");
        assertEquals(4, r.code(), r::toString);
        assertEquals("stopped", status("keep"));
        assertEquals(0, statePid("keep"));
        assertTrue(Files.isDirectory(Path.of("/sys/fs/cgroup/pids" + cgroupParent + "/keep")), "cgroup kept");
        ok("delete", "keep");
        assertFalse(Files.exists(jrun.root.resolve("keep")));
        assertFalse(Files.exists(Path.of("/sys/fs/cgroup/pids" + cgroupParent + "/keep")));
    }

    /** Runs a container that exits 11/12/13 on USR1/TERM/HUP, signals it with `kill ID sig`, returns run's exit. */
    private int killWith(String id, String signal) throws Exception {
        Path b = bundle(id, List.of("sh", "-c",
                "trap 'exit 11' USR1; trap 'exit 12' TERM; trap 'exit 13' HUP; echo ready; while :; do sleep 0.05; done"));
        Process run = new ProcessBuilder(Jrun.BIN, "--root", jrun.root.toString(), "run", "--bundle", b.toString(), id)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(run.getInputStream()))) {
            assertEquals("ready", out.readLine());
            ok("kill", id, signal);
            assertTrue(run.waitFor(30, TimeUnit.SECONDS));
        }
        return run.exitValue();
    }

    @Test
    void killBySignalNumberNameAndSigName() throws Exception {
        assertEquals(11, killWith("knum", "10"));
        assertEquals(12, killWith("kname", "TERM"));
        assertEquals(13, killWith("ksig", "SIGHUP"));
        assertEquals(11, killWith("kdef", "SIGUSR1"));
    }

    @Test
    void killDefaultsToTerm() throws Exception {
        Path b = bundle("kterm", List.of("sh", "-c", "trap 'exit 12' TERM; echo ready; while :; do sleep 0.05; done"));
        Process run = new ProcessBuilder(Jrun.BIN, "--root", jrun.root.toString(), "run", "--bundle", b.toString(), "kterm")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(run.getInputStream()))) {
            assertEquals("ready", out.readLine());
            ok("kill", "kterm");
            assertTrue(run.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(12, run.exitValue());
    }

    @Test
    void killAllSignalsEveryProcessOfTheContainer() throws Exception {
        Path b = bundle("kall", List.of("sh", "-c", "sleep 1000 & sleep 1000 & wait"));
        ok("run", "--detach", "--bundle", b.toString(), "kall");
        assertTrue(LifecycleIT.waitFor(() -> Files.readAllLines(cgroupProcs("kall")).size() == 3), "three processes");
        List<Integer> pids = new ArrayList<>();
        for (String l : Files.readAllLines(cgroupProcs("kall"))) pids.add(Integer.parseInt(l.trim()));
        ok("kill", "--all", "kall", "KILL");
        for (int p : pids) assertTrue(waitGone(p), "process " + p + " killed");
        waitStopped("kall");
        assertTrue(LifecycleIT.waitFor(() -> Files.readAllLines(cgroupProcs("kall")).isEmpty()));
    }

    @Test
    void stoppedContainer() throws Exception {
        Path b = bundle("stopped", List.of("true"));
        ok("create", "--bundle", b.toString(), "stopped");
        ok("start", "stopped");
        waitStopped("stopped");
        assertEquals(0, statePid("stopped"));
        assertTrue(fails("kill", "stopped", "KILL").err().contains("container not running"));
        assertTrue(fails("start", "stopped").err().contains("cannot start a container that has stopped"));
        ok("delete", "stopped");
        assertTrue(fails("delete", "stopped").err().contains("container does not exist"));
        assertTrue(fails("state", "stopped").err().contains("container does not exist"));
    }

    @Test
    void startTwice() throws Exception {
        Path b = bundle("twice", List.of("sleep", "1000"));
        ok("create", "--bundle", b.toString(), "twice");
        ok("start", "twice");
        Jrun.Result r = fails("start", "twice");
        assertTrue(r.err().contains("cannot start an already running container"), r::toString);
        assertEquals("running", status("twice"));
    }

    @Test
    void killOfAnUnknownContainer() {
        assertTrue(fails("kill", "nosuch", "KILL").err().contains("container does not exist"));
        assertTrue(fails("start", "nosuch").err().contains("container does not exist"));
        assertTrue(fails("delete", "nosuch").err().contains("container does not exist"));
        ok("delete", "--force", "nosuch");
    }

    @Test
    void unknownSignalIsRejected() throws Exception {
        Path b = bundle("badsig", List.of("sleep", "100"));
        ok("create", "--bundle", b.toString(), "badsig");
        Jrun.Result r = fails("kill", "badsig", "SIGNOPE");
        assertTrue(r.err().toLowerCase().contains("signal"), r::toString);
        assertEquals("created", status("badsig"));
    }
}
