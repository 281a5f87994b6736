package io.jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * checkpoint and restore through the installed jrun and its criu (docs/checkpoint.md): a counting container is
 * checkpointed, deleted and restored under a new id and another state root, and goes on counting from where it
 * was; pre-dump rounds; and the error paths (no criu, a container criu cannot dump, a restore that fails) leave
 * the container running or nothing behind.
 */
class CheckpointIT extends ItBase {
    /** Prints 1, 2, 3, ... on stdout, one number every 50 ms. */
    static final List<String> COUNTER =
            List.of("sh", "-c", "i=0; while true; do i=$((i+1)); echo $i; sleep 0.05; done");

    @Test
    void countingContainerGoesOnUnderNewIdAndRoot() throws Exception {
        Path b = bundle("count", COUNTER);
        Path out = work.resolve("count.out");
        assertEquals(0, start(jrun, out, "run", "-d", "--bundle", b.toString(), "count"));
        waitLines(out, 10);
        Path images = work.resolve("images");
        // a pre-dump round first: the final dump then only writes what changed since (--parent-path). Where the
        // kernel cannot track dirty memory (no CONFIG_MEM_SOFT_DIRTY) it is refused in one line, container running.
        Jrun.Result pre = jrun.run("checkpoint", "--pre-dump", "--image-path", work.resolve("pre").toString(), "count");
        assertEquals("running", status("count"));
        List<String> parent = List.of();
        if (memTracking()) {
            assertEquals(0, pre.code(), pre::toString);
            parent = List.of("--parent-path", "../pre");
        } else {
            assertNotEquals(0, pre.code());
            assertEquals(1, pre.err().strip().lines().count(), pre.err());
            assertTrue(pre.err().contains("memory dirty tracking"), pre.err());
        }
        List<String> dump = new java.util.ArrayList<>(List.of("checkpoint", "--image-path", images.toString()));
        dump.addAll(parent);
        dump.add("count");
        ok(dump.toArray(new String[0]));
        assertFalse(Files.exists(jrun.root.resolve("count")), "checkpoint without --leave-running removes the container");
        assertFalse(Files.isDirectory(Path.of("/sys/fs/cgroup/memory" + cgroupParent + "/count")), "cgroup removed");
        int last = lastNumber(out);
        Thread.sleep(300);
        assertEquals(last, lastNumber(out), "nothing runs after the checkpoint");

        // "the other host": its own state root, a bundle of its own with a copy of the rootfs, another id
        Jrun other = new Jrun(work.resolve("state-other"));
        Path target = bundle("target", COUNTER);
        try {
            assertEquals(0, start(other, out, "restore", "--detach", "--bundle", target.toString(),
                    "--image-path", images.toString(), "moved"), () -> read(out));
            waitLines(out, countLines(out) + 10);
            assertEquals("running", stateField(other, "moved"));
            List<String> lines = Files.readAllLines(out);
            for (int i = 0; i < lines.size(); i++) {
                assertEquals(String.valueOf(i + 1), lines.get(i).trim(), "line " + (i + 1) + " of " + lines);
            }
            assertTrue(lines.size() > last + 5, "restored container counts on from " + last);
            String cgroup = Files.readString(Path.of("/proc/" + pid(other, "moved") + "/cgroup"));
            assertTrue(cgroup.contains(cgroupParent + "/target"), "restored into the new bundle's cgroup: " + cgroup);
            assertEquals(0, other.run("delete", "--force", "moved").code());
            assertFalse(Files.exists(other.root.resolve("moved")));
        } finally {
            other.run("delete", "--force", "moved");
        }
    }

    /** Without --detach, restore waits for the restored init and returns its exit status, as `run` does. */
    @Test
    void foregroundRestoreReturnsTheInitsStatus() throws Exception {
        List<String> finite = List.of("sh", "-c", "i=0; while [ $i -lt 40 ]; do i=$((i+1)); echo $i; sleep 0.05; done; exit 7");
        Path b = bundle("fg", finite);
        Path out = work.resolve("fg.out");
        assertEquals(0, start(jrun, out, "run", "-d", "--bundle", b.toString(), "fg"));
        waitLines(out, 5);
        ok("checkpoint", "--image-path", work.resolve("img").toString(), "fg");
        assertTrue(lastNumber(out) < 40, "checkpointed before the end: " + read(out));
        assertEquals(7, start(jrun, out, "restore", "--bundle", b.toString(), "--image-path",
                work.resolve("img").toString(), "fg2"), () -> read(out));
        List<String> lines = Files.readAllLines(out);
        assertEquals(40, lines.size(), lines::toString);
        for (int i = 0; i < lines.size(); i++) assertEquals(String.valueOf(i + 1), lines.get(i).trim());
        assertFalse(Files.exists(jrun.root.resolve("fg2")), "deleted once its init exited");
    }

