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

/** config.md "POSIX-platform Hooks": state on stdin, failure semantics, timeouts, where they run. */
class HooksIT extends ItBase {
    /** A hook that runs the host's /bin/sh with a script. */
    private static String hook(String script, Integer timeout) {
        return "{\"path\": \"/bin/sh\", \"args\": [\"sh\", \"-c\", " + Bundles.q(script) + "]"
                + (timeout == null ? "" : ", \"timeout\": " + timeout) + "}";
    }

    private Path hooked(String id, List<String> args, String hooksJson) throws Exception {
        return bundle(id, args, Map.of(), Map.of(), "\"hooks\": {" + hooksJson + "}");
    }

    @Test
    void createRuntimePoststartAndPoststopReceiveTheState() throws Exception {
        Path out = work.resolve("out");
        Files.createDirectories(out);
        Path b = hooked("hk1", List.of("sleep", "1000"),
                "\"createRuntime\": [" + hook("cat > " + out + "/createRuntime", null) + "],"
                + "\"poststart\": [" + hook("cat > " + out + "/poststart", null) + "],"
                + "\"poststop\": [" + hook("cat > " + out + "/poststop", null) + "]");
        ok("create", "--bundle", b.toString(), "hk1");
        String cr = Files.readString(out.resolve("createRuntime"));
        assertTrue(cr.contains("\"id\":\"hk1\""), cr);
        assertTrue(cr.contains("\"status\":\"created\""), cr); // what `state` says then: HardeningLifecycleIT
        assertTrue(cr.contains("\"pid\":" + statePid("hk1")), cr);
        assertTrue(cr.contains("\"bundle\":" + Bundles.q(b.toString())), cr);
        assertFalse(Files.exists(out.resolve("poststart")));
        ok("start", "hk1");
        assertTrue(Files.readString(out.resolve("poststart")).contains("\"id\":\"hk1\""));
        ok("delete", "--force", "hk1");
        String ps = Files.readString(out.resolve("poststop"));
        assertTrue(ps.contains("\"id\":\"hk1\"") && ps.contains("\"status\":\"stopped\""), ps);
    }

    @Test
    void failingCreateRuntimeHookFailsCreateAndLeavesNothing() throws Exception {
        Path b = hooked("hk2", List.of("sleep", "1000"), "\"createRuntime\": [" + hook("exit 3", null) + "]");
        Jrun.Result r = jrun.run("create", "--bundle", b.toString(), "hk2");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("error running createRuntime hook #0: exit status 3"), r::toString);
        assertFalse(Files.exists(jrun.root.resolve("hk2")), "no state dir");
        assertFalse(Files.exists(Path.of("/sys/fs/cgroup/pids" + cgroupParent + "/hk2")), "no cgroup");
    }

    @Test
    void hookTimeoutIsEnforced() throws Exception {
        Path b = hooked("hk3", List.of("sleep", "1000"), "\"prestart\": [" + hook("sleep 30", 1) + "]");
        long t0 = System.nanoTime();
        Jrun.Result r = jrun.run("create", "--bundle", b.toString(), "hk3");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("timeout after 1 seconds"), r::toString);
        assertTrue(ms < 15_000, "took " + ms + " ms");
        assertFalse(Files.exists(jrun.root.resolve("hk3")));
    }

    @Test
    void startContainerAndCreateContainerRunInsideTheContainer() throws Exception {
        // the hooks write into the container's /tmp (a tmpfs only the container sees) and the init shows it
        Path b = hooked("hk4", List.of("sh", "-c", "cat /tmp/cc /tmp/sc; echo; hostname"),
                "\"createContainer\": [" + hook("echo cc-$(hostname) > /tmp/cc", null) + "],"
                + "\"startContainer\": [" + hook("cat > /tmp/sc", null) + "]");
        Jrun.Result r = jrun.run("run", "--bundle", b.toString(), "hk4");
        assertEquals(0, r.code(), r::toString);
        List<String> l = r.out().strip().lines().toList();
        assertEquals("cc-jrun-it", l.get(0));
        assertTrue(l.get(1).contains("\"id\":\"hk4\""), l.get(1));
        assertEquals("jrun-it", l.get(2));
    }

    @Test
    void failingStartContainerHookFailsStartAndKillsTheContainer() throws Exception {
        Path b = hooked("hk5", List.of("sleep", "1000"), "\"startContainer\": [" + hook("exit 1", null) + "]");
        ok("create", "--bundle", b.toString(), "hk5");
        int pid = statePid("hk5");
        Jrun.Result r = jrun.run("start", "hk5");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("error running startContainer hook #0"), r::toString);
        assertTrue(waitGone(pid));
    }

    @Test
    void failingPoststartOnlyWarns() throws Exception {
        Path b = hooked("hk6", List.of("sleep", "1000"), "\"poststart\": [" + hook("exit 1", null) + "]");
        ok("create", "--bundle", b.toString(), "hk6");
        Jrun.Result r = ok("start", "hk6");
        assertTrue(r.err().contains("warning"), r::toString);
        assertEquals("running", status("hk6"));
    }
}
