package io.jrun.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The hardening issue's validation items, through the installed binary: ids outside 0..2^31-1 (item 2), negative
 * device numbers (3), the deprecated kernel memory limits (10), bounded reads of config.json, process.json and
 * state.json (12), the launcher's JVM environment (13), checkpoint/restore --help (14), and errors that name the
 * field and quote a bounded value (15).
 */
class HardeningValidationIT extends ItBase {
    private static final String RANGE = "uids and gids must be in range 0-2147483647";

    private void assertNothingLeftBehind(String id) throws IOException {
        assertEquals("", ok("list", "-q").out().strip(), "no container left in the state root");
        try (Stream<Path> s = Files.list(Path.of("/sys/fs/cgroup"))) {
            for (Path h : s.toList()) {
                assertFalse(Files.exists(Path.of(h + cgroupParent + "/" + id)), "cgroup left behind in " + h);
            }
        }
    }

    /** create fails with exactly {@code err} (one line) and leaves nothing behind. */
    private void createFails(Path bundle, String id, String err) throws IOException {
        Jrun.Result r = jrun.run("create", "--bundle", bundle.toString(), id);
        assertNotEquals(0, r.code(), r::toString);
        assertEquals(err, r.err().strip(), r::toString);
        assertNothingLeftBehind(id);
    }

    /** config.json text with {@code member} added first to its top-level object (no regex: values hold backslashes). */
    private static String withTop(String config, String member) {
        int brace = config.indexOf('{');
        return config.substring(0, brace + 1) + member + "," + config.substring(brace + 1);
    }

    // ------------------------------------------------------------------ item 2: uid/gid 2^32-1

    @Test
    void idsOutsideTheSignedRangeAreRefusedNamingTheField() throws Exception {
        record Case(String id, Map<String, String> process, Map<String, String> linux, String field) {}
        String userns = "[{\"type\": \"pid\"}, {\"type\": \"mount\"}, {\"type\": \"user\"}, {\"type\": \"uts\"}]";
        for (Case c : List.of(
                new Case("uid", Map.of("user", "{\"uid\": 4294967295, \"gid\": 0}"), Map.of(), "process.user.uid"),
                new Case("gid", Map.of("user", "{\"uid\": 0, \"gid\": 4294967295}"), Map.of(), "process.user.gid"),
                new Case("agid", Map.of("user", "{\"uid\": 0, \"gid\": 0, \"additionalGids\": [1, 2147483648]}"),
                        Map.of(), "process.user.additionalGids[1]"),
                new Case("map", Map.of(), Map.of("namespaces", userns,
                        "uidMappings", "[{\"containerID\": 0, \"hostID\": 4294967295, \"size\": 1}]",
                        "gidMappings", "[{\"containerID\": 0, \"hostID\": 0, \"size\": 1}]"), "linux.uidMappings[0].hostID"),
                new Case("mapsize", Map.of(), Map.of("namespaces", userns,
                        "uidMappings", "[{\"containerID\": 0, \"hostID\": 0, \"size\": 1}]",
                        "gidMappings", "[{\"containerID\": 0, \"hostID\": 2147483000, \"size\": 65536}]"),
                        "linux.gidMappings[0].size"))) {
            Path b = bundle(c.id(), List.of("id"), c.process(), c.linux(), null);
            createFails(b, c.id(), "jrun: config.json: " + c.field() + ": " + RANGE);
        }
        // the largest valid id still runs
        Path b = bundle("maxid", List.of("id", "-u"), Map.of("user", "{\"uid\": 2147483647, \"gid\": 2147483647}"),
                Map.of(), null);
        Jrun.Result r = jrun.run("run", "--bundle", b.toString(), "maxid");
        assertEquals("2147483647", r.out().strip(), r::toString);
    }

    @Test
    void execUserOutsideTheSignedRangeIsRefused() throws Exception {
        Path b = bundle("ex", List.of("sleep", "1000"));
        ok("run", "-d", "--bundle", b.toString(), "ex");
        Jrun.Result r = jrun.run("exec", "-u", "4294967295", "ex", "id", "-u");
        assertNotEquals(0, r.code(), r::toString);
        assertTrue(r.err().contains("user.uid: " + RANGE), r::toString);
        r = jrun.run("exec", "-u", "0:4294967295", "ex", "id", "-u");
        assertTrue(r.err().contains("user.gid: " + RANGE), r::toString);
        r = jrun.run("exec", "-g", "4294967295", "ex", "id", "-u");
        assertTrue(r.err().contains("user.additionalGids[0]: " + RANGE), r::toString);
        Path proc = work.resolve("process.json");
        Files.writeString(proc, "{\"args\": [\"id\", \"-u\"], \"cwd\": \"/\", \"user\": {\"uid\": 4294967295, \"gid\": 0}}");
        r = jrun.run("exec", "--process", proc.toString(), "ex");
        assertEquals("jrun: process.json: user.uid: " + RANGE, r.err().strip(), r::toString);
        assertEquals("running", status("ex"));
    }

