package io.jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code exec} by a rootless caller into a container that is created, not started (docs/rootless.md "Exec into a
 * created container"): its parked init is dumpable for its owner only while it waits on the exec fifo, with its
 * seccomp filter already loaded, and is non-dumpable again before it runs anything else; root's parked inits stay
 * non-dumpable. Whether a task is dumpable shows in the owner of its /proc/PID files (proc(5): root's when it is
 * not). The test (as root) creates a user ({@link RootlessUser}) and removes it afterwards.
 */
class RootlessExecCreatedIT {
    private static RootlessUser u;
    private static int uid;
    private static Path xdg;
    private static final String TAG = UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void createUser() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "the rootless tests create a user: they need root");
        u = RootlessUser.create("jrunrx");
        uid = u.uid;
        xdg = u.xdg;
    }

    @AfterAll
    static void removeUser() throws IOException {
        if (u != null) u.remove();
    }

    private static Jrun.Result jrun(Path cwd, String... args) {
        return u.jrun(cwd, args);
    }

    private static Path bundle(String name, String edit, String... args) throws IOException {
        return u.bundle(name, edit, args);
    }

    private static String status(Path b, String id) {
        return u.status(b, id);
    }

    private static int pid(Path b, String id) {
        Matcher m = Pattern.compile("\"pid\": (\\d+)").matcher(jrun(b, "state", id).out());
        assertTrue(m.find(), "a pid in the state of " + id);
        return Integer.parseInt(m.group(1));
    }

    /** The owner of /proc/PID/status: the task's euid when dumpable, 0 when not (proc(5)). */
    private static int procOwner(int pid) throws IOException {
        return (Integer) Files.getAttribute(Path.of("/proc", Integer.toString(pid), "status"), "unix:uid");
    }

    private static String statusLine(int pid, String key) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc", Integer.toString(pid), "status"))) {
            if (l.startsWith(key)) return l.substring(key.length()).trim();
        }
        return null;
    }

    private static void deleteAndCheck(Path b, String id) {
        Jrun.Result d = jrun(b, "delete", "--force", id);
        assertEquals(0, d.code(), d.toString());
        assertFalse(Files.exists(xdg.resolve("jrun").resolve(id)), "state dir removed");
        u.assertNoProcessLeft();
    }

    // ---------------------------------------------------------------- tests

    @Test
    void execIntoACreatedContainerJoinsItsNamespacesAndLeavesItCreated() throws IOException {
        Path b = bundle("exec", "", "sleep", "300");
        String id = "rx-" + TAG;
        Jrun.Result c = jrun(b, "create", id);
        assertEquals(0, c.code(), c.toString());
        int init = pid(b, id);
        assertEquals(uid, procOwner(init), "the parked init is dumpable for its owner");
        Jrun.Result in = jrun(b, "exec", id, "sh", "-c", "cat /proc/self/uid_map; echo $$; hostname");
        assertEquals(0, in.code(), in.toString());
        String[] lines = in.out().trim().split("\n");
        assertEquals(List.of("0", Integer.toString(uid), "1"), List.of(lines[0].trim().split("\\s+")),
                "in the container's user namespace: " + in);
        assertTrue(Integer.parseInt(lines[1].trim()) < 10, "in the container's pid namespace (a small pid): " + in);
        assertEquals("jrun", lines[2].trim(), "in the container's uts namespace (the rootless spec's hostname): " + in);
        assertEquals("created", status(b, id));
        Jrun.Result s = jrun(b, "start", id);
        assertEquals(0, s.code(), s.toString());
        assertEquals("running", status(b, id));
        assertEquals("0", jrun(b, "exec", id, "id", "-u").out().trim(), "exec into the running container too");
        deleteAndCheck(b, id);
    }

    /**
     * With noNewPrivileges the filter would be loaded after the fifo wait; a dumpable park loads it before, so that
     * a container process attaching to the parked init (same uid, same capabilities) finds it as confined as itself.
     */
    @Test
    void theParkedInitIsAlreadyUnderItsSeccompFilter() throws IOException {
        String edit = "c['process']['noNewPrivileges']=True\n"
                + "c['linux']['seccomp']={'defaultAction':'SCMP_ACT_ALLOW','syscalls':[{'names':['mkdir','mkdirat'],"
                + "'action':'SCMP_ACT_ERRNO'}]}";
        Path b = bundle("seccomp", edit, "sleep", "300");
        String id = "rx-sc-" + TAG;
        Jrun.Result c = jrun(b, "create", id);
        assertEquals(0, c.code(), c.toString());
        int init = pid(b, id);
        assertEquals(uid, procOwner(init));
        assertEquals("2", statusLine(init, "Seccomp:"), "filter mode while parked");
        assertEquals("1", statusLine(init, "NoNewPrivs:"));
        Jrun.Result in = jrun(b, "exec", id, "sh", "-c", "mkdir /dev/shm/d; echo rc=$?");
        assertEquals("rc=1", in.out().trim(), "the exec'd process has the filter too: " + in);
        assertTrue(in.err().contains("Operation not permitted"), in.toString());
        Jrun.Result s = jrun(b, "start", id);
        assertEquals(0, s.code(), s.toString());
        assertEquals("running", status(b, id));
        assertEquals("sleep", Files.readString(Path.of("/proc", Integer.toString(init), "comm")).trim());
        assertEquals("2", statusLine(init, "Seccomp:"), "the started process keeps it");
        deleteAndCheck(b, id);
    }

    /** --init: jrun-init stays pid 1 (docs/init.md); it is as reachable as the park was, so exec works when running. */
    @Test
    void execIntoAStartedContainerWithJrunsInit() throws IOException {
        Path b = bundle("init", "", "sleep", "300");
        String id = "rx-init-" + TAG;
        assertEquals(0, jrun(b, "create", "--init", id).code());
        Jrun.Result s = jrun(b, "start", id);
        assertEquals(0, s.code(), s.toString());
        int init = pid(b, id);
        assertEquals("jrun-init", Files.readString(Path.of("/proc", Integer.toString(init), "comm")).trim());
        Jrun.Result in = jrun(b, "exec", id, "sh", "-c", "echo $$");
        assertEquals(0, in.code(), in.toString());
        deleteAndCheck(b, id);
    }

    /**
     * Root's parked init is never made dumpable: a container process of uid 1000 without a user namespace would
     * otherwise share its uid with host user 1000, who could then reach it (its fds, its memory).
     */
    @Test
    void rootsParkedInitStaysNonDumpable() throws IOException {
        Path root = Files.createTempDirectory("jrun-rx-root");
        Path b = Files.createTempDirectory("jrun-rx-bundle");
        String cgroups = ItBase.newTestCgroupParent(); // not the default /jrun/<id>: a test's cgroups are its own
        try {
            Bundles.rootfs(b);
            Files.writeString(b.resolve("config.json"), Bundles.config(List.of("sleep", "300"), cgroups + "/c", java.util.Map.of(
                    "user", "{\"uid\": 1000, \"gid\": 1000}"), java.util.Map.of(), null).replace(
                    "\"user\": {\"uid\": 0, \"gid\": 0},\n", ""));
            Jrun j = new Jrun(root);
            String id = "rx-root-" + TAG;
            Jrun.Result c = j.runIn(b, "create", "--bundle", b.toString(), id);
            assertEquals(0, c.code(), c.toString());
            try {
                Matcher m = Pattern.compile("\"pid\": (\\d+)").matcher(j.run("state", id).out());
                assertTrue(m.find());
                int init = Integer.parseInt(m.group(1));
                assertEquals("1000", statusLine(init, "Uid:").split("\\s+")[1], "the parked init is uid 1000");
                assertEquals(0, procOwner(init), "and not dumpable");
            } finally {
                assertEquals(0, j.run("delete", "--force", id).code());
            }
        } finally {
            ItBase.deleteTree(b);
            ItBase.deleteTree(root);
            ItBase.removeTestCgroups(cgroups);
        }
    }
}