    @Test
    void missingCriuIsOneLineAndLeavesItRunning() throws Exception {
        Path b = bundle("nocriu", List.of("sleep", "100"));
        ok("run", "-d", "--bundle", b.toString(), "nocriu");
        Jrun.Result r = jrun.run("--criu", work.resolve("no-such-criu").toString(), "checkpoint",
                "--image-path", work.resolve("img").toString(), "nocriu");
        assertNotEquals(0, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("criu not found"), r.err());
        assertEquals("running", status("nocriu"));
    }

    /** stdout is a unix socket whose other end is outside the container: criu refuses without --ext-unix-sk. */
    @Test
    void undumpableContainerNamesWhyAndKeepsRunning() throws Exception {
        Path b = bundle("sock", List.of("sleep", "100"));
        String py = "import socket,subprocess,sys\n"
                + "a,b=socket.socketpair()\n"
                + "sys.exit(subprocess.run(sys.argv[1:],stdout=b,stdin=subprocess.DEVNULL).returncode)\n";
        Jrun.Result started = Jrun.exec(null, List.of("python3", "-c", py, Jrun.BIN, "--root", jrun.root.toString(),
                "run", "-d", "--bundle", b.toString(), "sock"));
        assertEquals(0, started.code(), started::toString);
        int pid = statePid("sock");
        Jrun.Result r = jrun.run("checkpoint", "--image-path", work.resolve("img").toString(), "sock");
        assertNotEquals(0, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("checkpoint failed: criu:") && r.err().toLowerCase().contains("socket"), r.err());
        assertEquals("running", status("sock"));
        assertEquals(pid, statePid("sock"));
    }

    @Test
    void failedRestoreLeavesNothing() throws Exception {
        Path b = bundle("src", COUNTER);
        Path out = work.resolve("src.out");
        assertEquals(0, start(jrun, out, "run", "-d", "--bundle", b.toString(), "src"));
        waitLines(out, 3);
        Path images = work.resolve("images");
        ok("checkpoint", "--image-path", images.toString(), "src");
        // criu cannot restore memory it has no pages for
        try (Stream<Path> s = Files.list(images)) {
            for (Path p : s.filter(p -> p.getFileName().toString().startsWith("pages-")).toList()) Files.delete(p);
        }
        Path target = bundle("dst", COUNTER);
        Jrun.Result r = jrun.run("restore", "-d", "--bundle", target.toString(), "--image-path", images.toString(), "dst");
        assertNotEquals(0, r.code());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().startsWith("restore failed: criu:") || r.err().contains("restore failed"), r.err());
        assertFalse(Files.exists(jrun.root.resolve("dst")), "no state dir");
        for (String h : List.of("memory", "pids", "freezer", "unified")) {
            assertFalse(Files.isDirectory(Path.of("/sys/fs/cgroup/" + h + cgroupParent + "/dst")), h + " cgroup left");
        }
        assertFalse(Files.readString(Path.of("/proc/self/mountinfo")).contains("criu-root"), "no mount left");
    }

    /** Whether this kernel tracks dirty memory for criu (the pre-dump rounds need it). */
    static boolean memTracking() {
        Path criu = Path.of(Jrun.BIN).getParent().resolveSibling("lib/jrun/criu/criu");
        return Jrun.exec(null, List.of(criu.toString(), "check", "--feature", "mem_dirty_track")).code() == 0;
    }

    /** Starts the runtime with stdout and stderr appended to {@code out}, stdin /dev/null; returns its exit code. */
    static int start(Jrun j, Path out, String... args) throws IOException, InterruptedException {
        List<String> cmd = new java.util.ArrayList<>(List.of(Jrun.BIN, "--root", j.root.toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile())).redirectErrorStream(true).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + cmd);
        }
        return p.exitValue();
    }

    static void waitLines(Path out, int n) throws Exception {
        for (int i = 0; i < 600 && countLines(out) < n; i++) Thread.sleep(20);
        assertTrue(countLines(out) >= n, "fewer than " + n + " lines: " + read(out));
    }

    static int countLines(Path out) throws IOException {
        return Files.exists(out) ? Files.readAllLines(out).size() : 0;
    }

    static int lastNumber(Path out) throws IOException {
        List<String> l = Files.readAllLines(out);
        return Integer.parseInt(l.get(l.size() - 1).trim());
    }

    static String read(Path out) {
        try {
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    static String stateField(Jrun j, String id) {
        String json = j.run("state", id).out();
        int i = json.indexOf("\"status\": \"");
        return i < 0 ? json : json.substring(i + 11, json.indexOf('"', i + 11));
    }

    static int pid(Jrun j, String id) {
        String json = j.run("state", id).out();
        int i = json.indexOf("\"pid\": ");
        int end = i + 7;
        while (Character.isDigit(json.charAt(end))) end++;
        return Integer.parseInt(json.substring(i + 7, end));
    }
}
