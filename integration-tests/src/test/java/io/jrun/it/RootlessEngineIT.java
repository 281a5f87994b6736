package io.jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A user's resident engine (docs/rootless.md, docs/architecture.md "Resident engine"): the front door of a
 * non-root caller dials, and starts, an engine of the caller's own under $XDG_RUNTIME_DIR/jrun-engine; that engine
 * serves the rootless lifecycle with the caller's environment; nobody else's call reaches it (a second user cannot
 * connect, root is refused by its uid check); an untrusted runtime dir sends the call to a JVM of its own. The
 * test (as root) makes two users (RootlessUser) and removes them, their engines and processes afterwards.
 */
class RootlessEngineIT {
    private static RootlessUser u;
    private static RootlessUser other;

    @BeforeAll
    static void createUsers() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")), "the rootless tests create users: they need root");
        u = RootlessUser.create("jrunue");
        other = RootlessUser.create("jrunuo");
    }

    @AfterAll
    static void removeUsers() throws IOException {
        for (RootlessUser r : new RootlessUser[] {u, other}) {
            if (r != null) r.remove();
        }
    }

    /** The user's call through the front door, never JRUN_DAEMON=off (this test is about the engine). */
    private static Jrun.Result call(Path cwd, String... args) {
        return u.jrun(cwd, Map.of("JRUN_ENGINE_WAIT_MS", "60000"), args);
    }

    private static Path engineDir() {
        return u.xdg.resolve("jrun-engine");
    }

    private static void assertEngine(Jrun.Result r) {
        assertTrue(r.err().contains("jrun-door: engine: " + engineDir() + "/engine-"), "through the user's engine: " + r);
    }

    private static void assertFallback(Jrun.Result r, String reason) {
        assertTrue(r.err().contains("jrun-door: fallback (own JVM): " + reason), "a JVM of its own (" + reason + "): " + r);
    }

    /** The engine the user's calls reach: one pid, a process of the user's uid running `jrun-jvm daemon`. */
    private static int enginePid() throws IOException {
        Set<Integer> pids = u.enginePids();
        assertEquals(1, pids.size(), "one engine of the user's: " + pids);
        int pid = pids.iterator().next();
        assertEquals(u.uid, RootlessUser.statusUid(pid), "the engine runs as the user");
        assertTrue(Files.readString(Path.of("/proc", Integer.toString(pid), "cmdline")).contains("daemon"));
        return pid;
    }

    @Test
    void theLifecycleGoesThroughTheUsersEngineWithTheCallersEnvironment() throws IOException {
        Path b = u.bundle("life", "", "sleep", "300");
        String id = "ue-" + u.name;
        assertEquals(0, u.jrun(u.home, Map.of(), "daemon", "--stop").code()); // whatever another test left running
        Jrun.Result c = call(b, "--debug", "create", id);
        assertEquals(0, c.code(), c.toString());
        assertEngine(c);
        assertTrue(c.err().contains("jrun-door: no engine answered; starting one: " + engineDir() + "/engine-"),
                "the first call started the user's engine: " + c);
        int engine = enginePid();
        // the default root is the caller's $XDG_RUNTIME_DIR/jrun, though the engine's own environment has no XDG_RUNTIME_DIR
        Path stateDir = u.xdg.resolve("jrun").resolve(id);
        assertTrue(Files.isRegularFile(stateDir.resolve("state.json")), "state under the caller's $XDG_RUNTIME_DIR/jrun");
        Jrun.Result st = call(b, "--debug", "state", id);
        assertEngine(st);
        assertTrue(st.out().contains("\"status\": \"created\""), st.toString());
        Jrun.Result start = call(b, "--debug", "start", id);
        assertEquals(0, start.code(), start.toString());
        assertEngine(start);
        Jrun.Result list = call(b, "--debug", "list");
        assertEngine(list);
        assertTrue(list.out().contains(id), list.toString());
        int pid = Integer.parseInt(st.out().replaceAll("(?s).*\"pid\": (\\d+).*", "$1"));
        assertEquals(u.uid, RootlessUser.statusUid(pid), "the container's process is the user's uid outside");
        Jrun.Result in = call(b, "--debug", "exec", id, "sh", "-c", "id -u; cat /proc/self/uid_map");
        assertEquals(0, in.code(), in.toString());
        assertEngine(in);
        String[] lines = in.out().trim().split("\n");
        assertEquals("0", lines[0], "root inside: " + in);
        assertEquals(List.of("0", Integer.toString(u.uid), "1"), List.of(lines[1].trim().split("\\s+")));
        Jrun.Result ed = call(b, "--debug", "exec", "-d", id, "sleep", "300");
        assertEquals(0, ed.code(), ed.toString());
        assertEngine(ed);
        Jrun.Result kill = call(b, "--debug", "kill", id, "KILL");
        assertEquals(0, kill.code(), kill.toString());
        assertEngine(kill);
        for (int i = 0; i < 100 && !"stopped".equals(u.status(b, id)); i++) RootlessUser.sleep(50);
        Jrun.Result d = call(b, "--debug", "delete", id);
        assertEquals(0, d.code(), d.toString());
        assertEngine(d);
        assertFalse(Files.exists(stateDir), "state dir removed");
        u.assertNoProcessLeft();
        assertEquals(engine, enginePid(), "one engine served every call");
    }

    @Test
    void runWithSubordinateIdsUsesNewuidmapThroughTheEngine() throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/newuidmap")), "uidmap is installed by make deps");
        long sub = subStart("/etc/subuid");
        long subg = subStart("/etc/subgid");
        String edit = "c['linux']['uidMappings']=[{'containerID':0,'hostID':" + u.uid + ",'size':1},"
                + "{'containerID':1,'hostID':" + sub + ",'size':65536}]\n"
                + "c['linux']['gidMappings']=[{'containerID':0,'hostID':" + u.gid + ",'size':1},"
                + "{'containerID':1,'hostID':" + subg + ",'size':65536}]";
        Path b = u.bundle("multi", edit, "sh", "-c", "wc -l < /proc/self/uid_map; exit 7");
        Jrun.Result r = call(b, "--debug", "run", "ue-multi-" + u.name);
        assertEquals(7, r.code(), r.toString());
        assertEngine(r);
        assertEquals("2", r.out().trim(), "two ranges mapped by newuidmap: " + r);
        assertFalse(Files.exists(u.xdg.resolve("jrun").resolve("ue-multi-" + u.name)));
        u.assertNoProcessLeft();
    }

    private static long subStart(String file) throws IOException {
        for (String l : Files.readAllLines(Path.of(file))) {
            String[] f = l.split(":");
            if (f[0].equals(u.name)) return Long.parseLong(f[1]);
        }
        throw new AssertionError("no range for " + u.name + " in " + file);
    }

    /** A frame as door.c builds it ("state x", umask 022, no environment) with fds 0-2 and a cwd, on SEQPACKET. */
    private static final String RAW_CALL = """
            import os, socket, struct, sys
            s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
            try:
                s.connect(sys.argv[1])
            except OSError as e:
                print('connect: ' + e.strerror); sys.exit(0)
            args = [b'state', b'x']
            body = struct.pack('>I', 0o22) + struct.pack('>I', len(args)) + b''.join(struct.pack('>I', len(a)) + a for a in args) + struct.pack('>I', 0)
            frame = struct.pack('>IHHI', 0x4A52554E, 1, 0, 12 + len(body)) + body
            cwd = os.open('/', os.O_PATH)
            socket.send_fds(s, [frame], [0, 1, 2, cwd])
            r = s.recv(600)
            magic, ver, kind, status = struct.unpack('>IHHI', r[:12])
            print('kind %d: %s' % (kind, r[12:].decode()))
            """;

    @Test
    void nobodyElseReachesTheUsersEngine() throws IOException {
        Jrun.Result first = call(u.home, "--debug", "list");
        assertEngine(first);
        Path socket;
        try (var s = Files.list(engineDir())) {
            socket = s.filter(f -> f.toString().endsWith(".sock")).findFirst().orElseThrow();
        }
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(engineDir())));
        assertEquals(u.uid, Files.getAttribute(engineDir(), "unix:uid"));
        // root may connect (it bypasses the directory's mode), but the engine serves its own uid alone
        Jrun.Result root = Jrun.exec(null, List.of("python3", "-c", RAW_CALL, socket.toString()));
        assertEquals("kind 3: caller's uid 0 is not the engine's (" + u.uid + ")", root.out().trim(), root.toString());
        // a second user cannot even connect: the directory is the first user's, 0700
        Jrun.Result second = Jrun.exec(null, List.of("setpriv", "--reuid=" + other.uid, "--regid=" + other.gid,
                "--clear-groups", "/usr/bin/python3", "-c", RAW_CALL, socket.toString()));
        assertEquals("connect: Permission denied", second.out().trim(), second.toString());
        // and neither front door dials it: the directory is not the caller's
        Jrun.Result otherDoor = other.jrun(other.home, Map.of("JRUN_ENGINE_SOCKET", socket.toString()), "--debug", "list");
        assertEquals(0, otherDoor.code(), otherDoor.toString());
        assertFallback(otherDoor, "no engine directory"); // it may not even look into the first user's runtime dir
        Jrun.Result rootDoor = Jrun.exec(null, List.of(Jrun.BIN, "--debug", "--root", u.xdg.resolve("jrun").toString(), "list"),
                Path.of("/dev/null"), Map.of("JRUN_ENGINE_SOCKET", socket.toString(), "JRUN_DAEMON", "on"));
        assertEquals(0, rootDoor.code(), rootDoor.toString());
        assertFallback(rootDoor, "engine directory not private to this uid");
    }

    @Test
    void anUntrustedRuntimeDirSendsTheCallToAJvmOfItsOwn() throws IOException {
        Path groupWritable = Path.of("/run/user", "jrun-it-gw-" + u.name);
        Path rootOwned = Path.of("/run/user", "jrun-it-root-" + u.name);
        Path openParent = Path.of("/run/user", "jrun-it-open-" + u.name);
        try {
            Files.createDirectories(groupWritable);
            u.chown(groupWritable);
            Files.setPosixFilePermissions(groupWritable, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwx---"));
            Files.createDirectories(rootOwned);
            Files.setPosixFilePermissions(rootOwned, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            Path inOpen = openParent.resolve("xdg");
            Files.createDirectories(inOpen);
            Files.setPosixFilePermissions(openParent, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
            u.chown(inOpen);
            Files.setPosixFilePermissions(inOpen, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            String notOwn = "XDG_RUNTIME_DIR is not a directory of this uid's that nobody else may write";
            Map<Path, String> cases = Map.of(groupWritable, notOwn, rootOwned, notOwn,
                    inOpen, "a directory above XDG_RUNTIME_DIR is not root's or this uid's alone");
            for (var e : cases.entrySet()) {
                Jrun.Result r = u.jrun(u.home, Map.of("XDG_RUNTIME_DIR", e.getKey().toString()), "--debug", "--root",
                        u.home.resolve("state").toString(), "list");
                assertEquals(0, r.code(), r.toString());
                assertFallback(r, e.getValue());
                assertFalse(Files.exists(e.getKey().resolve("jrun-engine")), "no engine directory made in " + e.getKey());
            }
            Map<String, String> unset = new HashMap<>();
            unset.put("XDG_RUNTIME_DIR", null);
            Jrun.Result none = u.jrun(u.home, unset, "--debug", "--root", u.home.resolve("state").toString(), "list");
            assertFallback(none, "not root and no XDG_RUNTIME_DIR");
            Jrun.Result relative = u.jrun(u.home, Map.of("XDG_RUNTIME_DIR", "run"), "--debug", "--root",
                    u.home.resolve("state").toString(), "list");
            assertFallback(relative, "XDG_RUNTIME_DIR is not an absolute path");
            // the user's own engine directory, opened to others, is refused too (not repaired)
            call(u.home, "list");
            Files.setPosixFilePermissions(engineDir(), java.nio.file.attribute.PosixFilePermissions.fromString("rwx--x--x"));
            Jrun.Result open = call(u.home, "--debug", "list");
            assertFallback(open, "engine directory not private to this uid");
        } finally {
            if (Files.isDirectory(engineDir())) {
                Files.setPosixFilePermissions(engineDir(), java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
            }
            for (Path p : List.of(groupWritable, rootOwned, openParent)) ItBase.deleteTree(p);
        }
    }

    @Test
    void daemonStopAsTheUserStopsTheUsersEngineAndAnIdleOneLeaves() throws IOException {
        assertEngine(call(u.home, "--debug", "list"));
        int pid = enginePid();
        Jrun.Result stop = u.jrun(u.home, Map.of(), "daemon", "--stop");
        assertEquals(0, stop.code(), stop.toString());
        assertFalse(Files.exists(Path.of("/proc", Integer.toString(pid))), "the engine is gone");
        try (var s = Files.list(engineDir())) {
            assertEquals(List.of(), s.filter(f -> f.toString().endsWith(".sock")).toList(), "its socket removed");
        }
        // the idle timeout, as for root's engine: JRUN_ENGINE_IDLE_TIMEOUT reaches the engine the door starts
        Jrun.Result again = u.jrun(u.home, Map.of("JRUN_ENGINE_IDLE_TIMEOUT", "1", "JRUN_ENGINE_WAIT_MS", "60000"),
                "--debug", "list");
        assertEngine(again);
        int idle = enginePid();
        assertTrue(idle != pid, "a new engine");
        for (int i = 0; i < 200 && Files.exists(Path.of("/proc", Integer.toString(idle))); i++) RootlessUser.sleep(50);
        assertFalse(Files.exists(Path.of("/proc", Integer.toString(idle))), "the idle engine left within 10 s");
    }
}