    // ------------------------------------------------------------------ item 3: negative device numbers

    @Test
    void negativeDeviceNumbersOtherThanMinusOneAreRefused() throws Exception {
        Path b = bundle("devneg", List.of("true"), Map.of(), Map.of("resources", "{\"devices\": ["
                + "{\"allow\": false, \"access\": \"rwm\"}, {\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": 3, \"access\": \"rw\"},"
                + "{\"allow\": true, \"type\": \"c\", \"major\": -2, \"minor\": -1, \"access\": \"rwm\"}]}"), null);
        createFails(b, "devneg", "jrun: config.json: linux.resources.devices[2].major: must be -1 (all) or a "
                + "device number from 0 to 4294967295, found -2");
        Path b2 = bundle("devneg2", List.of("true"), Map.of(), Map.of("resources", "{\"devices\": ["
                + "{\"allow\": true, \"type\": \"b\", \"major\": 8, \"minor\": -7, \"access\": \"r\"}]}"), null);
        createFails(b2, "devneg2", "jrun: config.json: linux.resources.devices[0].minor: must be -1 (all) or a "
                + "device number from 0 to 4294967295, found -7");
        Path b3 = bundle("mknodneg", List.of("true"), Map.of(), Map.of("devices",
                "[{\"path\": \"/dev/x\", \"type\": \"c\", \"major\": -2, \"minor\": 1}]"), null);
        createFails(b3, "mknodneg", "jrun: config.json: linux.devices[0].major: must be a device number from 0 "
                + "to 4294967295, found -2");
        // -1 (and absent) keep meaning "all", runc's reading: the container runs and can read /dev/null
        Path ok = bundle("devall", List.of("sh", "-c", "cat /dev/null && echo ok"), Map.of(),
                Map.of("resources", "{\"devices\": [{\"allow\": false, \"access\": \"rwm\"},"
                        + "{\"allow\": true, \"type\": \"c\", \"major\": 1, \"minor\": -1, \"access\": \"rwm\"}]}"), null);
        Jrun.Result r = jrun.run("run", "--bundle", ok.toString(), "devall");
        assertEquals("ok", r.out().strip(), r::toString);
    }

    // ------------------------------------------------------------------ item 10: kernel memory

