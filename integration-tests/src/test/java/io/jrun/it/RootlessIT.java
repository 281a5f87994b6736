package io.jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * jrun run by an unprivileged user (docs/rootless.md). The test (as root) creates a user with a home, subordinate
 * ids and a runtime dir /run/user/UID (RootlessUser), runs the installed jrun as that user (setpriv, a clean
 * environment but the suite's JRUN_DAEMON: the user's resident engine by default, a JVM per call with
 * -Djrun.daemon=off), and removes the user, its engine, processes, files and the test's cgroup afterwards.
 */
class RootlessIT {
    private static RootlessUser u;
    private static String user;
    private static int uid;
    private static int gid;
    private static Path home;
    private static Path xdg;
    private static final String TAG = UUID.randomUUID().toString().substring(0, 8);

    @BeforeAll
    static void createUser() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "the rootless tests create a user: they need root");
        u = RootlessUser.create("jrunrl");
        user = u.name;
        uid = u.uid;
        gid = u.gid;
        home = u.home;
        xdg = u.xdg;
    }

    @AfterAll
    static void removeUser() throws IOException {
        if (u == null) return;
        u.remove();
        ItBase.removeCgroups("/jrun-test-rootless-" + TAG);
    }

    // ---------------------------------------------------------------- helpers (RootlessUser's, for this user)

    private static void chown(Path p) {
        u.chown(p);
    }

    /** The installed jrun as the test user (its resident engine by default; -Djrun.daemon=off: a JVM per call). */
    private static Jrun.Result jrun(Path cwd, String... args) {
        return u.jrun(cwd, args);
    }

    private static void assertNoProcessLeft() {
        u.assertNoProcessLeft();
    }

    private static void sleep(long ms) {
        RootlessUser.sleep(ms);
    }

    private static Path bundle(String name, String edit, String... args) throws IOException {
        return u.bundle(name, edit, args);
    }

    private static String status(Path b, String id) {
        return u.status(b, id);
    }

    private static int statusUid(int pid) throws IOException {
        return RootlessUser.statusUid(pid);
    }

    // ---------------------------------------------------------------- tests

    @Test
    void specRootlessMatchesTheCallerAndTheWholeLifecycleRunsWithoutRoot() throws IOException {
        Path b = bundle("life", "", "sleep", "300");
        String cfg = Files.readString(b.resolve("config.json"));
        assertTrue(cfg.matches("(?s).*\"uidMappings\": \\[\\s*\\{\\s*\"containerID\": 0,\\s*\"hostID\": " + uid
                + ",\\s*\"size\": 1.*"), cfg);
        assertFalse(cfg.contains("\"network\""), "no network namespace: " + cfg);
        assertFalse(cfg.contains("\"resources\""), "no linux.resources: " + cfg);
        String id = "rl-" + TAG;
        Jrun.Result c = jrun(b, "create", id);
        assertEquals(0, c.code(), c.toString());
        Path stateDir = xdg.resolve("jrun").resolve(id);
        assertTrue(Files.isRegularFile(stateDir.resolve("state.json")), "state under $XDG_RUNTIME_DIR/jrun");
        assertEquals("created", status(b, id));
        assertTrue(jrun(b, "list").out().contains(id), "list with the default root");
        jrun(b, "start", id);
        assertEquals("running", status(b, id));
        int pid = Integer.parseInt(jrun(b, "ps", "--format", "json", id).out().replaceAll("[\\[\\]\\s]", "").split(",")[0]);
        assertEquals(uid, statusUid(pid), "the container's process is the user's uid outside");
        Jrun.Result in = jrun(b, "exec", id, "sh", "-c", "id -u; id -g; cat /proc/self/uid_map");
        assertEquals(0, in.code(), in.toString());
        String[] lines = in.out().trim().split("\n");
        assertEquals("0", lines[0], "root inside: " + in);
        assertEquals("0", lines[1], "root's group inside: " + in);
        assertEquals(List.of("0", Integer.toString(uid), "1"), List.of(lines[2].trim().split("\\s+")));
        assertTrue(jrun(b, "exec", "-d", id, "sleep", "300").code() == 0);
        Jrun.Result ps = jrun(b, "ps", id);
        assertEquals(3, ps.out().trim().split("\n").length, "header, init and the exec'd sleep: " + ps);
        Jrun.Result pause = jrun(b, "pause", id);
        assertNotEquals(0, pause.code(), "no cgroup to freeze on this host: " + pause);
        assertTrue(pause.err().contains("has no cgroup"), pause.toString());
        assertEquals(0, jrun(b, "kill", id, "KILL").code());
        for (int i = 0; i < 100 && !"stopped".equals(status(b, id)); i++) sleep(50);
        Jrun.Result d = jrun(b, "delete", id);
        assertEquals(0, d.code(), d.toString());
        assertFalse(Files.exists(stateDir), "state dir removed");
        assertNoProcessLeft();
        assertFalse(Files.exists(Path.of("/sys/fs/cgroup/pids/jrun", id)), "no cgroup made");
    }

    @Test
    void runInTheForegroundReturnsTheStatusAndLeavesNothing() throws IOException {
        Path b = bundle("run", "", "sh", "-c", "echo uid=$(id -u) host=$(awk '{print $2}' /proc/self/uid_map); exit 3");
        String id = "rl-run-" + TAG;
        Jrun.Result r = jrun(b, "run", id);
        assertEquals(3, r.code(), r.toString());
        assertEquals("uid=0 host=" + uid, r.out().trim());
        assertFalse(Files.exists(xdg.resolve("jrun").resolve(id)));
    }

    @Test
    void resourcesThatCannotBeAppliedFailClearlyAndLeaveNothing() throws IOException {
        Path b = bundle("res", "c['linux']['resources']={'pids':{'limit':50}}", "true");
        String id = "rl-res-" + TAG;
        Jrun.Result r = jrun(b, "create", id);
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().startsWith("jrun: linux.resources.pids.limit: cannot be applied: rootless jrun"), r.err());
        assertEquals(1, r.err().strip().split("\n").length, "one line: " + r.err());
        assertFalse(Files.exists(xdg.resolve("jrun").resolve(id)));
        assertNoProcessLeft();
        // --rootless false: cgroup permission errors are not ignored, even with no limit asked for (runc's meaning)
        Path plain = bundle("nores", "", "true");
        Jrun.Result f = jrun(plain, "--rootless", "false", "create", id);
        assertNotEquals(0, f.code(), f.toString());
        assertFalse(Files.exists(xdg.resolve("jrun").resolve(id)));
        Jrun.Result bad = jrun(plain, "--rootless", "maybe", "list");
        assertEquals(1, bad.code());
        assertEquals("jrun: invalid --rootless value \"maybe\": must be true, false or auto\n", bad.err());
    }

    @Test
    void multiIdMappingsGoThroughNewuidmapAndDevicesAreBinds() throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/newuidmap")), "uidmap is installed by make deps");
        long sub = subStart("/etc/subuid");
        long subg = subStart("/etc/subgid");
        Path vol = home.resolve("vol");
        Files.createDirectories(vol);
        chown(vol);
        String edit = "c['linux']['uidMappings']=[{'containerID':0,'hostID':" + uid + ",'size':1},"
                + "{'containerID':1,'hostID':" + sub + ",'size':65536}]\n"
                + "c['linux']['gidMappings']=[{'containerID':0,'hostID':" + gid + ",'size':1},"
                + "{'containerID':1,'hostID':" + subg + ",'size':65536}]\n"
                + "c['process']['capabilities']['bounding'].append('CAP_CHOWN')\n"
                + "c['process']['capabilities']['effective'].append('CAP_CHOWN')\n"
                + "c['process']['capabilities']['permitted'].append('CAP_CHOWN')\n"
                + "c['mounts'].append({'destination':'/vol','source':'" + vol + "','type':'bind','options':['rbind','rw']})";
        Path b = bundle("multi", edit, "sh", "-c",
                "touch /vol/f && chown 1000:1000 /vol/f && wc -l < /proc/self/uid_map && cat /proc/self/setgroups"
                        + " && echo x > /dev/null && grep -c ' /dev/null ' /proc/self/mountinfo");
        Jrun.Result r = jrun(b, "run", "rl-multi-" + TAG);
        assertEquals(0, r.code(), r.toString());
        assertEquals(List.of("2", "allow", "1"), List.of(r.out().trim().split("\n")), "two ranges mapped, setgroups"
                + " left to newgidmap, /dev/null a bind mount");
        assertEquals((int) (sub + 999), Files.getAttribute(vol.resolve("f"), "unix:uid"), "container uid 1000 is sub+999");
        assertEquals((int) (subg + 999), Files.getAttribute(vol.resolve("f"), "unix:gid"));
    }

    /** Overlay is mounted inside the container's user namespace (kernel 5.11+ allows it to the namespace's owner). */
    @Test
    void overlayMountsInTheUserNamespace() throws IOException {
        Path ov = home.resolve("ov");
        for (String d : List.of("lower", "upper", "work")) Files.createDirectories(ov.resolve(d));
        Files.writeString(ov.resolve("lower/f"), "low\n");
        chown(ov);
        String edit = "c['mounts'].append({'destination':'/ov','type':'overlay','source':'overlay','options':["
                + "'lowerdir=" + ov.resolve("lower") + "','upperdir=" + ov.resolve("upper") + "','workdir="
                + ov.resolve("work") + "']})";
        Path b = bundle("overlay", edit, "sh", "-c", "cat /ov/f && echo up > /ov/g");
        Jrun.Result r = jrun(b, "run", "rl-ov-" + TAG);
        assertEquals(0, r.code(), r.toString());
        assertEquals("low", r.out().trim());
        assertEquals("up\n", Files.readString(ov.resolve("upper/g")), "the write landed in the upper dir");
        assertEquals(uid, Files.getAttribute(ov.resolve("upper/g"), "unix:uid"), "owned by the user on the host");
    }

    private static long subStart(String file) throws IOException {
        for (String l : Files.readAllLines(Path.of(file))) {
            String[] f = l.split(":");
            if (f[0].equals(user)) return Long.parseLong(f[1]);
        }
        throw new AssertionError("useradd gave " + user + " no range in " + file);
    }

    /**
     * CVE-2023-25809: the rootless spec's /sys is an "rbind" with "ro", whose submounts stayed writable. With the
     * host's cgroup namespace and no cgroup mount (the advisory's configuration), a cgroup the user owns (one
     * delegated to it here) must not be writable from the container.
     */
    @Test
    void hostCgroupsUnderTheSysBindAreReadOnly() throws IOException {
        // the cgroup2 hierarchy: /sys/fs/cgroup/unified on a hybrid host, /sys/fs/cgroup on a v2 one
        Path unified = Files.exists(Path.of("/sys/fs/cgroup/unified/cgroup.procs")) ? Path.of("/sys/fs/cgroup/unified")
                : Path.of("/sys/fs/cgroup");
        Path delegated = unified.resolve("jrun-test-rootless-" + TAG);
        Files.createDirectories(delegated);
        chown(delegated);
        String edit = "c['linux']['namespaces']=[n for n in c['linux']['namespaces'] if n['type']!='cgroup']\n"
                + "c['mounts']=[m for m in c['mounts'] if m['destination']!='/sys/fs/cgroup']";
        Path b = bundle("cve", edit, "sh", "-c", "mkdir " + delegated + "/escape; echo rc=$?");
        Jrun.Result r = jrun(b, "run", "rl-cve-" + TAG);
        assertEquals(0, r.code(), r.toString());
        assertEquals("rc=1", r.out().trim(), r.toString());
        assertTrue(r.err().contains("Read-only file system"), r.toString());
        assertFalse(Files.exists(delegated.resolve("escape")));
    }

    @Test
    void featuresReportsRootless() {
        Jrun.Result r = jrun(home, "features");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("\"io.github.jrun.rootless\": \"true\""), r.out());
        assertTrue(r.out().contains("\"io.github.jrun.rootless.newuidmap\": \""
                + Files.isExecutable(Path.of("/usr/bin/newuidmap"))), r.out());
        // this test's user owns no cgroup on the host
        assertTrue(r.out().contains("\"io.github.jrun.rootless.cgroup\": \"none ("), r.out());
    }
}
