package io.jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The resident engine (docs/architecture.md "Resident engine"): calls that go through the front door
 * and the engine print, write and exit exactly as the one-JVM path does, and every way the engine can be missing,
 * dead, stale or refusing leaves the call working. Each test has its own engine on a private socket
 * (JRUN_ENGINE_SOCKET) and stops it by the pid in SOCKET.pid: nothing is left running.
 */
class EngineIT extends ItBase {
    private Path socket;
    private Map<String, String> engineEnv;

    @BeforeEach
    void engine() throws IOException {
        Path door = libDir().resolve("jrun-door");
        assumeTrue(Files.isExecutable(door), "no resident engine's front door beside " + Jrun.BIN);
        Path dir = work.resolve("engine");
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        socket = dir.resolve("e.sock");
        // A generous wait: the first call of a test is then served by the engine it starts, not by chance.
        engineEnv = Map.of("JRUN_DAEMON", "on", "JRUN_ENGINE_SOCKET", socket.toString(), "JRUN_ENGINE_WAIT_MS", "60000");
    }

    @AfterEach
    void stopEngine() throws Exception {
        if (socket == null) return;
        long pid = enginePid();
        if (pid > 0) {
            new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor();
            waitGone((int) pid);
        }
        assertTrue(engines().isEmpty(), "an engine left running: " + engines());
    }

    /** LIBDIR: where the installed jrun (the front door, a link to LIBDIR/jrun-door) points. */
    private static Path libDir() throws IOException {
        return Path.of(Jrun.BIN).toRealPath().getParent();
    }

    /** The running engine's pid from SOCKET.pid, or -1. */
    private long enginePid() throws IOException {
        Path pidFile = Path.of(socket + ".pid");
        if (!Files.exists(pidFile)) return -1;
        String s = Files.readString(pidFile).trim();
        return s.isEmpty() ? -1 : Long.parseLong(s);
    }