    @Test
    void kernelMemoryTheKernelIgnoresIsAcceptedWithAWarning() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/sys/fs/cgroup/memory")), "needs the v1 memory hierarchy");
        Path log = work.resolve("log.json");
        Path b = bundle("kmem", List.of("echo", "ran"), Map.of(),
                Map.of("resources", "{\"memory\": {\"limit\": 67108864, \"kernel\": 33554432, \"kernelTCP\": 16777216}}"),
                null);
        Jrun.Result r = jrun.run("--log", log.toString(), "--log-format", "json", "create", "--bundle", b.toString(),
                "kmem");
        assertEquals(0, r.code(), r::toString);
        Path mem = Path.of("/sys/fs/cgroup/memory" + cgroupParent + "/kmem");
        assertEquals("67108864", Files.readString(mem.resolve("memory.limit_in_bytes")).strip());
        // kernelTCP still has a working knob on this kernel: it is applied, not ignored
        Path tcp = mem.resolve("memory.kmem.tcp.limit_in_bytes");
        if (Files.exists(tcp)) assertEquals("16777216", Files.readString(tcp).strip());
        String logText = Files.readString(log);
        assertTrue(logText.contains("\"level\":\"warning\"") && logText.contains("linux.resources.memory.kernel"),
                logText);
        assertEquals("", r.err(), "warnings go to --log when one is given");
        ok("start", "kmem");
        // without --log the warning is one line on stderr, and run still succeeds
        Path b2 = bundle("kmem2", List.of("echo", "ran"), Map.of(),
                Map.of("resources", "{\"memory\": {\"kernel\": -1}}"), null);
        r = jrun.run("run", "--bundle", b2.toString(), "kmem2");
        assertEquals(0, r.code(), r::toString);
        assertEquals("ran", r.out().strip(), r::toString);
    }

    // ------------------------------------------------------------------ item 12: big and special inputs

    @Test
    void oversizedOrSpecialConfigIsRefusedWithOneLine() throws Exception {
        Path b = bundle("big", List.of("true"));
        Path config = b.resolve("config.json");
        String valid = Files.readString(config);
        // 20 MB of annotation: a size error, not an OutOfMemoryError
        String big = withTop(valid, "\"annotations\": {\"x\": \"" + "a".repeat(20 << 20) + "\"}");
        Files.writeString(config, big);
        Jrun.Result r = jrun.run("create", "--bundle", b.toString(), "big");
        assertEquals("jrun: config.json: " + config + " is larger than the limit of 4194304 bytes",
                r.err().strip(), r::toString);
        assertNothingLeftBehind("big");
        // a symbolic link to /dev/zero, and a FIFO nobody writes to: refused at once, not read, not waited on
        Files.delete(config);
        Files.createSymbolicLink(config, Path.of("/dev/zero"));
        r = jrun.run("create", "--bundle", b.toString(), "big");
        assertEquals("jrun: config.json: " + config + " is not a regular file", r.err().strip(), r::toString);
        Files.delete(config);
        assertEquals(0, new ProcessBuilder("mkfifo", config.toString()).start().waitFor());
        long t0 = System.nanoTime();
        r = jrun.run("create", "--bundle", b.toString(), "big");
        assertEquals("jrun: config.json: " + config + " is not a regular file", r.err().strip(), r::toString);
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(30));
        assertNothingLeftBehind("big");
        // a symbolic link to a regular file still works
        Files.delete(config);
        Path real = b.resolve("real.json");
        Files.writeString(real, valid);
        Files.createSymbolicLink(config, real);
        ok("create", "--bundle", b.toString(), "big");
        assertEquals("created", status("big"));
    }

    @Test
    void aConfigCreateAcceptsKeepsStateWorking() throws Exception {
        Path b = bundle("large", List.of("sleep", "1000"));
        Path config = b.resolve("config.json");
        // 3.5 MB of annotations, under the limit: create takes it and state, list, exec and delete keep working
        StringBuilder ann = new StringBuilder("{\"annotations\": {");
        for (int i = 0; i < 35; i++) ann.append(i == 0 ? "" : ",").append("\"k").append(i).append("\": \"")
                .append("v".repeat(100_000)).append('"');
        Files.writeString(config, withTop(Files.readString(config), ann.substring(1) + "}"));
        ok("create", "--bundle", b.toString(), "large");
        assertEquals("created", status("large"));
        ok("start", "large");
        assertEquals("running", status("large"));
        assertEquals("large", ok("list", "-q").out().strip());
        assertEquals("ok", ok("exec", "large", "echo", "ok").out().strip());
        ok("delete", "--force", "large");
        // annotations whose escapes make state.json outgrow its bound are refused by create, not by every state
        Path b2 = bundle("esc", List.of("true"));
        Path c2 = b2.resolve("config.json");
        Files.writeString(c2, withTop(Files.readString(c2),
                "\"annotations\": {\"x\": \"" + "\\b".repeat(2_000_000) + "\"}"));
        Jrun.Result r = jrun.run("create", "--bundle", b2.toString(), "esc");
        assertNotEquals(0, r.code(), r::toString);
        assertTrue(r.err().startsWith("jrun: config.json: annotations: too large") && r.err().strip().lines().count() == 1,
                r::toString);
        assertNothingLeftBehind("esc");
    }

    @Test
    void processJsonIsBoundedToo() throws Exception {
        Path b = bundle("pj", List.of("sleep", "1000"));
        ok("run", "-d", "--bundle", b.toString(), "pj");
        Path proc = work.resolve("process.json");
        Files.createSymbolicLink(proc, Path.of("/dev/zero"));
        Jrun.Result r = jrun.run("exec", "--process", proc.toString(), "pj");
        assertEquals("jrun: process.json: " + proc + " is not a regular file", r.err().strip(), r::toString);
        Files.delete(proc);
        Files.writeString(proc, "{\"args\": [\"true\"], \"cwd\": \"/\", \"env\": [\"X=" + "y".repeat(5 << 20) + "\"]}");
        r = jrun.run("exec", "--process", proc.toString(), "pj");
        assertEquals("jrun: process.json: " + proc + " is larger than the limit of 4194304 bytes", r.err().strip(),
                r::toString);
        assertEquals("running", status("pj"));
    }

    // ------------------------------------------------------------------ item 13: the launcher's JVM environment

    /** The binary with {@code env} added to the environment. */
    private Jrun.Result runWithEnv(Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Jrun.BIN, "--root", jrun.root.toString()));
        cmd.addAll(List.of(args));
        Path out = work.resolve("env.out");
        Path err = work.resolve("env.err");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().putAll(env);
        Process p = pb.start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS));
        return new Jrun.Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void javaOptionVariablesDoNotReachJrunsJvm() throws Exception {
        Map<String, String> env = Map.of("JAVA_TOOL_OPTIONS", "-XX:+PrintCommandLineFlags",
                "JDK_JAVA_OPTIONS", "-XX:+PrintCommandLineFlags", "_JAVA_OPTIONS", "-Xlog:gc");
        Jrun.Result r = runWithEnv(env, "--version");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().startsWith("jrun version "), r::toString);
        assertEquals("", r.err(), r::toString);
        Path b = bundle("envst", List.of("sleep", "1000"));
        ok("create", "--bundle", b.toString(), "envst");
        r = runWithEnv(env, "state", "envst");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().startsWith("{"), r::toString);
        assertEquals("", r.err(), r::toString);
        // ...while the container's own environment is the config's, untouched by the launcher
        r = runWithEnv(env, "exec", "envst", "sh", "-c", "echo ${JAVA_TOOL_OPTIONS:-none}");
        assertEquals("none", r.out().strip(), r::toString);
    }

    // ------------------------------------------------------------------ item 14: checkpoint/restore --help

    @Test
    void checkpointAndRestoreHelpListTheirFlags() {
        // implemented now (docs/checkpoint.md): podman's `checkpoint --help` probe succeeds
        for (String cmd : List.of("checkpoint", "restore")) {
            Jrun.Result r = jrun.run(cmd, "--help");
            assertEquals(0, r.code(), r::toString);
            assertTrue(r.out().contains("--tcp-established"), r::toString);
        }
    }

    // ------------------------------------------------------------------ item 15: field-named, bounded errors

    @Test
    void nulInAPathNamesTheField() throws Exception {
        Path b = bundle("nul", List.of("true"));
        Path config = b.resolve("config.json");
        Files.writeString(config, Files.readString(config)
                .replace("{\"destination\": \"/tmp\"", "{\"destination\": \"/mnt\\u0000x\""));
        Jrun.Result r0 = jrun.run("create", "--bundle", b.toString(), "nul");
        assertTrue(r0.err().startsWith("jrun: config.json: mounts[6].destination: must not contain a NUL character"),
                r0::toString);
        assertEquals(1, r0.err().strip().lines().count(), r0::toString);
        assertNothingLeftBehind("nul");
        Path b2 = bundle("nularg", List.of("echo", "aNULb"));
        Path c2 = b2.resolve("config.json");
        Files.writeString(c2, Files.readString(c2).replace("aNULb", "a\\u0000b"));
        Jrun.Result r = jrun.run("create", "--bundle", b2.toString(), "nularg");
        assertTrue(r.err().startsWith("jrun: config.json: process.args[1]: must not contain a NUL character"), r::toString);
        assertNothingLeftBehind("nularg");
    }

    @Test
    void longValuesAreQuotedShortInErrors() throws Exception {
        String longCwd = "relative/" + "x".repeat(4000);
        Path b = bundle("longcwd", List.of("true"), Map.of("cwd", Bundles.q(longCwd)), Map.of(), null);
        Jrun.Result r = jrun.run("create", "--bundle", b.toString(), "longcwd");
        assertNotEquals(0, r.code(), r::toString);
        String err = r.err().strip();
        assertEquals("jrun: config.json: process.cwd: must be an absolute path, found \"" + longCwd.substring(0, 100)
                + "...\"", err);
        Path b2 = bundle("longcap", List.of("true"), Map.of("capabilities",
                "{\"bounding\": [\"CAP_" + "Y".repeat(3000) + "\"]}"), Map.of(), null);
        r = jrun.run("create", "--bundle", b2.toString(), "longcap");
        assertTrue(r.err().length() < 250 && r.err().contains("process.capabilities.bounding[0]"), r::toString);
    }
}