    /** Every process whose command line names this test's socket. */
    private List<String> engines() throws IOException {
        List<String> found = new ArrayList<>();
        try (var procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().matches("[0-9]+")).toList()) {
                try {
                    String cmd = new String(Files.readAllBytes(p.resolve("cmdline"))).replace('\0', ' ');
                    if (cmd.contains(socket.toString()) && !Files.readString(p.resolve("stat")).contains(") Z")) {
                        found.add(p.getFileName() + ": " + cmd);
                    }
                } catch (IOException e) {
                    // exited while we looked
                }
            }
        }
        return found;
    }

    private Jrun.Result viaEngine(Path cwd, String... args) {
        return Jrun.exec(cwd, command(args), Path.of("/dev/null"), engineEnv);
    }

    private Jrun.Result viaJvm(Path cwd, String... args) {
        return Jrun.exec(cwd, command(args), Path.of("/dev/null"), Map.of("JRUN_DAEMON", "off"));
    }

    private List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Jrun.BIN, "--root", jrun.root.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** The same call through the engine and through a JVM of its own: same exit status, stdout and stderr. */
    private Jrun.Result same(String... args) {
        Jrun.Result jvm = viaJvm(null, args);
        Jrun.Result eng = viaEngine(null, args);
        assertEquals(jvm.toString(), eng.toString(), String.join(" ", args));
        return eng;
    }

    private void assertServedByEngine(Jrun.Result r) {
        assertTrue(r.err().contains("jrun-door: engine: " + socket), r.toString());
    }

    @Test
    void errorsAndReadsMatchTheJvmPath() throws Exception {
        ok("create", "--bundle", bundle("c1", List.of("sleep", "1000")).toString(), "c1");
        assertServedByEngine(viaEngine(null, "--debug", "state", "nope"));
        Jrun.Result missing = same("state", "nope");
        assertEquals(1, missing.code());
        assertEquals("jrun: container does not exist\n", missing.err());
        same("start", "nope");
        same("kill", "nope");
        same("kill", "nope", "KILL");
        same("delete", "nope");
        same("delete", "--force", "nope");
        same("kill", "c1", "NOSUCHSIGNAL");
        same("state");
        same("state", "c1");
        same("list");
        same("list", "-q");
        same("list", "--format", "json");
        same("--log", work.resolve("log.json").toString(), "--log-format", "json", "state", "nope");
    }

    @Test
    void lifecycleThroughTheEngine() throws Exception {
        ok("create", "--bundle", bundle("c1", List.of("sleep", "1000")).toString(), "c1");
        Jrun.Result start = viaEngine(null, "--debug", "start", "c1");
        assertEquals(0, start.code(), start.toString());
        assertServedByEngine(start);
        assertEquals("running", status("c1"));
        same("state", "c1");
        same("start", "c1"); // already running: the same error both ways
        same("delete", "c1"); // running, not forced
        int pid = statePid("c1");
        Jrun.Result kill = viaEngine(null, "--debug", "kill", "c1", "KILL");
        assertEquals(0, kill.code(), kill.toString());
        assertServedByEngine(kill);
        assertTrue(waitGone(pid));
        same("state", "c1");
        Jrun.Result delete = viaEngine(null, "--debug", "delete", "c1");
        assertEquals(0, delete.code(), delete.toString());
        assertServedByEngine(delete);
        same("state", "c1");
    }

    @Test
    void relativeRootFromTheCallersCwd() throws Exception {
        ok("create", "--bundle", bundle("c1", List.of("sleep", "1000")).toString(), "c1");
        Path elsewhere = Files.createDirectory(work.resolve("elsewhere"));
        List<String> cmd = List.of(Jrun.BIN, "--debug", "--root", "../state", "state", "c1");
        Jrun.Result eng = Jrun.exec(elsewhere, cmd, Path.of("/dev/null"), engineEnv);
        assertServedByEngine(eng);
        Jrun.Result jvm = Jrun.exec(elsewhere, cmd, Path.of("/dev/null"), Map.of());
        assertEquals(0, eng.code(), eng.toString());
        assertEquals(jvm.out(), eng.out());
        assertEquals(same("state", "c1").out(), eng.out());
        // --log relative to the caller's cwd, not the engine's
        Jrun.Result log = Jrun.exec(elsewhere, List.of(Jrun.BIN, "--root", "../state", "--log", "rel.log", "state",
                "nope"), Path.of("/dev/null"), engineEnv);
        assertEquals(1, log.code());
        assertTrue(Files.readString(elsewhere.resolve("rel.log")).contains("container does not exist"));
    }

    @Test
    void anEngineKilledMidwayIsReplaced() throws Exception {
        assertServedByEngine(viaEngine(null, "--debug", "list"));
        long first = enginePid();
        assertTrue(first > 0);
        new ProcessBuilder("kill", "-9", Long.toString(first)).start().waitFor();
        assertTrue(waitGone((int) first));
        assertTrue(Files.exists(socket), "kill -9 leaves the socket file: the next engine must replace it");
        Jrun.Result r = viaEngine(null, "--debug", "state", "nope");
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().endsWith("jrun: container does not exist\n"), r.toString());
        assertServedByEngine(r);
        assertNotEquals(first, enginePid());
    }

    @Test
    void aStaleSocketFileIsReplaced() throws Exception {
        // a socket file nobody listens on, as a crashed engine leaves it
        Process p = new ProcessBuilder("python3", "-c",
                "import socket,sys; s=socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET); s.bind(sys.argv[1])",
                socket.toString()).start();
        assertEquals(0, p.waitFor());
        assertTrue(Files.exists(socket));
        Jrun.Result r = viaEngine(null, "--debug", "list", "-q");
        assertEquals(0, r.code(), r.toString());
        assertServedByEngine(r);
    }

    @Test
    void aCallerInAnotherNetworkNamespaceFallsBack() throws Exception {
        assertServedByEngine(viaEngine(null, "--debug", "list")); // the engine is up
        List<String> cmd = new ArrayList<>(List.of("unshare", "-n"));
        cmd.addAll(command("--debug", "state", "nope"));
        Jrun.Result r = Jrun.exec(null, cmd, Path.of("/dev/null"), engineEnv);
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("jrun-door: fallback (own JVM): caller in other namespaces"), r.toString());
        assertTrue(r.err().endsWith("jrun: container does not exist\n"), r.toString());
    }

    @Test
    void commandsNotForwardedRunInTheirOwnJvm() throws Exception {
        Jrun.Result r = viaEngine(null, "--debug", "features");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("jrun-door: fallback (own JVM): subcommand not served"), r.toString());
        assertEquals(viaJvm(null, "features").out(), r.out());
        assertFalse(Files.exists(Path.of(socket + ".pid")), "no engine started for calls it does not serve");
        // --version is the engine's (a probe must not cost a JVM start); --help stays a JVM's
        Jrun.Result version = viaEngine(null, "--version");
        assertEquals(viaJvm(null, "--version").toString(), version.toString());
        assertTrue(enginePid() > 0, "--version goes to the engine");
        assertServedByEngine(viaEngine(null, "--debug", "--version"));
        Jrun.Result help = viaEngine(null, "--debug", "--help");
        assertTrue(help.err().contains("jrun-door: fallback (own JVM): no subcommand"), help.toString());
    }

    /**
     * A caller that closes its pipe early ({@code jrun --version | head -c1}) made the engine's shared stdout keep
     * the unwritten bytes, and the next call (a container's {@code run}, in the e2e) printed them first: no byte
     * may pass from one call's stdout or stderr to another's.
     */
    @Test
    void outputACallerDidNotReadNeverReachesTheNextCall() throws Exception {
        // each call's stdout (then stderr) is a pipe whose reader is already gone: every write the engine makes fails
        String script = """
                import os, subprocess, sys
                for i in range(3):
                    for which, args in ((1, ['--version']), (2, ['state', 'nope'])):
                        r, w = os.pipe()
                        os.close(r)
                        out = w if which == 1 else subprocess.DEVNULL
                        err = w if which == 2 else subprocess.DEVNULL
                        subprocess.run(sys.argv[1:] + args, stdout=out, stderr=err)
                        os.close(w)
                sys.stdout.flush()
                sys.exit(subprocess.run(sys.argv[1:] + ['list']).returncode)
                """;
        List<String> cmd = new ArrayList<>(List.of("python3", "-c", script));
        cmd.addAll(command());
        Jrun.Result r = Jrun.exec(null, cmd, Path.of("/dev/null"), engineEnv);
        assertEquals(0, r.code(), r.toString());
        assertTrue(enginePid() > 0, "the calls went to the engine");
        assertEquals(viaJvm(null, "list").out(), r.out(), "nothing of an earlier call's stdout: " + r);
        assertEquals("", r.err(), "nothing of an earlier call's stderr: " + r);
    }

    /**
     * A relative linux.cgroupsPath goes under the caller's own cgroup (runc's rule), through the engine as in a JVM of
     * its own: the engine is not in its callers' cgroups, so it must read the caller's. The caller here is a shell
     * the test moves into a cgroup of its own in every hierarchy (so nothing lands under the test JVM's cgroups).
     */
    @Test
    void aRelativeCgroupsPathGoesUnderTheCallersCgroup() throws Exception {
        Path pids = Path.of("/sys/fs/cgroup/pids");
        assumeTrue(Files.isDirectory(pids), "a v1 pids hierarchy (hybrid host)");
        String name = "rel-" + cgroupParent.substring(cgroupParent.lastIndexOf('/') + 1);
        Path b = work.resolve("rel");
        Files.createDirectories(b);
        Bundles.rootfs(b);
        Files.writeString(b.resolve("config.json"), Bundles.config(List.of("sleep", "100"), name, Map.of(), Map.of(), null));
        String caller = cgroupParent + "/caller";
        // (not cpuset: a new v1 cpuset cgroup has no cpus to run on; the shell stays in its root there)
        String move = "for h in /sys/fs/cgroup/*/; do [ -f \"$h/cgroup.procs\" ] && [ \"$h\" != /sys/fs/cgroup/cpuset/ ] "
                + "|| continue; mkdir -p \"$h" + caller
                + "\" && echo $$ > \"$h" + caller + "/cgroup.procs\" || exit 9; done; exec \"$@\"";
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", move, "move"));
        cmd.addAll(command("--debug", "create", "--bundle", b.toString(), "c1"));
        Jrun.Result r = Jrun.exec(null, cmd, Path.of("/dev/null"), engineEnv);
        assertEquals(0, r.code(), r.toString());
        assertServedByEngine(r);
        String init = ok("state", "c1").out().replaceAll("(?s).*\"pid\": (\\d+).*", "$1");
        Path procs = pids.resolve(caller.substring(1)).resolve(name).resolve("cgroup.procs");
        assertTrue(Files.exists(procs), "the container's cgroup under the caller's: " + procs + "; init in "
                + Files.readString(Path.of("/proc", init, "cgroup")));
        assertEquals(init, Files.readString(procs).trim());
    }

    @Test
    void malformedFramesAreRefusedAndTheEngineSurvives() throws Exception {
        assertServedByEngine(viaEngine(null, "--debug", "list"));
        long pid = enginePid();
        // garbage, a bad magic, a truncated header, a length that lies, a valid header without fds, a huge count
        String script = """
                import socket, struct, sys, os
                def frame(argv, env=(), length=None):
                    body = struct.pack('>I', 0o22) + struct.pack('>I', len(argv))
                    for a in argv: body += struct.pack('>I', len(a)) + a
                    body += struct.pack('>I', len(env))
                    for e in env: body += struct.pack('>I', len(e)) + e
                    n = 12 + len(body) if length is None else length
                    return struct.pack('>IHHI', 0x4A52554E, 1, 0, n) + body
                bad = [b'', b'x', os.urandom(100), b'JRUX' + bytes(40), frame([b'state', b'x'])[:10],
                       frame([b'state', b'x'], length=7), frame([b'state', b'x']),
                       struct.pack('>IHHIII', 0x4A52554E, 1, 0, 24, 0o22, 0x7fffffff) + bytes(4),
                       frame([b'state\\x01'], length=None), frame([b'features'])]
                fds = [0, 1, 2, os.open('.', os.O_RDONLY)]
                for i, b in enumerate(bad):
                    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
                    s.connect(sys.argv[1])
                    if i % 2: s.sendmsg([b], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, bytes(struct.pack('4i', *fds)))])
                    else: s.send(b)
                    r = s.recv(600)
                    assert r == b'' or (r[:4] == b'JRUN' and r[6:8] == b'\\x00\\x03'), (i, r)
                    s.close()
                print('refused', len(bad))
                """;
        Process p = new ProcessBuilder("python3", "-c", script, socket.toString()).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.exitValue(), out);
        Jrun.Result r = viaEngine(null, "--debug", "state", "nope");
        assertServedByEngine(r);
        assertEquals(pid, enginePid(), "the same engine serves on");
    }

    @Test
    void anIdleEngineExitsAndRemovesItsSocket() throws Exception {
        Path jvm = libDir().resolve("jrun-jvm");
        Process d = new ProcessBuilder(jvm.toString(), "daemon", "--socket", socket.toString(), "--idle-timeout", "1")
                .redirectErrorStream(true).start();
        try {
            assertTrue(d.waitFor(60, TimeUnit.SECONDS), "engine did not exit when idle");
            String out = new String(d.getInputStream().readAllBytes());
            assertEquals(0, d.exitValue(), out);
            assertTrue(out.contains("serving " + socket), out);
            assertFalse(Files.exists(socket));
        } finally {
            d.destroyForcibly();
        }
    }

    /**
     * Runs {@code jrun ARGS} through the engine under a python child subreaper, reads the pid file the call wrote
     * and prints the parent of that process as the subreaper sees it: "MINE" when it is the subreaper itself.
     */
    private String parentAfter(String pidFile, String... args) throws Exception {
        String script = """
                import ctypes, os, subprocess, sys, tempfile
                assert ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0  # PR_SET_CHILD_SUBREAPER
                # stderr to a file: the container keeps the call's stdio open, a pipe would never reach EOF
                err = tempfile.TemporaryFile(mode='w+')
                r = subprocess.run(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
                err.seek(0)
                text = err.read()
                assert r.returncode == 0 and 'jrun-door: engine' in text, (r.returncode, text)
                pid = open(sys.argv[1]).read().strip()
                ppid = int(open('/proc/%s/stat' % pid).read().rsplit(')', 1)[1].split()[1])
                print('MINE' if ppid == os.getpid() else 'parent %d' % ppid)
                """;
        List<String> cmd = new ArrayList<>(List.of("python3", "-c", script, pidFile));
        cmd.addAll(command(args));
        Jrun.Result r = Jrun.exec(null, cmd, Path.of("/dev/null"), engineEnv);
        assertEquals(0, r.code(), r.toString());
        return r.out().trim();
    }

    /**
     * create, run -d and exec -d run in the engine, but the front door spawns jrun-init: the container's processes
     * end up children of the caller's subreaper (a shim, conmon), exactly as with a JVM of its own.
     */
    @Test
    void launchesLeaveTheContainerInTheCallersProcessTree() throws Exception {
        Path b = bundle("c1", List.of("sleep", "1000"));
        String pid1 = work.resolve("c1.pid").toString();
        assertEquals("MINE", parentAfter(pid1, "--debug", "create", "--bundle", b.toString(), "--pid-file", pid1, "c1"));
        assertEquals("created", status("c1"));
        ok("start", "c1");
        String pid2 = work.resolve("exec.pid").toString();
        assertEquals("MINE", parentAfter(pid2, "--debug", "exec", "-d", "--pid-file", pid2, "c1", "sleep", "999"));
        Path b2 = bundle("c2", List.of("sleep", "1000"));
        String pid3 = work.resolve("c2.pid").toString();
        assertEquals("MINE", parentAfter(pid3, "--debug", "run", "-d", "--bundle", b2.toString(), "--pid-file", pid3, "c2"));
        assertEquals("running", status("c2"));
        // the bundle recorded is the caller's, resolved against the caller's cwd (not the engine's "/")
        Path b3 = bundle("c3", List.of("sleep", "1000"));
        Jrun.Result rel = Jrun.exec(work, command("--debug", "create", "--bundle", "c3", "c3"), Path.of("/dev/null"), engineEnv);
        assertEquals(0, rel.code(), rel.toString());
        assertServedByEngine(rel);
        assertTrue(ok("state", "c3").out().contains("\"bundle\": \"" + b3 + "\""), ok("state", "c3").out());
        // a terminal in the foreground stays with a JVM of its own (the relay needs the caller's stdio throughout)
        Jrun.Result tty = viaEngine(null, "--debug", "exec", "-t", "c1", "true");
        assertTrue(tty.err().contains("jrun-door: fallback (own JVM): exec in the foreground with a terminal"), tty.toString());
    }

    /** --preserve-fds: the caller's fds reach the container through the helper the front door spawns. */
    @Test
    void preservedFdsReachTheContainer() throws Exception {
        Path b = bundle("c1", List.of("sh", "-c", "echo through-fd-3 >&3"));
        Path out = work.resolve("fd3.out");
        List<String> cmd = new ArrayList<>(List.of("bash", "-c", "exec 3>\"$0\"; exec \"$@\"", out.toString()));
        cmd.addAll(command("--debug", "run", "-d", "--preserve-fds", "1", "--bundle", b.toString(), "c1"));
        Jrun.Result r = Jrun.exec(null, cmd, Path.of("/dev/null"), engineEnv);
        assertEquals(0, r.code(), r.toString());
        assertServedByEngine(r);
        for (int i = 0; i < 500 && !Files.readString(out).contains("\n"); i++) Thread.sleep(10);
        assertEquals("through-fd-3\n", Files.readString(out));
    }

    /**
     * kill -9 of the engine in the middle of a create (here while its createRuntime hook runs): the call fails
     * with a clear error, and delete --force leaves no process and no cgroup behind; the next call gets a new
     * engine.
     */
    @Test
    void anEngineKilledDuringCreateLeavesNothingDeleteCannotClean() throws Exception {
        Path marker = work.resolve("hook-ran");
        Path b = bundle("c1", List.of("sleep", "1000"), Map.of(), Map.of(), "\"hooks\": {\"createRuntime\": [{\"path\": "
                + "\"/bin/sh\", \"args\": [\"sh\", \"-c\", \"touch " + marker + "; exec sleep 3\"]}]}");
        assertServedByEngine(viaEngine(null, "--debug", "list"));
        long engine = enginePid();
        ProcessBuilder pb = new ProcessBuilder(command("create", "--bundle", b.toString(), "c1"))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(engineEnv);
        Process create = pb.start();
        for (int i = 0; i < 1000 && !Files.exists(marker); i++) Thread.sleep(10);
        assertTrue(Files.exists(marker), "the hook never ran");
        int init = Integer.parseInt(Files.readString(jrun.root.resolve("c1/state.json")).replaceAll("(?s).*\"pid\":\\s*(\\d+).*", "$1"));
        new ProcessBuilder("kill", "-9", Long.toString(engine)).start().waitFor();
        assertTrue(create.waitFor(60, TimeUnit.SECONDS));
        String err = new String(create.getErrorStream().readAllBytes());
        assertEquals(1, create.exitValue(), err);
        assertTrue(err.contains("the resident engine exited during the call"), err);
        Jrun.Result del = viaEngine(null, "delete", "--force", "c1");
        assertEquals(0, del.code(), del.toString());
        assertTrue(waitGone(init), "the container's init survived delete --force");
        for (String h : new String[] {"pids", "memory", "cpu", "devices", "freezer"}) {
            Path cg = Path.of("/sys/fs/cgroup", h, cgroupParent, "c1");
            assertFalse(Files.exists(cg), cg + " left behind");
        }
        assertNotEquals(engine, enginePid());
    }

    /**
     * Foreground run and exec through the engine: the front door becomes the subreaper, waits for the process and
     * forwards signals; exit statuses, stdout and stderr are a JVM's; run deletes the container after.
     */
    @Test
    void foregroundRunAndExecThroughTheEngine() throws Exception {
        Path b = bundle("c1", List.of("sh", "-c", "echo out; echo err >&2; exit 3"));
        Jrun.Result run = viaEngine(null, "--debug", "run", "--bundle", b.toString(), "c1");
        assertServedByEngine(run);
        assertEquals(3, run.code(), run.toString());
        assertEquals("out\n", run.out());
        assertTrue(run.err().contains("\nerr\n"), run.toString());
        same("state", "c1"); // deleted after the run, both ways: "does not exist"
        ok("create", "--bundle", bundle("c2", List.of("sleep", "1000")).toString(), "c2");
        ok("start", "c2");
        String[] exec = {"exec", "c2", "sh", "-c", "echo to-out; echo to-err >&2; exit 4"};
        Jrun.Result jvm = viaJvm(null, exec);
        Jrun.Result eng = viaEngine(null, exec);
        assertEquals(jvm.toString(), eng.toString());
        assertEquals(4, eng.code(), eng.toString());
        assertServedByEngine(viaEngine(null, "--debug", "exec", "c2", "true"));
    }

    /**
     * A foreground run that lasts does not hold up the engine: other calls are served meanwhile; a SIGTERM to the
     * caller reaches the container (a trap in its shell), and the caller exits with the container's status.
     */
    @Test
    void aLongForegroundRunLetsOtherCallsThroughAndGetsTheCallersSignals() throws Exception {
        Path out = work.resolve("run.out");
        Path b = bundle("c1", List.of("sh", "-c", "trap 'exit 7' TERM; echo ready; while :; do sleep 0.05; done"));
        ProcessBuilder pb = new ProcessBuilder(command("run", "--bundle", b.toString(), "c1"))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).redirectOutput(out.toFile());
        pb.environment().putAll(engineEnv);
        Process run = pb.start();
        for (int i = 0; i < 1000 && !Files.readString(out).contains("ready"); i++) Thread.sleep(10);
        assertTrue(Files.readString(out).contains("ready"), "the container never started");
        Jrun.Result state = viaEngine(null, "--debug", "state", "c1");
        assertServedByEngine(state);
        assertTrue(state.out().contains("\"status\": \"running\""), state.toString());
        new ProcessBuilder("kill", "-TERM", Long.toString(run.pid())).start().waitFor();
        assertTrue(run.waitFor(60, TimeUnit.SECONDS), "run did not end on SIGTERM");
        assertEquals(7, run.exitValue(), new String(run.getErrorStream().readAllBytes()));
        same("state", "c1");
    }

    /**
     * A foreground run whose config.json is /dev/zero (or a FIFO): the engine's look for "terminal" must not read
     * it (it once ran the engine out of heap); the call gets a JVM's error, and the engine serves on.
     */
    @Test
    void aConfigTheEngineMustNotReadGoesToAJvm() throws Exception {
        assertServedByEngine(viaEngine(null, "--debug", "list"));
        long pid = enginePid();
        Path b = Files.createDirectories(work.resolve("zero"));
        Files.createSymbolicLink(b.resolve("config.json"), Path.of("/dev/zero"));
        Jrun.Result jvm = viaJvm(null, "run", "--bundle", b.toString(), "z");
        Jrun.Result eng = viaEngine(null, "run", "--bundle", b.toString(), "z");
        assertEquals(jvm.toString(), eng.toString());
        assertNotEquals(0, eng.code());
        assertServedByEngine(viaEngine(null, "--debug", "state", "nope"));
        assertEquals(pid, enginePid(), "the same engine serves on");
        assertFalse(Files.readString(Path.of(socket + ".log")).contains("OutOfMemoryError"));
    }
}
